using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Pipeline;

/// <summary>
/// One vehicle's afternoon: it leaves its parking spot, drives through a watched zone, speeds for 40 s, brakes hard,
/// parks, loses 8 % of its fuel while parked, and its trip ends after five minutes at rest. The device reports no
/// ignition, so the trip can only end by the stop rule.
/// </summary>
public sealed class RealisticRouteTests
{
    private static readonly GeoPoint Home = FixStream.Origin;
    private static readonly Geofence Depot = new(
        "g-depot", TestFleet.CompanyId, "North depot", new CircleShape(GeoMath.Offset(Home, 1_500, 0), 300));

    [Fact]
    public void Route_produces_the_exact_alert_and_trip_sequence()
    {
        var run = Drive(out var parkedAt);

        Assert.Equal(
            [
                "trip_update:started",
                "alert:geofence_violation",
                "geofence_violation_update:enter",
                "alert:geofence_violation",
                "geofence_violation_update:exit",
                "alert:speed_violation",
                "driver_event_update:speeding_ended",
                "alert:driver_event",
                "driver_event_update:harsh_braking",
                "alert:fuel_theft",
                "trip_update:completed",
            ],
            run.Notices.Where(notice => notice.Type != RealtimeMessageTypes.VehicleStatusUpdate && !IsProgress(notice)).Select(Describe));

        var trip = Assert.Single(run.Trips, trip => trip.Status == TripStatus.Completed);
        Assert.Equal(FixStream.At(60), trip.StartTime);
        Assert.Equal(FixStream.At(270), trip.EndTime);
        Assert.Equal(parkedAt, trip.EndPosition);
        Assert.Equal(120, trip.MaxSpeedKmh);
        Assert.InRange(trip.DistanceKm, 3.64, 3.70);
    }

    [Fact]
    public void Each_alert_carries_what_a_dispatcher_needs()
    {
        var run = Drive(out _);
        var alerts = run.RaisedAlerts.ToList();

        var enter = alerts[0];
        Assert.Equal(("geofence_violation", "medium"), (enter.Type, enter.Severity));
        Assert.Equal(FixStream.At(150), enter.EventTime);
        Assert.Equal("enter", enter.Data!.Transition);
        Assert.Equal("Truck v-1 entered North depot", enter.Title);
        Assert.Equal(FixStream.At(190), alerts[1].EventTime);

        var speeding = alerts[2];
        Assert.Equal(("speed_violation", "high"), (speeding.Type, speeding.Severity));
        Assert.Equal(FixStream.At(225), speeding.EventTime);

        // Closing the episode rewrote the same alert with its maximum and duration.
        var closed = run.Alerts.Last(alert => alert.Type == AlertType.SpeedViolation);
        Assert.Equal(speeding.Id, closed.Id);
        Assert.Equal(120, closed.Details!.MaxSpeedKmh);
        Assert.Equal(40, closed.Details.DurationSeconds);
        Assert.False(closed.Details.EpisodeOpen);

        var braking = alerts[3];
        Assert.Equal(("driver_event", "harsh_braking"), (braking.Type, braking.Data!.DriverEvent));
        Assert.Equal(FixStream.At(266), braking.EventTime);
        Assert.Equal(-4.17, braking.Data.AccelerationMetersPerSecondSquared);

        var fuel = alerts[4];
        Assert.Equal(("fuel_theft", "critical"), (fuel.Type, fuel.Severity));
        Assert.Equal(FixStream.At(330), fuel.EventTime);
        Assert.Equal(5, fuel.Data!.FuelDropPercent);
        Assert.Equal(3, fuel.Data.FuelDropLiters);
        Assert.Equal(5, alerts.Count);
    }

    [Fact]
    public void Status_follows_the_vehicle()
    {
        var run = Drive(out _);

        Assert.Equal(
            ["online", "stopped", "moving", "stopped"],
            run.NoticesOf<StatusPayload>(RealtimeMessageTypes.VehicleStatusUpdate).Select(status => status.Status));
    }

    private static PipelineRun Drive(out GeoPoint parkedAt)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context(fences: [Depot]));
        var fixes = new List<TelemetryFix>();
        fixes.AddRange(device.Park(0, 60, Home, fuelLevelPercent: 60, ignition: null));

        // 50 km/h north through the depot (inside between 1,200 m and 1,800 m), then 40 s at 120 km/h.
        var cruise = device.Drive(65, 155, GeoMath.Offset(Home, 50 / 3.6 * 5, 0), 0, 50, fuelLevelPercent: 60, ignition: null);
        fixes.AddRange(cruise);
        var fast = device.Drive(225, 35, GeoMath.Offset(cruise[^1].Position, 50 / 3.6 * 5, 0), 0, 120, fuelLevelPercent: 60, ignition: null);
        fixes.AddRange(fast);

        // Back to 60 km/h, then braking hard from 60 to 45 km/h in one second, to a stop at t = 270 s.
        var position = GeoMath.Offset(fast[^1].Position, 120 / 3.6 * 5, 0);
        foreach (var (second, speed) in new[] { (265, 60.0), (266, 45.0), (267, 30.0), (268, 20.0), (269, 10.0) })
        {
            fixes.Add(device.Fix(second, position, speed, fuelLevelPercent: 60));
            position = GeoMath.Offset(position, speed / 3.6, 0);
        }

        parkedAt = position;
        fixes.Add(device.Fix(270, parkedAt, 0, fuelLevelPercent: 60));
        foreach (var (second, fuel) in new[] { (300, 58.0), (330, 55.0), (360, 52.0), (390, 52.0), (420, 52.0), (480, 52.0), (540, 52.0), (570, 52.0) })
        {
            fixes.Add(device.Fix(second, parkedAt, 0, fuelLevelPercent: fuel));
        }

        return run.OneByOne(fixes);
    }

    private static bool IsProgress(RealtimeNotice notice) => notice.Data is TripPayload { Status: "started", DurationSeconds: not null };

    private static string Describe(RealtimeNotice notice) => notice.Data switch
    {
        TripPayload trip => $"{notice.Type}:{trip.Status}",
        GeofencePayload geofence => $"{notice.Type}:{geofence.Transition}",
        AlertPayload alert => $"{notice.Type}:{alert.Type}",
        DriverEventPayload driverEvent => $"{notice.Type}:{driverEvent.Event}",
        _ => notice.Type,
    };
}
