using System.Reflection;
using Fleet.Adapters;
using Fleet.Http;

namespace Fleet.Infrastructure.Tests.Support;

/// <summary>
/// Which settings something reads, found where they are read rather than in a list kept beside them: the options
/// sections of the assemblies the Functions app composes (types with a <c>Section</c> constant), the configuration keys
/// <see cref="FleetComposition"/> names, and what the app's triggers and bindings name. The platform's own settings,
/// which no code of ours names, are the one list here, each with where it is documented.
/// </summary>
internal static class CodeSettings
{
    public static IReadOnlyList<Assembly> ComposedAssemblies { get; } =
        [typeof(Core.Jobs.JobProgressSettings).Assembly, typeof(FleetComposition).Assembly, typeof(FleetHttpComposition).Assembly];

    // Functions host, App Service and the host's Application Insights connection:
    // https://learn.microsoft.com/azure/azure-functions/functions-app-settings
    private static readonly string[] PlatformPrefixes = ["FUNCTIONS_", "WEBSITE_", "APPLICATIONINSIGHTS_"];

    private static readonly string[] PlatformSections =
    [
        // The host's storage: a connection string, or __accountName/__credential/__clientId (same reference).
        "AzureWebJobsStorage",
        // The SignalR Service extension's default connection, the one ServerlessHub uses (its __credential is read there
        // only): https://learn.microsoft.com/azure/azure-functions/functions-bindings-signalr-service
        "AzureSignalRConnectionString",
        // Azure.Identity: the user-assigned identity DefaultAzureCredential signs in with
        // (https://learn.microsoft.com/dotnet/api/azure.identity.defaultazurecredential).
        "AZURE_CLIENT_ID",
    ];

    private static readonly Lazy<IReadOnlyList<string>> Known = new(() =>
        [.. OptionsKeys(), .. CompositionKeys(), .. FunctionsSources.AppSettingReferences(), .. FunctionsSources.Connections()]);

    /// <summary>A configuration key (<c>:</c>-separated) that the code reads, itself or as part of a section or list it reads.</summary>
    public static bool ReadByCode(string key) => Known.Value.Any(known => ConfigurationKeys.Covers(known, key));

    /// <summary>A setting the Functions host, App Service or Azure.Identity reads.</summary>
    public static bool ReadByPlatform(string key) =>
        PlatformPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))
        || PlatformSections.Any(section => ConfigurationKeys.Covers(section, key));

    // The options classes of the composed assemblies, each with the section it binds.
    private static IEnumerable<(Type Options, string Section)> OptionsSections() =>
        from assembly in ComposedAssemblies
        from type in assembly.GetExportedTypes()
        let field = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)
        where field is { IsLiteral: true } && field.FieldType == typeof(string)
        select (type, (string)field.GetRawConstantValue()!);

    private static IEnumerable<string> OptionsKeys() =>
        from options in OptionsSections()
        from property in options.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.SetMethod is { IsPublic: true }
        select $"{options.Section}:{property.Name}";

    // Constants named ...ConnectionName are read with GetConnectionString, i.e. under ConnectionStrings.
    private static IEnumerable<string> CompositionKeys() =>
        from field in typeof(FleetComposition).GetFields(BindingFlags.Public | BindingFlags.Static)
        where field.IsLiteral && field.FieldType == typeof(string)
        let value = (string)field.GetRawConstantValue()!
        select field.Name.EndsWith("ConnectionName", StringComparison.Ordinal) ? $"ConnectionStrings:{value}" : value;
}
