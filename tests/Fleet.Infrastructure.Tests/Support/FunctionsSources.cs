using System.Text.RegularExpressions;

namespace Fleet.Infrastructure.Tests.Support;

/// <summary>
/// What functions/Fleet.Functions declares, read from its C# sources as text: that project needs packages this machine's
/// feed does not serve, so it cannot be compiled and reflected over here.
/// </summary>
internal static partial class FunctionsSources
{
    private static readonly Lazy<string> Text = new(() => string.Join(
        '\n',
        Directory.GetFiles(Repository.PathOf("functions/Fleet.Functions"), "*.cs").Order(StringComparer.Ordinal).Select(File.ReadAllText)));

    /// <summary>App settings that trigger and binding attributes name as <c>%Setting%</c>, e.g. timer schedules.</summary>
    public static IReadOnlySet<string> AppSettingReferences() => Matches(AppSettingReference(), "setting");

    /// <summary>Connections that trigger and binding attributes name (<c>Connection = "..."</c>): a setting or a section.</summary>
    public static IReadOnlySet<string> Connections() => Matches(Connection(), "name");

    /// <summary>The binding kinds the functions use: <c>EventHub</c> for <c>[EventHubTrigger(...)]</c>, and so on.</summary>
    public static IReadOnlySet<string> BindingKinds() => Matches(Binding(), "kind");

    /// <summary>The Fleet composition calls of the app's start-up (<c>builder.AddFleet...(...)</c>), with their arguments' text.</summary>
    public static IReadOnlyList<(string Method, string Argument)> CompositionCalls() =>
        [.. CompositionCall().Matches(Text.Value).Select(match => (match.Groups["method"].Value, match.Groups["argument"].Value.Trim()))];

    /// <summary>
    /// Composition methods the Functions project declares itself; the calls in their bodies are among
    /// <see cref="CompositionCalls"/>.
    /// </summary>
    public static IReadOnlySet<string> DeclaredCompositionMethods() => Matches(CompositionDeclaration(), "method");

    private static HashSet<string> Matches(Regex pattern, string group) =>
        [.. pattern.Matches(Text.Value).Select(match => match.Groups[group].Value)];

    [GeneratedRegex(@"%(?<setting>[A-Za-z_]\w*)%")]
    private static partial Regex AppSettingReference();

    [GeneratedRegex(@"\bConnection\s*=\s*""(?<name>\w+)""")]
    private static partial Regex Connection();

    [GeneratedRegex(@"\[(?<kind>\w+?)(?:Trigger|Input|Output)\(")]
    private static partial Regex Binding();

    [GeneratedRegex(@"\bbuilder\.(?:Services\.)?(?<method>AddFleet\w+)\((?<argument>(?:[^()]|\([^()]*\))*)\)")]
    private static partial Regex CompositionCall();

    [GeneratedRegex(@"\bstatic\s+[\w.]+\s+(?<method>AddFleet\w+)\(")]
    private static partial Regex CompositionDeclaration();
}
