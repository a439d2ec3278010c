using Fleet.Core.Geo;
using Fleet.Core.Kpis;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Kpis;

/// <summary>
/// Fuel used today is counted as it is used (issue 18): a reviewer saw 0.2 L after 164.8 km, because fuel counted only
/// trips that had ended while distance counted live.
/// </summary>
public sealed class LiveFuelTests
{
    private const double CapacityLiters = 60;
    private static readonly GeoPoint Home = FixStream.Origin;

    [Fact]
    public void Fuel_burnt_on_a_trip_still_under_way_counts_today()
    {
        var device = new FixStream("dev-1");
        var run = Run();

        // 10 minutes at 60 km/h, the level falling 0.1 % of the tank each half minute: 2 % of 60 L.
        var drive = device.Drive(0, 600, Home, 0, 60);
        run.OneByOne(drive.Select((fix, i) => fix with { FuelLevelPercent = 70 - (Math.Floor(i / 6.0) * 0.1) }));

        Assert.NotNull(run.State.Motion.Trip);
        Assert.Equal(0.02 * CapacityLiters, FuelToday(run), 6);
    }

    [Fact]
    public void A_sloshing_level_counts_the_fall_once_not_every_dip()
    {
        var device = new FixStream("dev-1");
        var run = Run();
        double[] levels = [50, 49.6, 50.1, 49.5, 49.9, 49.2, 49.6];

        run.OneByOne(levels.Select((level, i) => device.Fix(10 * i, GeoMath.Offset(Home, 150 * i, 0), 54, fuelLevelPercent: level)));

        Assert.Equal(0.8 / 100 * CapacityLiters, FuelToday(run), 6);
    }

    [Fact]
    public void A_refuel_is_not_negative_use_and_falls_after_it_count_from_the_new_level()
    {
        var device = new FixStream("dev-1");
        var run = Run();

        run.OneByOne(
        [
            device.Fix(0, Home, 0, fuelLevelPercent: 20),
            device.Fix(30, Home, 0, fuelLevelPercent: 80),
            device.Fix(60, GeoMath.Offset(Home, 400, 0), 50, fuelLevelPercent: 79),
        ]);

        Assert.Equal(0.01 * CapacityLiters, FuelToday(run), 6);
    }

    [Fact]
    public void What_a_theft_takes_is_not_fuel_used()
    {
        var device = new FixStream("dev-1");
        var run = Run();
        run.OneByOne(device.Park(0, 60, Home, fuelLevelPercent: 60));

        // Parked: 2 % goes (counted while nobody knows), then 3 % more makes it a 5 % theft, then 3 % more.
        run.OneByOne([device.Fix(90, Home, 0, fuelLevelPercent: 58), device.Fix(120, Home, 0, fuelLevelPercent: 55), device.Fix(150, Home, 0, fuelLevelPercent: 52)]);

        Assert.Contains(run.Alerts, alert => alert.Type == Fleet.Core.Alerts.AlertType.FuelTheft);
        Assert.Equal(0, FuelToday(run), 6);

        // Driving off, what it burns counts again.
        run.OneByOne([device.Fix(180, GeoMath.Offset(Home, 400, 0), 50, fuelLevelPercent: 51.5)]);
        Assert.Equal(0.005 * CapacityLiters, FuelToday(run), 6);
    }

    [Fact]
    public void A_devices_fuel_counter_is_the_measure_when_it_has_one()
    {
        var device = new FixStream("dev-1");
        var run = Run();

        // The counter says 1.5 L; the level (a coarse sensor) says more, and is not counted on top.
        run.OneByOne(
        [
            device.Fix(0, Home, 40, fuelLevelPercent: 50) with { DeviceFuelUsedLiters = 1_000 },
            device.Fix(60, GeoMath.Offset(Home, 600, 0), 40, fuelLevelPercent: 46) with { DeviceFuelUsedLiters = 1_001.5 },
        ]);

        Assert.Equal(1.5, FuelToday(run), 6);
    }

    [Fact]
    public void A_vehicle_that_reports_no_fuel_says_so_rather_than_zero()
    {
        var device = new FixStream("dev-1");
        var run = Run().OneByOne(device.Drive(0, 120, Home, 0, 60));
        var withFuel = Run().OneByOne(device.Drive(200, 120, Home, 0, 60, fuelLevelPercent: 50));

        var today = VehicleToday.Of("v-1", run.Stats.Aggregate((a, b) => a.Add(b)), run.State, FixStream.Start.AddHours(-8));
        var reporting = VehicleToday.Of("v-1", withFuel.Stats.Aggregate((a, b) => a.Add(b)), withFuel.State, FixStream.Start.AddHours(-8));

        Assert.Null(today.FuelUsedLiters);
        Assert.Equal(0, reporting.FuelUsedLiters);
    }

    private static PipelineRun Run() => new(TestFleet.Context(TestFleet.Vehicle(fuelCapacityLiters: CapacityLiters)));

    private static double FuelToday(PipelineRun run) => run.Stats.Sum(stats => stats.FuelUsedLiters);
}
