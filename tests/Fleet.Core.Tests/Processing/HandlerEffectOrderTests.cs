using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Processing;

/// <summary>
/// The handler's effects happen in the order of DESIGN 2 (idempotent alert writes, then one commit with the state,
/// then publishing), so a failure at any point followed by a replay leaves exactly one of everything.
/// </summary>
public sealed class HandlerEffectOrderTests
{
    [Fact]
    public async Task Effects_run_alerts_then_commit_then_publish()
    {
        var rig = NewRig();
        await rig.Handler.HandleAsync(Batch(), CancellationToken.None);

        Assert.Equal(["alerts", "commit", "publish"], rig.Log);
    }

    [Fact]
    public async Task A_failure_between_the_alert_write_and_the_commit_is_healed_by_replaying_the_batch()
    {
        var clean = await CleanRun();
        var rig = NewRig();
        rig.FailBeforeCommit = true;

        await Assert.ThrowsAsync<IOException>(() => rig.Handler.HandleAsync(Batch(), CancellationToken.None));
        Assert.NotEmpty(rig.Harness.Alerts.AllOf("c-1"));
        Assert.Empty(rig.Harness.Store.PositionsOf("c-1", "v-1"));
        Assert.DoesNotContain("publish", rig.Log);

        rig.FailBeforeCommit = false;
        await rig.Handler.HandleAsync(Batch(), CancellationToken.None);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    [Fact]
    public async Task A_failure_after_the_commit_is_healed_by_replaying_the_batch()
    {
        var clean = await CleanRun();
        var rig = NewRig();
        rig.FailAfterCommit = true;

        await Assert.ThrowsAsync<IOException>(() => rig.Handler.HandleAsync(Batch(), CancellationToken.None));
        rig.FailAfterCommit = false;
        var replay = await rig.Handler.HandleAsync(Batch(), CancellationToken.None);

        Assert.Equal(0, replay.Positions + replay.Alerts + replay.TripChanges);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    [Fact]
    public async Task A_publishing_failure_is_reported_without_undoing_the_committed_batch()
    {
        var clean = await CleanRun();
        var rig = NewRig();
        rig.FailPublish = true;

        var result = await rig.Handler.HandleAsync(Batch(), CancellationToken.None);

        Assert.IsType<HttpRequestException>(result.RealtimeFailure);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    [Fact]
    public async Task A_concurrent_writer_makes_the_batch_reload_and_recompute_without_losing_or_doubling_anything()
    {
        var clean = await CleanRun();
        var rig = NewRig();
        var batch = Batch();

        // Another instance (a partition changing owner) commits the first half while this one is computing.
        rig.BeforeFirstCommit = () => rig.Harness.SendAsync([.. batch.Take(batch.Count / 2)]);
        var result = await rig.Handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(2, result.CommitAttempts);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    private static async Task<FleetSnapshot> CleanRun()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendAsync(Batch());
        return FleetSnapshot.Of(harness, "c-1");
    }

    /// <summary>A speeding drive that starts a trip: alerts, positions, a trip and statistics.</summary>
    private static List<TelemetryEvent> Batch()
    {
        var device = new FixStream("dev-1");
        var fixes = device.Park(0, 60, FixStream.Origin, fuelLevelPercent: 40, ignition: true);
        fixes.AddRange(device.Drive(65, 120, FixStream.Origin, 180, 130, fuelLevelPercent: 39));
        return TelemetryJson.Events("dev-1", fixes);
    }

    private static InterceptingStores NewRig() => new(new FleetHarness().WithCompany("c-1", "dev-1"));
}
