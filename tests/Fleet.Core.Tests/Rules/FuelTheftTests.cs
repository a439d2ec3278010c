using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class FuelTheftTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Theory]
    [InlineData(45.1, false)]
    [InlineData(45, true)]
    [InlineData(44.9, true)]
    public void A_drop_of_5_percent_of_the_tank_within_10_minutes_while_stopped_raises_a_critical_alert(double after, bool alerts)
    {
        var run = Parked(null, (0, 50), (120, after));

        if (alerts)
        {
            var alert = Assert.Single(run.RaisedAlerts);
            Assert.Equal(("fuel_theft", "critical"), (alert.Type, alert.Severity));
            Assert.Equal(FixStream.At(120), alert.EventTime);
            Assert.Equal(Math.Round(50 - after, 2), alert.Data!.FuelDropPercent);
            Assert.Equal(Math.Round((50 - after) / 100 * 60, 2), alert.Data.FuelDropLiters);
            Assert.Equal(DeterministicId.ForAlert(TestFleet.VehicleId, AlertType.FuelTheft, FixStream.At(0)), alert.Id);
        }
        else
        {
            Assert.Empty(run.Alerts);
        }
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData(80.0, 4)]
    [InlineData(400.0, 20)]
    public void The_stolen_litres_follow_the_vehicle_tank_capacity(double? capacityLiters, double liters)
    {
        var run = Parked(capacityLiters, (0, 50), (120, 45));

        Assert.Equal(liters, Assert.Single(run.RaisedAlerts).Data!.FuelDropLiters);
    }

    [Fact]
    public void A_tank_that_keeps_draining_raises_one_alert()
    {
        var run = Parked(null, (0, 50), (60, 45), (120, 40), (180, 35), (240, 30));

        Assert.Single(run.RaisedAlerts);
    }

    [Fact]
    public void A_drop_while_moving_is_consumption_not_theft()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(
        [
            device.Fix(0, Home, 30, fuelLevelPercent: 50),
            device.Fix(60, GeoMath.Offset(Home, 500, 0), 30, fuelLevelPercent: 40),
            device.Fix(120, GeoMath.Offset(Home, 1_000, 0), 30, fuelLevelPercent: 30),
        ]);

        Assert.Empty(run.Alerts);
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(5.1, false)]
    public void Stopped_means_at_most_5_kmh(double speedKmh, bool alerts)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([device.Fix(0, Home, speedKmh, fuelLevelPercent: 50), device.Fix(60, Home, speedKmh, fuelLevelPercent: 40)]);

        Assert.Equal(alerts ? 1 : 0, run.RaisedAlerts.Count(alert => alert.Type == "fuel_theft"));
    }

    [Fact]
    public void A_drop_that_started_before_driving_off_and_continued_after_stopping_is_not_theft()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(
        [
            device.Fix(0, Home, 0, fuelLevelPercent: 50),
            device.Fix(60, Home, 0, fuelLevelPercent: 48),
            device.Fix(120, GeoMath.Offset(Home, 500, 0), 30, fuelLevelPercent: 46),
            device.Fix(180, GeoMath.Offset(Home, 500, 0), 0, fuelLevelPercent: 44),
        ]);

        Assert.Empty(run.Alerts);
    }

    [Theory]
    [InlineData(600, true)]
    [InlineData(601, false)]
    public void A_drop_spread_over_more_than_10_minutes_is_not_theft(double secondsToReachFivePercent, bool alerts)
    {
        var run = Parked(null, (0, 50), (300, 47.5), (secondsToReachFivePercent, 45));

        Assert.Equal(alerts ? 1 : 0, run.RaisedAlerts.Count());
    }

    [Fact]
    public void A_slow_leak_over_half_an_hour_raises_nothing()
    {
        var run = Parked(null, (0, 50), (300, 48), (601, 46), (900, 44), (1_202, 42), (1_500, 40), (1_803, 38));

        Assert.Empty(run.Alerts);
    }

    [Fact]
    public void A_sudden_drop_after_a_long_stable_stop_is_theft()
    {
        var run = Parked(null, (0, 50), (600, 50), (1_200, 50), (1_800, 50), (1_860, 45));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(FixStream.At(1_860), alert.EventTime);
        Assert.Equal(60, alert.Data!.DurationSeconds);
    }

    [Fact]
    public void After_a_refuel_a_new_drop_raises_a_new_alert()
    {
        var run = Parked(null, (0, 50), (60, 44), (120, 90), (180, 84));

        var alerts = run.RaisedAlerts.ToList();
        Assert.Equal([FixStream.At(60), FixStream.At(180)], alerts.Select(alert => alert.EventTime));
        Assert.NotEqual(alerts[0].Id, alerts[1].Id);
        Assert.All(alerts, alert => Assert.Equal(6, alert.Data!.FuelDropPercent));
    }

    [Fact]
    public void Fixes_without_a_fuel_reading_neither_raise_nor_reset_the_window()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([device.Fix(0, Home, 0, fuelLevelPercent: 50), device.Fix(60, Home, 0), device.Fix(120, Home, 0, fuelLevelPercent: 44)]);

        Assert.Single(run.RaisedAlerts);
    }

    [Fact]
    public void A_drop_measured_from_the_highest_reading_still_within_the_window_counts_after_older_readings_expire()
    {
        // 60 % expires at 10 min, but 59.5 % at 9.5 min is still within the window when 53.9 % arrives at 11 min.
        var run = Parked(null, (0, 60), (570, 59.5), (660, 53.9));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(5.6, alert.Data!.FuelDropPercent);
        Assert.Equal(90, alert.Data.DurationSeconds);
    }

    private static PipelineRun Parked(double? capacityLiters, params (double Seconds, double FuelLevelPercent)[] readings)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context(TestFleet.Vehicle(fuelCapacityLiters: capacityLiters)));
        return run.OneByOne(readings.Select(reading => device.Fix(reading.Seconds, Home, 0, fuelLevelPercent: reading.FuelLevelPercent)));
    }
}
