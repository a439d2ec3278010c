using Fleet.Core.Geo;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

/// <summary>
/// The status follows the vehicle within one or two fixes, not once a trip is confirmed (200 m or three minutes): a
/// reviewer saw "40 km/h · Stopped" and "0 moving of 20" while the whole fleet drove.
/// </summary>
public sealed class LiveMotionTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Fact]
    public void A_vehicle_setting_off_at_40_kmh_reads_moving_on_its_first_fix_long_before_its_trip_exists()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Park(0, 60, Home, ignition: true));

        run.OneByOne([device.Fix(65, GeoMath.Offset(Home, 55, 0), 40, ignition: true)]);

        Assert.Equal(VehicleStatus.Moving, run.State.Status);
        Assert.Null(run.State.Motion.Trip);
    }

    [Fact]
    public void A_slow_start_reads_moving_on_its_second_fix()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Park(0, 60, Home, ignition: true));

        run.OneByOne([device.Fix(65, GeoMath.Offset(Home, 14, 0), 10, ignition: true)]);
        Assert.NotEqual(VehicleStatus.Moving, run.State.Status);

        run.OneByOne([device.Fix(70, GeoMath.Offset(Home, 28, 0), 10, ignition: true)]);
        Assert.Equal(VehicleStatus.Moving, run.State.Status);
        Assert.Null(run.State.Motion.Trip);
    }

    [Fact]
    public void A_parked_vehicle_whose_fixes_wander_and_whose_speed_flickers_never_reads_moving()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Park(0, 60, Home, ignition: true));

        // Positions without speed, wandering up to 18 m (the derived speed is 13 km/h), and one reported 7 km/h blip.
        var fixes = new List<TelemetryFix>();
        for (var i = 1; i <= 12; i++)
        {
            fixes.Add(device.Fix(60 + (5 * i), GeoMath.Offset(Home, i % 2 == 0 ? 0 : 18, 90 * (i % 4)), speedKmh: null, ignition: true));
        }

        fixes.Add(device.Fix(125, Home, 7, ignition: true));
        fixes.Add(device.Fix(130, Home, 0, ignition: true));
        run.OneByOne(fixes);

        Assert.DoesNotContain(run.NoticesOf<Fleet.Core.Realtime.StatusPayload>(Fleet.Core.Realtime.RealtimeMessageTypes.VehicleStatusUpdate), status => status.Status == "moving");
    }

    [Fact]
    public void A_single_slow_fix_in_traffic_keeps_it_moving_and_two_at_rest_stop_it()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Drive(0, 60, Home, 0, 40));
        var position = GeoMath.Offset(Home, 40 / 3.6 * 60, 0);

        run.OneByOne([device.Fix(62, position, 3, ignition: true)]);
        Assert.Equal(VehicleStatus.Moving, run.State.Status);

        run.OneByOne([device.Fix(64, position, 0, ignition: true)]);
        Assert.NotEqual(VehicleStatus.Moving, run.State.Status);
    }

    [Fact]
    public void Ignition_off_stops_it_at_once()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Drive(0, 60, Home, 0, 40));

        run.OneByOne([device.Fix(62, GeoMath.Offset(Home, 40 / 3.6 * 60, 0), 0, ignition: false)]);

        Assert.Equal(VehicleStatus.Stopped, run.State.Status);
    }

    [Fact]
    public void An_ignition_off_reported_long_ago_does_not_stop_it_at_its_first_slow_fix()
    {
        // The device reports ignition only when it changes: off while parked, and nothing since it drove off.
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Park(0, 60, Home, ignition: false));
        run.OneByOne(device.Drive(65, 60, Home, 0, 40, ignition: null));

        run.OneByOne([device.Fix(127, GeoMath.Offset(Home, 40 / 3.6 * 60, 0), 3)]);

        Assert.Equal(VehicleStatus.Moving, run.State.Status);
    }

    [Fact]
    public void Time_moving_is_counted_from_the_first_moving_fix_not_from_the_trip()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context()).OneByOne(device.Park(0, 60, Home, ignition: true));

        // Left after the fix at 60 s, then 30 s at 15 km/h: 125 m, no trip yet.
        run.OneByOne(device.Drive(65, 30, Home, 0, 15));

        Assert.Null(run.State.Motion.Trip);
        Assert.Equal(35, run.Stats.Sum(row => row.MovingSeconds));
    }
}
