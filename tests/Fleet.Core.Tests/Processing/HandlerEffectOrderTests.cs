using Fleet.Core.Tests.Support;
using Fleet.Core.Tests.Timers;

namespace Fleet.Core.Tests.Processing;

/// <summary>
/// The handler's effects happen in the order of docs/BATCH-ORDER.md (one commit with the alerts in the outbox and the
/// state, then the alert writes, then publishing), so a failure at any point followed by a replay, and the outbox's
/// delivery for alerts a failure left behind, leaves exactly one of everything.
/// </summary>
public sealed class HandlerEffectOrderTests
{
    [Fact]
    public async Task Effects_run_commit_then_alerts_then_publish()
    {
        var rig = SpeedingDrive.NewRig();
        await rig.Handler.HandleAsync(SpeedingDrive.Batch(), CancellationToken.None);

        Assert.Equal(["commit", "alerts", "publish"], rig.Log);
        Assert.Empty(rig.Harness.PendingAlerts());
    }

    [Fact]
    public async Task A_failure_before_the_commit_leaves_nothing_and_is_healed_by_replaying_the_batch()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        rig.FailBeforeCommit = true;

        await Assert.ThrowsAsync<IOException>(() => rig.Handler.HandleAsync(SpeedingDrive.Batch(), CancellationToken.None));
        Assert.Empty(rig.Harness.Alerts.AllOf("c-1"));
        Assert.Empty(rig.Harness.PendingAlerts());
        Assert.Empty(rig.Harness.Store.PositionsOf("c-1", "v-1"));
        Assert.Equal(["commit"], rig.Log);

        rig.FailBeforeCommit = false;
        await rig.Handler.HandleAsync(SpeedingDrive.Batch(), CancellationToken.None);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    [Fact]
    public async Task A_failure_after_the_commit_is_healed_by_the_replay_and_the_outbox_delivery()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        rig.FailAfterCommit = true;

        await Assert.ThrowsAsync<IOException>(() => rig.Handler.HandleAsync(SpeedingDrive.Batch(), CancellationToken.None));
        rig.FailAfterCommit = false;
        var replay = await rig.Handler.HandleAsync(SpeedingDrive.Batch(), CancellationToken.None);

        // The replay finds its events processed and raises nothing: the committed alerts are the outbox's to deliver.
        Assert.Equal(0, replay.Positions + replay.Alerts + replay.TripChanges);
        Assert.Empty(rig.Harness.Alerts.AllOf("c-1"));
        rig.Harness.Clock.Advance(TimerHarness.PastGracePeriod);
        await rig.Harness.AlertOutbox().DeliverAsync(CancellationToken.None);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
        Assert.Empty(rig.Harness.PendingAlerts());
    }

    [Fact]
    public async Task A_publishing_failure_is_reported_without_undoing_the_committed_batch()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        rig.FailPublish = true;

        var result = await rig.Handler.HandleAsync(SpeedingDrive.Batch(), CancellationToken.None);

        Assert.IsType<HttpRequestException>(result.RealtimeFailure);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    [Fact]
    public async Task A_concurrent_writer_makes_the_batch_reload_and_recompute_without_losing_or_doubling_anything()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        var batch = SpeedingDrive.Batch();

        // Another instance (a partition changing owner) commits the first half while this one is computing.
        rig.BeforeFirstCommit = () => rig.Harness.SendAsync([.. batch.Take(batch.Count / 2)]);
        var result = await rig.Handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(2, result.CommitAttempts);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }
}
