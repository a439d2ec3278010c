using System.Diagnostics;
using System.Text.Json;
using Fleet.LocalHost.Dashboard;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// The azd hook that configures the dashboard on Static Web Apps (<c>infra/scripts/dashboard-config.sh</c>): the files it
/// writes are valid JSON whatever the values hold, and the headers are the local host's, with Azure's origins.
/// </summary>
public sealed class StaticWebAppConfigTests : IDisposable
{
    private const string FunctionApp = "https://func-fleet.azurewebsites.net";
    private const string SignalR = "https://sig-fleet.service.signalr.net";
    private const string Tiles = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
    private const string Attribution = """&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors""";

    private readonly string _output = Directory.CreateTempSubdirectory("dashboard-config-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task The_hook_writes_valid_json_and_the_local_hosts_browser_protections_with_azures_origins()
    {
        var (exitCode, _) = await RunHookAsync(new()
        {
            ["FUNCTION_APP_URL"] = FunctionApp,
            ["SIGNALR_SERVICE_URI"] = SignalR,
            ["DASHBOARD_TILE_URL"] = Tiles,
            ["DASHBOARD_TILE_ATTRIBUTION"] = Attribution,
            ["DASHBOARD_CLIENT_ID"] = "dashboard-app",
            ["AZURE_TENANT_ID"] = "tenant-1",
            ["DASHBOARD_API_SCOPE"] = "api://fleet/.default",
        });

        Assert.Equal(0, exitCode);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "config.json")));
        Assert.Equal(FunctionApp, config.RootElement.GetProperty("api_base").GetString());
        Assert.Equal(Attribution, config.RootElement.GetProperty("tile_attribution").GetString());
        Assert.Equal("https://login.microsoftonline.com/tenant-1/v2.0", config.RootElement.GetProperty("sign_in").GetProperty("authority").GetString());

        using var site = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "staticwebapp.config.json")));
        var headers = site.RootElement.GetProperty("globalHeaders");
        var expected = SecurityHeaders.PolicyFor(
            new DashboardOptions { TileUrl = Tiles, SignIn = new("https://login.microsoftonline.com/tenant-1/v2.0", "dashboard-app", "api://fleet/.default") },
            FunctionApp,
            SignalR,
            "wss://sig-fleet.service.signalr.net");
        Assert.Equal(expected, headers.GetProperty("Content-Security-Policy").GetString());
        Assert.Equal(
            ("nosniff", "DENY", "no-referrer"),
            (headers.GetProperty("X-Content-Type-Options").GetString(), headers.GetProperty("X-Frame-Options").GetString(), headers.GetProperty("Referrer-Policy").GetString()));
    }

    [Fact]
    public async Task Without_tiles_or_sign_in_the_page_connects_only_to_the_api_and_signalr()
    {
        var (exitCode, _) = await RunHookAsync(new() { ["FUNCTION_APP_URL"] = FunctionApp, ["SIGNALR_SERVICE_URI"] = SignalR });

        Assert.Equal(0, exitCode);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "config.json")));
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (config.RootElement.GetProperty("tile_url").ValueKind, config.RootElement.GetProperty("sign_in").ValueKind));
        using var site = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "staticwebapp.config.json")));
        Assert.Equal(
            SecurityHeaders.PolicyFor(new DashboardOptions(), FunctionApp, SignalR, "wss://sig-fleet.service.signalr.net"),
            site.RootElement.GetProperty("globalHeaders").GetProperty("Content-Security-Policy").GetString());
    }

    [Fact]
    public async Task Missing_provisioning_outputs_fail_the_hook_loudly_and_write_nothing()
    {
        var (exitCode, errors) = await RunHookAsync(new() { ["FUNCTION_APP_URL"] = FunctionApp });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("SIGNALR_SERVICE_URI", errors, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_output));
    }

    private async Task<(int ExitCode, string Errors)> RunHookAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("sh", [Path.Combine(RepositoryRoot(), "infra", "scripts", "dashboard-config.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var name in new[] { "DASHBOARD_TILE_URL", "DASHBOARD_TILE_ATTRIBUTION", "DASHBOARD_CLIENT_ID", "FUNCTION_APP_URL", "SIGNALR_SERVICE_URI" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["DASHBOARD_DIR"] = _output;
        using var hook = Process.Start(start)!;
        var errors = hook.StandardError.ReadToEndAsync();
        await hook.StandardOutput.ReadToEndAsync();
        await hook.WaitForExitAsync();
        return (hook.ExitCode, await errors);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FleetFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FleetFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
