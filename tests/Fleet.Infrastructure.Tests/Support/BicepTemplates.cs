using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Fleet.Infrastructure.Tests.Support;

/// <summary>
/// Bicep files compiled to the ARM JSON Azure deploys, by the Bicep CLI tests/run.sh fetches (FLEET_TEST_BICEP), so the
/// tests read what the compiler made of the templates rather than parse Bicep themselves. Without the CLI these tests
/// fail saying so: they never pass by skipping.
/// </summary>
internal static class BicepTemplates
{
    public const string Main = "infra/main.bicep";
    public const string FunctionApp = "infra/modules/functionapp.bicep";

    // Each compile takes seconds; every test of a run reads the same files.
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonObject>>> Compiled = new(StringComparer.Ordinal);

    public static Task<JsonObject> CompileAsync(string relativePath) =>
        Compiled.GetOrAdd(relativePath, path => new Lazy<Task<JsonObject>>(() => BuildAsync(path))).Value;

    /// <summary>The template's one resource of that type.</summary>
    public static async Task<JsonObject> ResourceAsync(string relativePath, string type) =>
        (await CompileAsync(relativePath))["resources"]!.AsArray()
            .Single(resource => (string?)resource!["type"] == type)!.AsObject();

    private static async Task<JsonObject> BuildAsync(string relativePath)
    {
        var bicep = Environment.GetEnvironmentVariable("FLEET_TEST_BICEP") is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException(
                "FLEET_TEST_BICEP is not set: it must name the Bicep CLI. tests/run.sh fetches it and sets it.");
        var start = new ProcessStartInfo(bicep, ["build", Repository.PathOf(relativePath), "--stdout"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var template = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? JsonNode.Parse(template)!.AsObject()
            : throw new InvalidOperationException($"bicep build {relativePath} failed: {await errors}");
    }
}
