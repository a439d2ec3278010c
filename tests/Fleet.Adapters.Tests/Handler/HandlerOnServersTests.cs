using Fleet.Core.Geo;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.Adapters.Tests.Handler;

/// <summary>
/// Exactly-once on the real servers (DESIGN 2 and 7): replays, failures between the effects and a connection killed
/// mid-transaction all end with the rows and alert entities of one clean run.
/// </summary>
public sealed class HandlerOnServersTests
{
    [Fact]
    public async Task A_batch_replayed_three_times_leaves_the_rows_and_entities_of_one_run()
    {
        var batch = Batch();
        await using var once = await ServersRig.StartAsync();
        var first = await once.Handler().HandleAsync(batch, CancellationToken.None);
        await using var thrice = await ServersRig.StartAsync();
        var handler = thrice.Handler();
        for (var delivery = 0; delivery < 3; delivery++)
        {
            await handler.HandleAsync(batch, CancellationToken.None);
        }

        Assert.True(first is { Positions: > 0, Alerts: > 0, TripChanges: > 0, DeadLetters: > 0 }, first.ToString());
        Assert.Equal(await once.DumpAsync(), await thrice.DumpAsync());
        Assert.Equal(first.Positions, await thrice.Database.CountAsync("positions"));
    }

    [Fact]
    public async Task A_failure_after_the_alert_write_and_before_the_commit_is_healed_by_the_replay()
    {
        var batch = Batch();
        var clean = await CleanDumpAsync(batch);
        await using var rig = await ServersRig.StartAsync();
        FailingTelemetryStore? failing = null;
        var handler = rig.Handler(store => failing = new FailingTelemetryStore(store) { FailBeforeCommit = true });

        await Assert.ThrowsAsync<IOException>(() => handler.HandleAsync(batch, CancellationToken.None));
        Assert.Equal(0, await rig.Database.CountAsync("positions"));
        Assert.NotEmpty((await rig.Alerts.ListAsync(ServersRig.CompanyId, new(500, false, FixStream.Start), CancellationToken.None)).Items);

        failing!.FailBeforeCommit = false;
        await handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(clean, await rig.DumpAsync());
    }

    [Fact]
    public async Task A_failure_after_the_commit_is_healed_by_the_replay()
    {
        var batch = Batch();
        var clean = await CleanDumpAsync(batch);
        await using var rig = await ServersRig.StartAsync();
        FailingTelemetryStore? failing = null;
        var handler = rig.Handler(store => failing = new FailingTelemetryStore(store) { FailAfterCommit = true });

        await Assert.ThrowsAsync<IOException>(() => handler.HandleAsync(batch, CancellationToken.None));
        failing!.FailAfterCommit = false;
        var replay = await handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(0, replay.Positions + replay.Alerts + replay.TripChanges);
        Assert.Equal(clean, await rig.DumpAsync());
    }

    [Fact]
    public async Task A_connection_killed_in_the_middle_of_the_commit_is_retried_and_loses_nothing()
    {
        var batch = Batch();
        var (before, after) = (batch[..(batch.Count / 2)], batch[(batch.Count / 2)..]);
        await using var clean = await ServersRig.StartAsync();
        await clean.Handler().HandleAsync(before, CancellationToken.None);
        await clean.Handler().HandleAsync(after, CancellationToken.None);
        await using var rig = await ServersRig.StartAsync();
        var handler = rig.Handler();
        await handler.HandleAsync(before, CancellationToken.None);

        // Hold the vehicles' rows so the commit stops inside its transaction, then kill its connection there.
        await using var blocker = await rig.Database.DataSource.OpenConnectionAsync();
        await using var blocking = await blocker.BeginTransactionAsync();
        await Execute(blocker, "SELECT 1 FROM vehicle_state FOR UPDATE");
        var handling = handler.HandleAsync(after, CancellationToken.None);
        var killed = await KillConnectionWaitingOnALockAsync(rig, blocker.ProcessID);
        await blocking.RollbackAsync();
        var result = await handling;

        Assert.True(killed);
        Assert.Contains(rig.RetryLog.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("commit a batch", StringComparison.Ordinal));
        Assert.Equal(after.Count - 3, result.Positions);
        Assert.Equal(await clean.DumpAsync(), await rig.DumpAsync());
    }

    private static async Task<string> CleanDumpAsync(List<TelemetryEvent> batch)
    {
        await using var rig = await ServersRig.StartAsync();
        await rig.Handler().HandleAsync(batch, CancellationToken.None);
        return await rig.DumpAsync();
    }

    private static async Task<bool> KillConnectionWaitingOnALockAsync(ServersRig rig, int blockerProcessId)
    {
        await using var admin = await rig.Database.DataSource.OpenConnectionAsync();
        for (var attempt = 0; attempt < 400; attempt++)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid NOT IN (pg_backend_pid(), @blocker)
                """,
                admin);
            command.Parameters.AddWithValue("blocker", blockerProcessId);
            if (await command.ExecuteScalarAsync() is true)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Three vehicles: a speeding drive through the yard with a trip, a vehicle parked idling, a vehicle that drives off;
    /// and three bad events (malformed, unknown device, null island) to dead-letter.
    /// </summary>
    private static List<TelemetryEvent> Batch()
    {
        var speeding = new FixStream("dev-1");
        var fixes = speeding.Park(0, 60, FixStream.Origin, fuelLevelPercent: 70, ignition: true);
        fixes.AddRange(speeding.Drive(65, 300, FixStream.Origin, 90, 110, fuelLevelPercent: 69));
        var idler = new FixStream("dev-2");
        var idling = idler.Park(0, 900, GeoMath.Offset(FixStream.Origin, 3_000, 0), intervalSeconds: 30, fuelLevelPercent: 40, ignition: true);
        var driver = new FixStream("dev-3");
        var driving = driver.Drive(0, 600, GeoMath.Offset(FixStream.Origin, 3_000, 180), 0, 50);

        // One partition interleaves the devices in arrival order and numbers the events as they arrive.
        var events = TelemetryJson.Events("dev-1", fixes)
            .Concat(TelemetryJson.Events("dev-2", idling))
            .Concat(TelemetryJson.Events("dev-3", driving))
            .OrderBy(item => item.Metadata.EnqueuedTime)
            .Select((item, index) => item with { Metadata = item.Metadata with { SequenceNumber = index + 1 } })
            .ToList();
        var next = events.Count + 1;
        events.Add(TelemetryJson.Event("{\"device_id\":\"dev-1\",", next++, FixStream.At(900)));
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-unknown", FixStream.At(70), 25.03, 121.56), next++, FixStream.At(900)));
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(75), 0, 0), next, FixStream.At(900)));
        return events;
    }
}
