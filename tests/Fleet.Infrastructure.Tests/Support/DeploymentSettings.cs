using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Fleet.Infrastructure.Tests.Support;

/// <summary>The app settings each way of running the Functions app gets: the Function App in Azure, and Core Tools locally.</summary>
internal static partial class DeploymentSettings
{
    public const string Bicep = BicepTemplates.FunctionApp;
    public const string LocalSample = "local.settings.sample.json";

    /// <summary>The setting names the file gives the Functions app, every conditional one included.</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(string file) => file switch
    {
        Bicep => await FunctionAppSettingNamesAsync(),
        LocalSample => [.. LocalSampleValues().Keys],
        _ => throw new ArgumentOutOfRangeException(nameof(file), file, "not a settings file"),
    };

    public static IReadOnlyDictionary<string, string> LocalSampleValues() =>
        JsonNode.Parse(Repository.Read(LocalSample))!["Values"]!.AsObject()
            .ToDictionary(setting => setting.Key, setting => (string)setting.Value!, StringComparer.Ordinal);

    // The settings list holds a conditional part (the first operator), so Bicep compiles all of it to one ARM expression
    // with a createObject('name', '<name>', 'value', ...) per setting.
    private static async Task<IReadOnlyList<string>> FunctionAppSettingNamesAsync()
    {
        var site = await BicepTemplates.ResourceAsync(BicepTemplates.FunctionApp, "Microsoft.Web/sites");
        var expression = (string)site["properties"]!["siteConfig"]!["appSettings"]!;
        IReadOnlyList<string> names = [.. SettingName().Matches(expression).Select(match => match.Groups["name"].Value)];
        return names.Count > 0
            ? names
            : throw new InvalidOperationException("No app setting found in the compiled appSettings; has its shape changed? " + expression);
    }

    [GeneratedRegex(@"createObject\('name', '(?<name>[^']+)'")]
    private static partial Regex SettingName();
}
