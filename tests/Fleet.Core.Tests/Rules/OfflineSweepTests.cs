using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Pipeline;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Tests.Support;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Rules;

public sealed class OfflineSweepTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Theory]
    [InlineData(null, 299, false)]
    [InlineData(null, 300, true)]
    [InlineData(30, 299, false)]
    [InlineData(30, 300, true)]
    [InlineData(120, 359, false)]
    [InlineData(120, 360, true)]
    [InlineData(240, 719, false)]
    [InlineData(240, 720, true)]
    public void A_vehicle_goes_offline_after_the_longer_of_three_report_intervals_and_five_minutes(
        int? expectedIntervalSeconds, double silenceSeconds, bool offline)
    {
        var interval = expectedIntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var context = TestFleet.Context(TestFleet.Vehicle(expectedReportInterval: interval));
        var run = new PipelineRun(context).OneByOne([new FixStream("dev-1").Fix(0, Home, 0)]);
        var lastSeen = FixStream.At(1);
        var now = lastSeen.AddSeconds(silenceSeconds);

        if (offline)
        {
            run.Sweep(now);
            var alert = Assert.Single(run.RaisedAlerts);
            Assert.Equal(("vehicle_offline", "medium"), (alert.Type, alert.Severity));
            Assert.Equal(lastSeen, alert.EventTime);
            Assert.Equal(lastSeen, alert.Data!.LastSeen);
            Assert.Equal(now, alert.CreatedAt);
            Assert.Equal(DeterministicId.ForAlert(TestFleet.VehicleId, AlertType.VehicleOffline, lastSeen), alert.Id);
            var status = run.NoticesOf<StatusPayload>(RealtimeMessageTypes.VehicleStatusUpdate).Last();
            Assert.Equal(("offline", "online", now), (status.Status, status.PreviousStatus, status.Time));
            Assert.Equal(VehicleStatus.Offline, run.State.Status);
        }
        else
        {
            Assert.Null(OfflineSweep.Evaluate(context, run.State, now));
        }
    }

    [Fact]
    public void Silence_is_measured_from_when_the_broker_last_received_an_event_not_from_the_fix_time()
    {
        var context = TestFleet.Context();
        var buffered = Track.Received(new FixStream("dev-1").Fix(0, Home, 0), FixStream.At(600));
        var run = new PipelineRun(context).OneByOne([buffered]);

        Assert.Null(OfflineSweep.Evaluate(context, run.State, FixStream.At(899)));
        Assert.NotNull(OfflineSweep.Evaluate(context, run.State, FixStream.At(900)));
    }

    [Fact]
    public void Sweeping_an_offline_vehicle_again_raises_nothing_more()
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context).OneByOne([new FixStream("dev-1").Fix(0, Home, 0)]);

        run.Sweep(FixStream.At(301)).Sweep(FixStream.At(400)).Sweep(FixStream.At(3_600)).Sweep(FixStream.At(86_400));

        Assert.Single(run.Alerts);
        Assert.Single(run.NoticesOf<StatusPayload>(RealtimeMessageTypes.VehicleStatusUpdate), status => status.Status == "offline");
        Assert.Null(OfflineSweep.Evaluate(context, run.State, FixStream.At(90_000)));
    }

    [Fact]
    public void The_next_fix_brings_the_vehicle_back_online()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne([device.Fix(0, Home, 0)]);
        run.Sweep(FixStream.At(3_600));

        run.OneByOne([device.Fix(7_200, Home, 0), device.Fix(7_230, Home, 0)]);

        Assert.Equal(
            [("online", "offline"), ("offline", "online"), ("online", "offline"), ("stopped", "online")],
            run.NoticesOf<StatusPayload>(RealtimeMessageTypes.VehicleStatusUpdate).Select(status => (status.Status, status.PreviousStatus)));
        Assert.Single(run.Alerts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_vehicle_that_transmits_is_online_even_when_its_fix_is_late_or_rejected(bool late)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne([device.Fix(600, Home, 0)]);
        run.Sweep(FixStream.At(3_600));

        var fix = late ? device.Fix(300, Home, 0) : device.Fix(7_200, new Fleet.Core.Geo.GeoPoint(0, 0), 0);
        run.OneByOne([Track.Received(fix, FixStream.At(7_201))]);

        Assert.Equal(Fleet.Core.State.VehicleStatus.Online, run.State.Status);
        var back = run.NoticesOf<StatusPayload>(RealtimeMessageTypes.VehicleStatusUpdate).Last();
        Assert.Equal(("online", "offline", FixStream.At(7_201)), (back.Status, back.PreviousStatus, back.Time));

        // Silent again, it goes offline again, with a new alert.
        run.Sweep(FixStream.At(7_201 + 301));
        Assert.Equal(2, run.Alerts.Count(alert => alert.Type == Fleet.Core.Alerts.AlertType.VehicleOffline));
    }

    [Fact]
    public void An_open_trip_silent_for_over_30_minutes_is_closed_at_its_last_fix()
    {
        var device = new FixStream("dev-1");
        var context = TestFleet.Context();
        var drive = Track.North(device, [(0, 0), .. Enumerable.Range(1, 10).Select(step => (step * 10.0, 36.0))]);
        var run = new PipelineRun(context).OneByOne(drive);
        var lastFix = FixStream.At(100);

        // Silence counts from when the last event was received, a second after its fix.
        run.Sweep(lastFix.AddSeconds(1).AddMinutes(30));

        Assert.NotNull(run.State.Motion.Trip);
        Assert.DoesNotContain(run.Trips, trip => trip.Status != TripStatus.InProgress);

        run.Sweep(lastFix.AddSeconds(2).AddMinutes(30));

        var trip = Assert.Single(run.Trips, trip => trip.Status != TripStatus.InProgress);
        Assert.Equal(TripStatus.Completed, trip.Status);
        Assert.Equal(lastFix, trip.EndTime);
        Assert.Equal(drive[^1].Position, trip.EndPosition);
        Assert.Equal(run.State.OdometerKm, trip.DistanceKm, 9);
        Assert.Null(run.State.Motion.Trip);
        Assert.Equal(["started", "completed"], run.TripChanges.Select(notice => notice.Status));
    }

    [Fact]
    public void A_trip_the_sweep_closed_is_not_closed_again_when_data_returns()
    {
        var device = new FixStream("dev-1");
        var drive = Track.North(device, [(0, 0), .. Enumerable.Range(1, 10).Select(step => (step * 10.0, 36.0))]);
        var run = new PipelineRun(TestFleet.Context()).OneByOne(drive);
        run.Sweep(FixStream.At(100).AddHours(1));

        run.OneByOne([device.Fix(7_300, drive[^1].Position, 0)]);

        Assert.Equal([TripStatus.InProgress, TripStatus.Completed], run.Trips.Select(trip => trip.Status));
    }

    [Fact]
    public void An_open_speeding_episode_is_closed_at_its_last_fix_when_the_vehicle_goes_offline()
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context).OneByOne(Track.North(new FixStream("dev-1"), (0, 100), (10, 110), (20, 100)));
        var opened = Assert.Single(run.RaisedAlerts);

        // A minute of silence may be a backlog, not an ending: the next fixes would continue the episode.
        Assert.Null(OfflineSweep.Evaluate(context, run.State, FixStream.At(81)));

        run.Sweep(FixStream.At(21 + 300));

        var closed = run.Alerts.Last(alert => alert.Type == Fleet.Core.Alerts.AlertType.SpeedViolation);
        Assert.Equal(opened.Id, closed.Id);
        Assert.False(closed.Details!.EpisodeOpen);
        Assert.Equal(20, closed.Details.DurationSeconds);
        Assert.Equal(110, closed.Details.MaxSpeedKmh);
        Assert.Equal(opened.CreatedAt, closed.CreatedAt);
        var ended = Assert.Single(run.NoticesOf<DriverEventPayload>(RealtimeMessageTypes.DriverEventUpdate));
        Assert.Equal((DriverEventCodes.SpeedingEnded, FixStream.At(20)), (ended.Event, ended.Time));
        Assert.Null(run.State.Speeding);
        Assert.Equal(VehicleStatus.Offline, run.State.Status);
        Assert.Equal(["speed_violation", "vehicle_offline"], run.RaisedAlerts.Select(alert => alert.Type));
    }

    [Fact]
    public void A_vehicle_that_just_reported_is_left_alone()
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context).OneByOne(Track.North(new FixStream("dev-1"), (0, 0), (10, 36), (20, 36)));

        Assert.Null(OfflineSweep.Evaluate(context, run.State, FixStream.At(21)));
        Assert.Null(OfflineSweep.Evaluate(context, run.State, FixStream.At(80)));
    }

    [Fact]
    public void A_vehicle_never_heard_from_is_left_alone()
    {
        var context = TestFleet.Context();

        Assert.Null(OfflineSweep.Evaluate(context, VehicleState.Initial(context.Vehicle), FixStream.At(86_400)));
    }

    [Fact]
    public void A_sweep_over_a_fleet_returns_only_the_vehicles_whose_state_changed()
    {
        var silent = TestFleet.Context(TestFleet.Vehicle("v-silent"));
        var active = TestFleet.Context(TestFleet.Vehicle("v-active"));
        var silentRun = new PipelineRun(silent).OneByOne([new FixStream("dev-s").Fix(0, Home, 0)]);
        var activeRun = new PipelineRun(active).OneByOne([new FixStream("dev-a").Fix(300, Home, 0)]);

        var changed = OfflineSweep.Run([(silent, silentRun.State), (active, activeRun.State)], FixStream.At(400));

        var outcome = Assert.Single(changed);
        Assert.Equal(("v-silent", VehicleStatus.Offline), (outcome.State.VehicleId, outcome.State.Status));
    }
}
