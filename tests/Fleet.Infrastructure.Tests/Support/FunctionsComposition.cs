using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Infrastructure.Tests.Support;

/// <summary>
/// The Functions app's start-up as far as it can run here: each Fleet composition step its sources call
/// (<c>builder.AddFleet...</c>), from the assemblies that hold them, over given settings, then the start-up validation
/// of the options those steps register. What a step refuses is a setting the app cannot start without.
/// </summary>
internal static partial class FunctionsComposition
{
    public sealed record Step(string Method, MethodInfo Composition, object[] Arguments);

    /// <summary>The steps, in the order the sources name them; a call the composed assemblies do not hold fails here.</summary>
    public static IReadOnlyList<Step> Steps()
    {
        var declaredByFunctions = FunctionsSources.DeclaredCompositionMethods();
        return
        [
            .. FunctionsSources.CompositionCalls()
                .Where(call => !declaredByFunctions.Contains(call.Method))
                .Select(call => new Step(call.Method, Composition(call.Method), Arguments(call.Method, call.Argument))),
        ];
    }

    /// <summary>Each step run on its own host builder over the settings: what it refuses, as "method: message".</summary>
    public static IReadOnlyList<string> Refusals(IReadOnlyDictionary<string, string?> settings) =>
        [.. Steps().Select(step => Refusal(step, settings)).OfType<string>()];

    private static string? Refusal(Step step, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        object target = step.Composition.GetParameters()[0].ParameterType == typeof(IServiceCollection) ? builder.Services : builder;
        try
        {
            step.Composition.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [target, .. step.Arguments], null);
            using var services = builder.Services.BuildServiceProvider();
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (Exception refusal) when (refusal is InvalidOperationException or OptionsValidationException or AggregateException)
        {
            return $"{step.Method}: {refusal.Message}";
        }
    }

    private static MethodInfo Composition(string method)
    {
        MethodInfo[] found =
        [
            .. from assembly in CodeSettings.ComposedAssemblies
               from type in assembly.GetExportedTypes()
               from candidate in type.GetMethods(BindingFlags.Public | BindingFlags.Static)
               where candidate.Name == method && candidate.IsDefined(typeof(ExtensionAttribute))
               select candidate,
        ];
        return found.Length == 1
            ? found[0]
            : throw new InvalidOperationException(
                $"{method}, called by functions/Fleet.Functions, is {found.Length} public extension methods of the composed assemblies, "
                + "not one.");
    }

    // The sources pass no argument or a name (nameof(FleetHub)); anything else needs teaching here.
    private static object[] Arguments(string method, string argument) =>
        argument.Length == 0 ? []
        : NameOf().Match(argument) is { Success: true } name ? [name.Groups["name"].Value]
        : throw new InvalidOperationException($"{method}({argument}): the test does not know how to pass that argument.");

    [GeneratedRegex(@"^nameof\((?<name>\w+)\)$")]
    private static partial Regex NameOf();
}
