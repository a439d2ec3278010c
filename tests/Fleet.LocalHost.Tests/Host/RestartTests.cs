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
    public async Task After_the_stream_is_recreated_and_numbered_from_one_again_every_fix_of_a_request_split_over_batches_is_stored()
    {
        await using var first = await LocalHostRig.StartAsync(HostStores.Servers);
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);

        // Before the restart: the vehicle's partition numbers up to 60, so its watermark is at 60.
        using (var sent = await first.SendBatchAsync(Enumerable.Range(0, 60).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.5 + i * 0.0001, 30))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await first.WaitUntilProcessedAsync(Wait);

        // The event hub is recreated (its log emptied, numbers from 1 again) while the vehicle keeps its watermark, and a
        // new host handles one request of 100 buffered fixes (one enqueued time) in batches of 20.
        await first.StopAsync();
        await using (var recreate = first.Database!.DataSource.CreateCommand(
            "TRUNCATE local_events, local_event_checkpoints; UPDATE local_event_partitions SET last_sequence_number = 0, last_enqueued_time = NULL"))
        {
            await recreate.ExecuteNonQueryAsync();
        }

        await using var restarted = await LocalHostRig.StartBesideAsync(first, clock: null, "--Fleet:LocalHost:MaxBatchSize=20");
        var resumed = start.AddMinutes(10);
        using (var sent = await restarted.SendBatchAsync(Enumerable.Range(0, 100).Select(i => LocalHostRig.Fix("sim-001", resumed.AddSeconds(5 * i), 25.2, 121.5 + i * 0.0001, 30))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await restarted.WaitUntilProcessedAsync(Wait);

        Assert.Equal(100, await StoredFixesAsync(restarted, resumed));
    }

    [Fact]
    public async Task Events_a_host_accepted_but_died_before_handling_are_handled_by_the_next_host_over_the_same_database()
    {
        await using var first = await LocalHostRig.StartAsync(HostStores.Servers);
        await first.StopAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-20);

        // What the dead host's send API had committed: its log, with no consumer left to handle it.
        var options = Microsoft.Extensions.Options.Options.Create(new LocalHostOptions());
        var deadHostLog = new Fleet.LocalHost.Ingestion.PostgresEventLog(
            first.Database!.DataSource, options, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Fleet.LocalHost.Ingestion.PostgresEventLog>.Instance);
        await deadHostLog.StartAsync(CancellationToken.None);
        var fixes = Enumerable.Range(0, 40)
            .Select(i => new Fleet.LocalHost.Ingestion.IncomingEvent(
                System.Text.Encoding.UTF8.GetBytes(LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.5 + i * 0.0001, 30)), "sim-001", null))
            .ToList();
        Assert.Null(await deadHostLog.AppendAsync(fixes, CancellationToken.None));
        await deadHostLog.StopAsync(CancellationToken.None);

        await using var next = await LocalHostRig.StartBesideAsync(first, clock: null);
        await next.WaitUntilProcessedAsync(Wait);

        Assert.Equal(40, await StoredFixesAsync(next, start));
    }

    /// <summary>How many of vehicle v-001's fixes in the ten minutes from <paramref name="from"/> are stored.</summary>
    private static async Task<int> StoredFixesAsync(LocalHostRig host, DateTimeOffset from)
    {
        using var admin = await host.ClientAsync("restart-admin", "c-acme", "admin");
        var since = Uri.EscapeDataString(from.AddSeconds(-1).ToString("O"));
        var until = Uri.EscapeDataString(from.AddMinutes(10).ToString("O"));
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/vehicles/v-001/locations?from={since}&to={until}&limit=1000");
        return page.GetProperty("items").GetArrayLength();
    }
}
