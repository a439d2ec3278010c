using Fleet.Adapters.InMemory;
using Fleet.Core.Processing;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Processing;

/// <summary>
/// A batch the ingest function gave up on is parked and replayed later (DESIGN 2): nothing of it may be lost, even
/// though its partition has moved on meanwhile, and nothing may be doubled when part of it had been committed.
/// </summary>
public sealed class ParkedTelemetryTests
{
    private static readonly IOException StoreDown = new("database unreachable");

    [Fact]
    public async Task A_parked_batch_replayed_after_its_partition_moved_on_reaches_history_whole()
    {
        var device = new FixStream("dev-1");
        var parkedFixes = device.Drive(0, 120, FixStream.Origin, 90, 40);
        var laterFixes = device.Drive(125, 120, Fleet.Core.Geo.GeoMath.Offset(FixStream.Origin, 1_400, 90), 90, 40);
        var parkedEvents = TelemetryJson.Events("dev-1", parkedFixes, firstSequenceNumber: 1);
        var rig = new Rig();

        await rig.Handler.ParkAsync(parkedEvents, StoreDown, CancellationToken.None);
        await rig.Harness.SendAsync(TelemetryJson.Events("dev-1", laterFixes, firstSequenceNumber: parkedEvents.Count + 1));
        var replay = await rig.Handler.ReplayAsync(CancellationToken.None);

        Assert.Equal(new ParkedReplayResult(1, parkedEvents.Count, null, null), replay);
        var history = rig.Harness.Store.PositionsOf("c-1", "v-1");
        Assert.Equal(parkedFixes.Count + laterFixes.Count, history.Count);
        Assert.All(history.Where(position => position.FixTime < laterFixes[0].FixTime), position => Assert.True(position.IsLate));
        Assert.Empty(await rig.Parked.ListAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Replaying_a_batch_that_was_committed_before_it_failed_doubles_nothing()
    {
        var events = TelemetryJson.Events("dev-1", new FixStream("dev-1").Drive(0, 300, FixStream.Origin, 90, 110));
        var rig = new Rig();
        await rig.Harness.SendAsync(events);
        var committed = FleetSnapshot.Of(rig.Harness, "c-1", withStreams: false);

        await rig.Handler.ParkAsync(events, StoreDown, CancellationToken.None);
        await rig.Handler.ReplayAsync(CancellationToken.None);

        Assert.NotEmpty(committed.Alerts);
        FleetSnapshot.Of(rig.Harness, "c-1", withStreams: false).AssertEqual(committed);
    }

    [Fact]
    public async Task A_replay_that_fails_keeps_the_batch_and_stops_until_the_next_run()
    {
        var device = new FixStream("dev-1");
        var first = TelemetryJson.Events("dev-1", device.Drive(0, 60, FixStream.Origin, 90, 40), firstSequenceNumber: 1);
        var second = TelemetryJson.Events("dev-1", device.Drive(65, 60, Fleet.Core.Geo.GeoMath.Offset(FixStream.Origin, 700, 90), 90, 40), firstSequenceNumber: 100);
        var stores = new InterceptingStores(new FleetHarness().WithCompany("c-1", "dev-1")) { FailBeforeCommit = true };
        var parked = new InMemoryParkedTelemetry();
        var handler = new ParkedTelemetryHandler(parked, stores.Handler, stores.Harness.Clock);
        await handler.ParkAsync(first, StoreDown, CancellationToken.None);
        await handler.ParkAsync(second, StoreDown, CancellationToken.None);

        var failed = await handler.ReplayAsync(CancellationToken.None);

        Assert.Equal((0, 0, ParkedBatch.IdOf(first)), (failed.BatchesReplayed, failed.EventsReplayed, failed.FailedBatchId));
        Assert.IsType<IOException>(failed.Failure);
        Assert.Equal([ParkedBatch.IdOf(first), ParkedBatch.IdOf(second)], await parked.ListAsync(10, CancellationToken.None));

        stores.FailBeforeCommit = false;
        var recovered = await handler.ReplayAsync(CancellationToken.None);

        Assert.Equal(new ParkedReplayResult(2, first.Count + second.Count, null, null), recovered);
        Assert.Equal(first.Count + second.Count, stores.Harness.Store.PositionsOf("c-1", "v-1").Count);
    }

    [Fact]
    public async Task A_parked_batch_keeps_its_reason_time_and_events_exactly()
    {
        var events = TelemetryJson.Events("dev-1", new FixStream("dev-1").Drive(0, 30, FixStream.Origin, 0, 20), firstSequenceNumber: 41, partitionId: "7");
        var rig = new Rig();

        var parked = await rig.Handler.ParkAsync(events, StoreDown, CancellationToken.None);

        Assert.Equal("7-00000000000000000041-" + (40 + events.Count).ToString("D20", System.Globalization.CultureInfo.InvariantCulture), parked.BatchId);
        var stored = await rig.Parked.GetAsync(parked.BatchId, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("IOException: database unreachable", stored.Reason);
        Assert.Equal(rig.Harness.Clock.GetUtcNow(), stored.ParkedAt);
        Assert.Equal(events.Select(Flatten), stored.Events.Select(Flatten));
    }

    private static (string Body, EventMetadata Metadata) Flatten(TelemetryEvent telemetryEvent) =>
        (System.Text.Encoding.UTF8.GetString(telemetryEvent.Body.Span), telemetryEvent.Metadata);

    private sealed class Rig
    {
        public Rig() => Handler = new ParkedTelemetryHandler(Parked, Harness.Handler, Harness.Clock);

        public FleetHarness Harness { get; } = new FleetHarness().WithCompany("c-1", "dev-1");

        public InMemoryParkedTelemetry Parked { get; } = new();

        public ParkedTelemetryHandler Handler { get; }
    }
}
