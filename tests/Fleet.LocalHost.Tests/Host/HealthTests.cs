using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>Start-up and health: what the host refuses to run with, and how it reports its stores.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_says_plainly_that_in_memory_accepted_events_are_not_durable()
    {
        await using var host = await LocalHostRig.StartAsync();

        var ingestion = (await host.Http.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("ingestion");

        Assert.False(ingestion.GetProperty("durable").GetBoolean());
        Assert.Contains("memory", ingestion.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_PostgreSQL_health_says_accepted_events_are_durable()
    {
        await using var host = await LocalHostRig.StartAsync(HostStores.Servers);

        var ingestion = (await host.Http.GetFromJsonAsync<JsonElement>("/api/health")).GetProperty("ingestion");

        Assert.True(ingestion.GetProperty("durable").GetBoolean());
        Assert.Contains("PostgreSQL", ingestion.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_alert_store_makes_the_host_unhealthy_and_says_which()
    {
        // A port nothing listens on: taken from the OS, then released.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var host = await LocalHostRig.StartAsync(
            $"--ConnectionStrings:FleetTables=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;");

        using var response = await host.Http.GetAsync("/api/health");
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", health.GetProperty("status").GetString());
        Assert.Equal("ok", health.GetProperty("database").GetString());
        Assert.NotEqual("ok", health.GetProperty("tables").GetString());
    }

    [Fact]
    public async Task A_shared_signing_key_next_to_an_authority_stops_start_up_naming_both_settings()
    {
        var refusal = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => LocalHostRig.StartAsync("--Fleet:Auth:Authority=https://login.microsoftonline.com/contoso/v2.0"));

        Assert.Contains("Fleet:Auth:SigningKey", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Auth:Authority", refusal.Message, StringComparison.Ordinal);
    }
}
