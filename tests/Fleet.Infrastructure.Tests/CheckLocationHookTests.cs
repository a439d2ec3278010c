using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Fleet.Infrastructure.Tests.Support;

namespace Fleet.Infrastructure.Tests;

/// <summary>
/// The azd preprovision hook infra/scripts/check-location.sh, run by sh with a stand-in <c>az</c> first on PATH: a region
/// without Flex Consumption for the app's runtime stops provisioning before anything is created.
/// </summary>
[UnsupportedOSPlatform("windows")] // azd runs the hook with sh; the stand-in az must be an executable file
public sealed partial class CheckLocationHookTests : IDisposable
{
    private const string Hook = "infra/scripts/check-location.sh";
    // The regions, one a line, ending in CR as the Azure CLI on Windows prints them.
    private const string ListsRegions = @"printf 'eastus\r\nwesteurope\r\nnortheurope\r\n'";

    private readonly string _bin = Directory.CreateTempSubdirectory("check-location-").FullName;

    private string AzCalls => Path.Combine(_bin, "az.calls");

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    [Fact]
    public async Task A_region_with_flex_consumption_for_the_runtime_passes()
    {
        StandInAz(ListsRegions);

        var (exitCode, _) = await RunHookAsync(("AZURE_LOCATION", "westeurope"));

        Assert.Equal(0, exitCode);
        Assert.Equal(
            ["functionapp list-flexconsumption-locations --runtime dotnet-isolated --query [].name -o tsv"], File.ReadAllLines(AzCalls));
    }

    [Fact]
    public async Task A_region_without_it_stops_provisioning_and_names_the_regions_that_have_it()
    {
        StandInAz(ListsRegions);

        var (exitCode, errors) = await RunHookAsync(("AZURE_LOCATION", "centralindia"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("centralindia does not offer Flex Consumption with dotnet-isolated", errors, StringComparison.Ordinal);
        Assert.Contains("Regions that do: eastus northeurope westeurope.", errors, StringComparison.Ordinal);
        Assert.Contains("azd env set AZURE_LOCATION", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_azure_cli_stops_provisioning_rather_than_let_the_region_pass_unchecked()
    {
        StandInAz("echo 'Please run az login to setup account.' >&2; exit 1");

        var (exitCode, errors) = await RunHookAsync(("AZURE_LOCATION", "westeurope"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("FLEET_SKIP_LOCATION_CHECK=true", errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FLEET_SKIP_LOCATION_CHECK", "true")]
    [InlineData("AZURE_LOCATION", "")] // a first `azd provision` may ask for the region only after its hooks ran
    public async Task Skipped_or_without_a_region_yet_it_asks_the_azure_cli_nothing(string variable, string value)
    {
        StandInAz("exit 1");

        var (exitCode, _) = await RunHookAsync(("AZURE_LOCATION", "centralindia"), (variable, value));

        Assert.Equal(0, exitCode);
        Assert.False(File.Exists(AzCalls));
    }

    [Fact]
    public async Task The_runtime_it_checks_is_the_one_the_function_app_runs()
    {
        var site = await BicepTemplates.ResourceAsync(BicepTemplates.FunctionApp, "Microsoft.Web/sites");

        Assert.Equal(
            (string?)site["properties"]!["functionAppConfig"]!["runtime"]!["name"],
            RuntimeLine().Match(Repository.Read(Hook)).Groups["runtime"].Value);
    }

    // An az that records its arguments, then does what the test says.
    private void StandInAz(string behaviour)
    {
        var az = Path.Combine(_bin, "az");
        File.WriteAllText(az, $"#!/bin/sh\necho \"$*\" >> '{AzCalls}'\n{behaviour}\n");
        File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private async Task<(int ExitCode, string Errors)> RunHookAsync(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("sh", [Repository.PathOf(Hook)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Repository.Root,
        };
        start.Environment.Remove("FLEET_SKIP_LOCATION_CHECK");
        start.Environment["PATH"] = $"{_bin}:{start.Environment["PATH"]}";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var hook = Process.Start(start)!;
        var errors = hook.StandardError.ReadToEndAsync();
        await hook.StandardOutput.ReadToEndAsync();
        await hook.WaitForExitAsync();
        return (hook.ExitCode, await errors);
    }

    [GeneratedRegex(@"^runtime=(?<runtime>\S+)", RegexOptions.Multiline)]
    private static partial Regex RuntimeLine();
}
