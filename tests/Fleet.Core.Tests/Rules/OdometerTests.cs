using Fleet.Core.Geo;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class OdometerTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Fact]
    public void A_straight_drive_adds_its_haversine_length()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        // 60 km/h for 10 minutes, one fix every 5 s.
        run.OneByOne(device.Drive(0, 600, Home, 0, 60));

        Assert.InRange(run.State.OdometerKm, 9.99, 10.01);
    }

    [Fact]
    public void Device_odometer_deltas_are_used_when_both_fixes_report_one()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        // The road is longer than the straight line between the two fixes.
        run.OneByOne(
        [
            device.Fix(0, Home, speedKmh: 30, deviceOdometerKm: 1_000.0),
            device.Fix(60, GeoMath.Offset(Home, 100, 0), speedKmh: 30, deviceOdometerKm: 1_000.5),
        ]);

        Assert.Equal(0.5, run.State.OdometerKm, 9);
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(301, false)]
    public void A_device_odometer_delta_implying_more_than_300_kmh_falls_back_to_haversine(double impliedKmh, bool deviceUsed)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var deltaKm = impliedKmh / 60;

        run.OneByOne(
        [
            device.Fix(0, Home, speedKmh: 30, deviceOdometerKm: 1_000),
            device.Fix(60, GeoMath.Offset(Home, 100, 0), speedKmh: 30, deviceOdometerKm: 1_000 + deltaKm),
        ]);

        Assert.Equal(deviceUsed ? deltaKm : 0.1, run.State.OdometerKm, 6);
    }

    [Fact]
    public void A_device_odometer_that_goes_backwards_falls_back_to_haversine()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(
        [
            device.Fix(0, Home, speedKmh: 30, deviceOdometerKm: 1_000),
            device.Fix(60, GeoMath.Offset(Home, 100, 0), speedKmh: 30, deviceOdometerKm: 3),
        ]);

        Assert.Equal(0.1, run.State.OdometerKm, 6);
    }

    [Fact]
    public void Only_one_fix_reporting_a_device_odometer_falls_back_to_haversine()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(
        [
            device.Fix(0, Home, speedKmh: 30),
            device.Fix(60, GeoMath.Offset(Home, 100, 0), speedKmh: 30, deviceOdometerKm: 1_000),
        ]);

        Assert.Equal(0.1, run.State.OdometerKm, 6);
    }

    [Fact]
    public void Parked_jitter_under_20_m_adds_nothing()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var fixes = new[] { 0.0, 90, 180, 270, 45, 135, 225, 315 }
            .Select((bearing, index) => device.Fix(30 * (index + 1), GeoMath.Offset(Home, 15, bearing), speedKmh: 0))
            .Prepend(device.Fix(0, Home, speedKmh: 0))
            .Append(device.Fix(300, GeoMath.Offset(Home, 19.9, 0), speedKmh: 0));

        run.OneByOne(fixes);

        Assert.Equal(0, run.State.OdometerKm);
        Assert.Equal(Home, run.State.DistanceAnchor);
    }

    [Fact]
    public void A_move_just_over_20_m_while_reporting_no_speed_counts_once_the_next_fix_confirms_it()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([device.Fix(0, Home, speedKmh: 0), device.Fix(30, GeoMath.Offset(Home, 20.1, 0), speedKmh: 0)]);
        Assert.Equal(0, run.State.OdometerKm);
        Assert.True(run.State.MoveUnconfirmed);

        run.OneByOne([device.Fix(60, GeoMath.Offset(Home, 20.2, 0), speedKmh: 0)]);
        Assert.Equal(0.0202, run.State.OdometerKm, 6);
        Assert.False(run.State.MoveUnconfirmed);
    }

    [Fact]
    public void A_single_spike_away_from_a_parked_vehicle_adds_no_distance_and_starts_no_trip()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        // 250 m away and back: within the jump filter's limit, and accurate enough to pass the accuracy filter.
        run.OneByOne(
        [
            device.Fix(0, Home, speedKmh: 0, ignition: false),
            device.Fix(30, GeoMath.Offset(Home, 250, 90), speedKmh: 0, ignition: false, accuracyMeters: 150),
            device.Fix(60, Home, speedKmh: 0, ignition: false),
            device.Fix(90, Home, speedKmh: 0, ignition: false),
        ]);

        Assert.Equal(0, run.State.OdometerKm);
        Assert.Empty(run.Trips);
        Assert.Equal(Home, run.State.DistanceAnchor);
    }

    [Fact]
    public void A_slow_creep_is_measured_from_where_the_vehicle_stood_once_it_leaves_the_drift_radius()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(
        [
            device.Fix(0, Home, speedKmh: 0),
            device.Fix(30, GeoMath.Offset(Home, 15, 0), speedKmh: 0),
            device.Fix(60, GeoMath.Offset(Home, 30, 0), speedKmh: 0),
            device.Fix(90, GeoMath.Offset(Home, 45, 0), speedKmh: 0),
        ]);

        Assert.Equal(0.045, run.State.OdometerKm, 6);
    }

    [Fact]
    public void A_short_move_while_reporting_speed_counts()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([device.Fix(0, Home, speedKmh: 10), device.Fix(3, GeoMath.Offset(Home, 8, 0), speedKmh: 10)]);

        Assert.Equal(0.008, run.State.OdometerKm, 6);
    }

    [Fact]
    public void Position_records_carry_the_same_odometer_as_the_state()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context(TestFleet.Vehicle(initialOdometerKm: 1_234.5)));

        run.OneByOne(device.Drive(0, 120, Home, 0, 72, intervalSeconds: 10));

        var odometers = run.Positions.Select(position => position.OdometerKm!.Value).ToList();
        Assert.Equal(1_234.5, odometers[0]);
        Assert.Equal(run.State.OdometerKm, odometers[^1]);
        Assert.Equal(odometers.Order(), odometers);
        Assert.InRange(run.State.OdometerKm - 1_234.5, 2.39, 2.41);
    }
}
