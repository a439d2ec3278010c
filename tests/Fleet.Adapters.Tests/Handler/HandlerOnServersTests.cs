using Fleet.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.Adapters.Tests.Handler;

/// <summary>
/// Exactly-once on the real servers (DESIGN 2 and 7): replays, failures between the effects and a connection killed
/// mid-transaction all end with the rows and alert entities of one clean run (the alert outbox delivering what a
/// failure after the commit left in it).
/// </summary>
public sealed class HandlerOnServersTests
{
    [Fact]
    public async Task A_batch_replayed_three_times_leaves_the_rows_and_entities_of_one_run()
    {
        var batch = ServersRig.Batch();
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
    public async Task A_failure_before_the_commit_writes_no_alert_anywhere_and_is_healed_by_the_replay()
    {
        var batch = ServersRig.Batch();
        var clean = await ServersRig.CleanDumpAsync(batch);
        await using var rig = await ServersRig.StartAsync();
        FailingTelemetryStore? failing = null;
        var handler = rig.Handler(store => failing = new FailingTelemetryStore(store) { FailBeforeCommit = true });

        await Assert.ThrowsAsync<IOException>(() => handler.HandleAsync(batch, CancellationToken.None));
        Assert.Equal(0, await rig.Database.CountAsync("positions"));
        Assert.Equal(0, await rig.Database.CountAsync("alert_outbox"));
        Assert.Empty(await rig.AlertEntitiesAsync());

        failing!.FailBeforeCommit = false;
        await handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(clean, await rig.DumpAsync());
    }

    [Fact]
    public async Task A_failure_after_the_commit_is_healed_by_the_replay_and_the_alert_outbox()
    {
        var batch = ServersRig.Batch();
        var clean = await ServersRig.CleanDumpAsync(batch);
        await using var rig = await ServersRig.StartAsync();
        FailingTelemetryStore? failing = null;
        var handler = rig.Handler(store => failing = new FailingTelemetryStore(store) { FailAfterCommit = true });

        await Assert.ThrowsAsync<IOException>(() => handler.HandleAsync(batch, CancellationToken.None));
        failing!.FailAfterCommit = false;
        var replay = await handler.HandleAsync(batch, CancellationToken.None);
        await rig.AlertOutbox(new RecordingPublisher()).DeliverAsync(CancellationToken.None);

        // The replay raises nothing; the alerts the failed attempt committed reach the table through the outbox.
        Assert.Equal(0, replay.Positions + replay.Alerts + replay.TripChanges);
        Assert.Equal(clean, await rig.DumpAsync());
    }

    [Fact]
    public async Task A_connection_killed_in_the_middle_of_the_commit_is_retried_and_loses_nothing()
    {
        var batch = ServersRig.Batch();
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
}
