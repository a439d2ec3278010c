using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>What a host restarted over the same stores must still get right (issue 17).</summary>
public sealed class RestartTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_restart_numbers_its_partitions_from_one_again_every_fix_of_a_request_split_over_batches_is_stored()
    {
        await using var first = await LocalHostRig.StartAsync(HostStores.Servers);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);

        // Before the restart: the vehicle's partition numbers up to 60, so its watermark is at 60.
        using (var sent = await first.SendBatchAsync(Enumerable.Range(0, 60).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.5 + i * 0.0001, 30))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await first.WaitUntilProcessedAsync(Wait);

        // "Restarted": a host over the same database numbers from 1, and handles one request of 100 buffered fixes
        // (one enqueued time) in batches of 20.
        await using var restarted = await LocalHostRig.StartBesideAsync(first, clock: null, "--Fleet:LocalHost:MaxBatchSize=20");
        var resumed = start.AddMinutes(10);
        using (var sent = await restarted.SendBatchAsync(Enumerable.Range(0, 100).Select(i => LocalHostRig.Fix("sim-001", resumed.AddSeconds(5 * i), 25.2, 121.5 + i * 0.0001, 30))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await restarted.WaitUntilProcessedAsync(Wait);

        using var admin = await restarted.ClientAsync("restart-admin", "c-acme", "admin");
        var from = Uri.EscapeDataString(resumed.AddSeconds(-1).ToString("O"));
        var to = Uri.EscapeDataString(resumed.AddMinutes(10).ToString("O"));
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/vehicles/v-001/locations?from={from}&to={to}&limit=1000");
        Assert.Equal(100, page.GetProperty("items").GetArrayLength());
    }
}
