using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Realtime;
using Fleet.Core.Settings;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Rules;

public sealed class TripTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Theory]
    [InlineData(199, false)]
    [InlineData(201, true)]
    public void A_trip_starts_once_the_vehicle_is_200_m_from_where_it_parked(double meters, bool starts)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(LeaveHome(device, meters));

        if (starts)
        {
            var trip = Assert.Single(run.Trips);
            Assert.Equal(TripStatus.InProgress, trip.Status);
            Assert.Equal(FixStream.At(60), trip.StartTime);
            Assert.Equal(Home, trip.StartPosition);
            Assert.Equal(["started"], TripNotices(run).Select(notice => notice.Status));
        }
        else
        {
            Assert.Empty(run.Trips);
            Assert.Null(run.State.Motion.Trip);
            Assert.Empty(TripNotices(run));
        }
    }

    [Fact]
    public void A_trip_starts_exactly_at_the_start_distance()
    {
        var device = new FixStream("dev-1");
        var distance = GeoMath.DistanceMeters(Home, GeoMath.Offset(Home, 250, 0));
        var rules = new RuleSettings { Trips = new TripSettings { MinTripStartDistanceMeters = distance } };
        var run = new PipelineRun(TestFleet.Context(rules: rules));

        run.OneByOne(LeaveHome(device, 250));

        Assert.Equal(FixStream.At(60), Assert.Single(run.Trips).StartTime);
    }

    [Theory]
    [InlineData(189, false)]
    [InlineData(190, true)]
    public void A_trip_starts_after_180_s_above_5_kmh_even_without_leaving_the_start_radius(double lastSecond, bool starts)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var seconds = Enumerable.Range(1, 17).Select(step => step * 10.0).Append(lastSecond);

        // Circling a yard 30 m around where it stood, from t = 10 s.
        run.OneByOne([device.Fix(0, Home, 0), .. seconds.Select(second => Circling(device, second, 20))]);

        if (starts)
        {
            var trip = Assert.Single(run.Trips);
            Assert.Equal(FixStream.At(0), trip.StartTime);
            Assert.Equal(Home, trip.StartPosition);
        }
        else
        {
            Assert.Empty(run.Trips);
        }
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(5.1, true)]
    public void The_start_duration_must_be_continuous_above_5_kmh(double dipSpeedKmh, bool starts)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var fixes = new List<TelemetryFix> { device.Fix(0, Home, 0) };
        for (var second = 10; second <= 360; second += 10)
        {
            fixes.Add(Circling(device, second, second == 180 ? dipSpeedKmh : 20));
        }

        run.OneByOne(fixes);

        if (starts)
        {
            Assert.Equal(FixStream.At(0), Assert.Single(run.Trips).StartTime);
        }
        else
        {
            Assert.Empty(run.Trips);
        }
    }

    [Fact]
    public void A_trip_ends_five_minutes_after_the_vehicle_stopped_and_is_dated_at_the_stop()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var drive = DriveNorth(device);
        var stopAt = drive[^1].Position;
        run.OneByOne(drive);
        run.OneByOne([.. Enumerable.Range(1, 9).Select(step => device.Fix(110 + step * 30, stopAt, 0)), device.Fix(409, stopAt, 0)]);

        Assert.DoesNotContain(run.Trips, trip => trip.Status != TripStatus.InProgress);
        Assert.NotNull(run.State.Motion.Trip);

        run.OneByOne([device.Fix(410, stopAt, 0)]);

        var trip = Assert.Single(run.Trips, trip => trip.Status == TripStatus.Completed);
        Assert.Equal(FixStream.At(0), trip.StartTime);
        Assert.Equal(FixStream.At(110), trip.EndTime);
        Assert.Equal(stopAt, trip.EndPosition);
        Assert.Equal(36, trip.MaxSpeedKmh);
        Assert.Null(run.State.Motion.Trip);
    }

    [Fact]
    public void A_stop_shorter_than_five_minutes_does_not_end_the_trip()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var drive = DriveNorth(device);
        var stopAt = drive[^1].Position;
        run.OneByOne(drive);
        run.OneByOne([device.Fix(200, stopAt, 0), device.Fix(300, stopAt, 0), device.Fix(399, stopAt, 0)]);
        var onwards = Track.North(device, stopAt, [(400, 0), (410, 36), (420, 36), (430, 0)]);
        var parkedAt = onwards[^1].Position;
        run.OneByOne(onwards);
        run.OneByOne([device.Fix(600, parkedAt, 0), device.Fix(730, parkedAt, 0)]);

        var trip = Assert.Single(run.Trips, trip => trip.Status == TripStatus.Completed);
        Assert.Equal(FixStream.At(430), trip.EndTime);
        Assert.Equal(parkedAt, trip.EndPosition);
    }

    [Fact]
    public void Ignition_off_ends_the_trip_immediately()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var drive = DriveNorth(device);

        run.OneByOne(drive);
        run.OneByOne([device.Fix(120, drive[^1].Position, 0, ignition: false)]);

        var trip = Assert.Single(run.Trips, trip => trip.Status == TripStatus.Completed);
        Assert.Equal(FixStream.At(120), trip.EndTime);
        Assert.Null(run.State.Motion.Trip);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void A_data_gap_over_30_minutes_closes_the_trip_at_the_last_fix_before_it(double secondsBeyondThirtyMinutes, bool closes)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var drive = Track.North(device, [(0, 0), .. Enumerable.Range(1, 10).Select(step => (step * 10.0, 36.0))]);
        run.OneByOne(drive);
        var odometerBeforeGap = run.State.OdometerKm;

        run.OneByOne([device.Fix(100 + 1_800 + secondsBeyondThirtyMinutes, GeoMath.Offset(drive[^1].Position, 1_000, 0), 36)]);

        if (closes)
        {
            var trip = Assert.Single(run.Trips, trip => trip.Status != TripStatus.InProgress);
            Assert.Equal(TripStatus.Completed, trip.Status);
            Assert.Equal(FixStream.At(100), trip.EndTime);
            Assert.Equal(drive[^1].Position, trip.EndPosition);
            Assert.Equal(odometerBeforeGap, trip.DistanceKm, 9);
            Assert.Null(run.State.Motion.Trip);
        }
        else
        {
            Assert.Single(run.Trips);
            Assert.NotNull(run.State.Motion.Trip);
        }
    }

    [Fact]
    public void A_trip_that_ends_shorter_than_200_m_is_cancelled()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        // Speed noise on a vehicle that never leaves its spot: the duration rule starts a trip, the distance cancels it.
        run.OneByOne(
        [
            device.Fix(0, Home, 0),
            .. Enumerable.Range(1, 19).Select(step => device.Fix(step * 10, Home, 10)),
            device.Fix(200, Home, 0, ignition: false),
        ]);

        Assert.Equal([TripStatus.InProgress, TripStatus.Cancelled], run.Trips.Select(trip => trip.Status));
        Assert.Equal(["started", "cancelled"], TripNotices(run).Select(notice => notice.Status));
        Assert.Equal(0, run.Trips[^1].DistanceKm);
    }

    [Fact]
    public void Trip_updates_report_distance_duration_speeds_and_fuel_used()
    {
        var run = new PipelineRun(TestFleet.Context(TestFleet.Vehicle(fuelCapacityLiters: 80)));

        run.OneByOne(TenKilometres(new FixStream("dev-1")));

        var notices = TripNotices(run).ToList();
        Assert.Equal(["started", "completed"], notices.Select(notice => notice.Status));
        var started = notices[0];
        Assert.Equal(FixStream.At(0), started.StartTime);
        Assert.Null(started.EndTime);
        Assert.Equal(0, started.DistanceKm);
        var completed = notices[1];
        Assert.Equal(started.TripId, completed.TripId);
        Assert.Equal(FixStream.At(620), completed.EndTime);
        Assert.Equal(10.0, completed.DistanceKm, 2);
        Assert.Equal(620, completed.DurationSeconds);
        Assert.Equal(60, completed.MaxSpeedKmh);
        Assert.Equal(58.1, completed.AverageSpeedKmh);
        Assert.Equal(4, completed.FuelUsedLiters);
    }

    [Fact]
    public void The_trip_id_is_derived_from_the_vehicle_and_start_time_so_a_replay_gets_the_same_id()
    {
        var first = new PipelineRun(TestFleet.Context()).OneByOne(TenKilometres(new FixStream("dev-1")));
        var fixes = TenKilometres(new FixStream("dev-1"));
        var second = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        var id = DeterministicId.ForTrip(TestFleet.VehicleId, FixStream.At(0));
        Assert.All(first.Trips, trip => Assert.Equal(id, trip.TripId));
        Assert.Equal(first.Trips.Select(trip => trip.TripId), second.Trips.Select(trip => trip.TripId));

        // Redelivered to the vehicle that already processed them, the same events produce nothing new.
        second.OneByOne(fixes);
        Assert.Equal(fixes.Count, second.Replays);
        Assert.Equal(2, second.Trips.Count);
    }

    private static IEnumerable<TripPayload> TripNotices(PipelineRun run) => run.TripChanges;

    /// <summary>Parked at home for a minute, then 10 m/s north: 100 m at t = 70 s and the given distance at t = 80 s.</summary>
    private static List<TelemetryFix> LeaveHome(FixStream device, double metersAtEighty) =>
    [
        .. device.Park(0, 60, Home, ignition: null),
        device.Fix(70, GeoMath.Offset(Home, 100, 0), 36),
        device.Fix(80, GeoMath.Offset(Home, metersAtEighty, 0), 36),
    ];

    private static TelemetryFix Circling(FixStream device, double second, double speedKmh) =>
        device.Fix(second, GeoMath.Offset(Home, 30, second * 6), speedKmh);

    /// <summary>At rest at t = 0, 36 km/h from t = 10 s to 100 s, stopped at t = 110 s (about 950 m north).</summary>
    private static List<TelemetryFix> DriveNorth(FixStream device) =>
        Track.North(device, [(0, 0), .. Enumerable.Range(1, 10).Select(step => (step * 10.0, 36.0)), (110, 0)]);

    /// <summary>At rest with 50 % fuel, 10 km at 60 km/h, then ignition off with 45 % at t = 620 s.</summary>
    private static List<TelemetryFix> TenKilometres(FixStream device)
    {
        var parked = device.Fix(0, Home, 0, fuelLevelPercent: 50);
        var drive = device.Drive(10, 600, Home, 0, 60, intervalSeconds: 10, fuelLevelPercent: 50, ignition: null);
        return [parked, .. drive, device.Fix(620, drive[^1].Position, 0, fuelLevelPercent: 45, ignition: false)];
    }
}
