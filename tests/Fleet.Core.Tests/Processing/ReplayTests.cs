using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Processing;

/// <summary>
/// At-least-once delivery (DESIGN 2): the same batch delivered once, three times, or in another order must leave the
/// same durable result; fixes older than the live position reach history and nothing else.
/// </summary>
public sealed class ReplayTests
{
    private static readonly Geofence Yard = new("g-yard", "c-1", "Yard", new CircleShape(GeoMath.Offset(FixStream.Origin, 1_000, 90), 250));

    [Fact]
    public async Task A_batch_replayed_three_times_changes_nothing_after_the_first()
    {
        var batch = Batch();
        var once = await Run(batch);
        var thrice = await Run(batch, batch, batch);

        once.Snapshot.AssertEqual(thrice.Snapshot);
        Assert.NotEmpty(once.Snapshot.Alerts);
        Assert.NotEmpty(once.Snapshot.Trips);
        Assert.NotEmpty(once.Snapshot.DeadLetters);
        Assert.All(thrice.Results.Skip(1), result =>
        {
            // The malformed event and the unknown device's never reach a vehicle's pipeline; every other event is a replay.
            Assert.Equal(batch.Count - 2, result.Replays);
            Assert.Equal(0, result.Positions + result.Alerts + result.TripChanges + result.RealtimeMessages);
        });
    }

    [Fact]
    public async Task A_batch_in_another_delivery_order_gives_the_same_result()
    {
        var batch = Batch();
        var shuffled = batch.OrderBy(_ => Random.Shared.Next()).ToList();
        var reversed = Enumerable.Reverse(batch).ToList();

        var ordered = await Run(batch);
        (await Run(shuffled)).Snapshot.AssertEqual(ordered.Snapshot);
        (await Run(reversed)).Snapshot.AssertEqual(ordered.Snapshot);
    }

    [Fact]
    public async Task A_batch_split_differently_on_redelivery_gives_the_same_result()
    {
        var batch = Batch();
        var whole = await Run(batch);

        // The host checkpointed after the first half, crashed, and the broker re-sent from an older checkpoint.
        var firstHalf = batch.Take(batch.Count / 2).ToList();
        var fromQuarter = batch.Skip(batch.Count / 4).ToList();
        (await Run(firstHalf, fromQuarter)).Snapshot.AssertEqual(whole.Snapshot);
    }

    [Fact]
    public async Task Late_fixes_reach_history_but_never_move_live_state_or_fire_alerts()
    {
        var device = new FixStream("dev-1");
        var live = device.Drive(600, 120, FixStream.Origin, 0, 40);
        var harness = Harness();
        await harness.SendAsync(TelemetryJson.Events("dev-1", live));
        var before = harness.Store.StatesOf("c-1").Single();
        var alertsBefore = harness.Alerts.AllOf("c-1");
        var messagesBefore = harness.Publisher.Messages.Count;

        // A buffer flushed after a tunnel: older fixes that speed through the yard.
        var buffered = device.Drive(0, 120, GeoMath.Offset(FixStream.Origin, 500, 90), 90, 140);
        var result = await harness.SendAsync(TelemetryJson.Events("dev-1", buffered, firstSequenceNumber: 100));

        Assert.Equal(buffered.Count, result.LatePositions);
        var after = harness.Store.StatesOf("c-1").Single();
        Assert.Equal(before.LastFix, after.LastFix);
        Assert.Equal(before.OdometerKm, after.OdometerKm);
        Assert.Equal(before.Motion, after.Motion);
        Assert.Equal(before.Speeding, after.Speeding);
        Assert.True(before.Geofences.SequenceEqual(after.Geofences));
        Assert.Equal(alertsBefore, harness.Alerts.AllOf("c-1"));
        Assert.Equal(messagesBefore, harness.Publisher.Messages.Count);

        var history = harness.Store.PositionsOf("c-1", "v-1");
        Assert.Equal(live.Count + buffered.Count, history.Count);
        Assert.All(history.Where(position => position.FixTime < live[0].FixTime), position =>
        {
            Assert.True(position.IsLate);
            Assert.Null(position.OdometerKm);
        });
    }

    /// <summary>A drive through the yard with speeding, a trip, and a few bad events, all in one partition.</summary>
    private static List<TelemetryEvent> Batch()
    {
        var device = new FixStream("dev-1");
        var fixes = device.Park(0, 60, FixStream.Origin, fuelLevelPercent: 70, ignition: true);
        fixes.AddRange(device.Drive(65, 300, FixStream.Origin, 90, 110, fuelLevelPercent: 69));
        var events = TelemetryJson.Events("dev-1", fixes);
        var next = events.Count + 1;
        events.Add(TelemetryJson.Event("{\"device_id\":\"dev-1\",", next++));
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-unknown", FixStream.At(70), 25.03, 121.56), next++));
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(75), 0, 0), next));

        // A duplicate of one fix, delivered again with its own stream position: later in the stream, so enqueued later
        // than the rest (enqueued at the default, FleetHarness.Event's ten minutes), as a partition numbers in time order.
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-1", fixes[10]), next + 1, FixStream.Start.AddMinutes(10).AddSeconds(2)));
        return events;
    }

    private static FleetHarness Harness() => new FleetHarness().WithCompany("c-1", "dev-1").WithGeofence(Yard);

    private static async Task<(FleetSnapshot Snapshot, List<Fleet.Core.Processing.BatchResult> Results)> Run(params List<TelemetryEvent>[] deliveries)
    {
        var harness = Harness();
        var results = new List<Fleet.Core.Processing.BatchResult>();
        foreach (var delivery in deliveries)
        {
            results.Add(await harness.SendAsync(delivery));
        }

        return (FleetSnapshot.Of(harness, "c-1"), results);
    }
}
