using System.Globalization;
using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class HarshDrivingTests
{
    [Theory]
    [InlineData(DeviceEvents.HarshBraking, "harsh_braking", "medium")]
    [InlineData(DeviceEvents.HarshAcceleration, "harsh_acceleration", "medium")]
    [InlineData(DeviceEvents.HarshCornering, "harsh_cornering", "medium")]
    [InlineData(DeviceEvents.Crash, "crash", "critical")]
    [InlineData(DeviceEvents.Sos, "sos", "critical")]
    public void A_device_reported_event_raises_a_driver_event_alert(DeviceEvents flag, string code, string severity)
    {
        var device = new FixStream("dev-1");
        var fixes = Steady(device, 3);
        fixes[1] = fixes[1] with { Events = flag };
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(("driver_event", severity, code), (alert.Type, alert.Severity, alert.Data!.DriverEvent));
        Assert.Equal(fixes[1].FixTime, alert.EventTime);
        Assert.Null(alert.Data.AccelerationMetersPerSecondSquared);
        var notice = Assert.Single(run.NoticesOf<DriverEventPayload>(RealtimeMessageTypes.DriverEventUpdate));
        Assert.Equal((code, alert.Id), (notice.Event, notice.AlertId));
    }

    [Fact]
    public void Several_flags_on_one_fix_raise_one_alert_each()
    {
        var device = new FixStream("dev-1");
        var fixes = Steady(device, 2);
        fixes[1] = fixes[1] with { Events = DeviceEvents.Crash | DeviceEvents.Sos };
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        Assert.Equal(["crash", "sos"], run.RaisedAlerts.Select(alert => alert.Data!.DriverEvent).Order(StringComparer.Ordinal));
        Assert.Equal(2, run.RaisedAlerts.Select(alert => alert.Id).Distinct().Count());
    }

    [Fact]
    public void A_flag_repeated_on_the_next_fix_is_one_event_and_a_flag_after_a_clear_fix_is_another()
    {
        var device = new FixStream("dev-1");
        var fixes = Steady(device, 5);
        fixes[1] = fixes[1] with { Events = DeviceEvents.HarshCornering };
        fixes[2] = fixes[2] with { Events = DeviceEvents.HarshCornering };
        fixes[4] = fixes[4] with { Events = DeviceEvents.HarshCornering };
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        Assert.Equal([fixes[1].FixTime, fixes[4].FixTime], run.RaisedAlerts.Select(alert => alert.EventTime));
    }

    [Theory]
    [InlineData(12.5, false)]
    [InlineData(12.4, true)]
    [InlineData(12.3, true)]
    public void Braking_of_3_5_m_s2_or_harder_is_harsh(double speedAfterOneSecond, bool harsh)
    {
        // From 25 km/h: 12.5 is -3.47 m/s², 12.4 exactly -3.5 m/s², 12.3 is -3.53 m/s².
        var run = Speeds(VehicleClass.PassengerCar, (0, 25), (1, speedAfterOneSecond), (2, speedAfterOneSecond));

        AssertDerived(run, harsh, "harsh_braking", FixStream.At(1));
    }

    [Theory]
    [InlineData(30.7, false)]
    [InlineData(30.8, true)]
    [InlineData(30.9, true)]
    public void Acceleration_of_3_0_m_s2_or_more_is_harsh(double speedAfterOneSecond, bool harsh)
    {
        // From 20 km/h: 30.7 is 2.97 m/s², 30.8 exactly 3.0 m/s², 30.9 is 3.03 m/s².
        var run = Speeds(VehicleClass.PassengerCar, (0, 20), (1, speedAfterOneSecond), (2, speedAfterOneSecond));

        AssertDerived(run, harsh, "harsh_acceleration", FixStream.At(1));
    }

    [Fact]
    public void The_derived_acceleration_is_reported_with_the_alert()
    {
        var run = Speeds(VehicleClass.PassengerCar, (0, 60), (1, 45));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(-4.17, alert.Data!.AccelerationMetersPerSecondSquared);
        Assert.Equal(-4.17, Assert.Single(run.NoticesOf<DriverEventPayload>(RealtimeMessageTypes.DriverEventUpdate)).Value!.Value, 2);
    }

    [Fact]
    public void A_harsh_braking_is_told_by_its_deceleration_and_the_speed_it_started_from()
    {
        // Issue 18: the message said "at 8 km/h", the speed it ended at, which reads like a gentle stop.
        var run = Speeds(VehicleClass.PassengerCar, (0, 55), (2, 8));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.EndsWith(": harsh braking of 6.5 m/s², from 55 to 8 km/h.", alert.Message, StringComparison.Ordinal);
        Assert.Equal((55.0, 8.0), (alert.Data!.SpeedBeforeKmh, alert.Data.SpeedKmh));
    }

    [Fact]
    public void A_device_reported_braking_is_told_from_the_speed_at_the_fix_before()
    {
        var device = new FixStream("dev-1");
        var fixes = Steady(device, 3);
        fixes[1] = fixes[1] with { Events = DeviceEvents.HarshBraking, SpeedKmh = 8 };
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $" reported harsh braking, from {fixes[0].SpeedKmh:0} to 8 km/h."), alert.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(3.5, false)]
    [InlineData(10, false)]
    public void Accelerations_are_derived_only_from_fixes_at_most_3_s_apart(double seconds, bool harsh)
    {
        // 100 to 50 km/h is -4.6 m/s² over 3 s and still -4.0 m/s² over 3.5 s.
        var run = Speeds(VehicleClass.PassengerCar, (0, 100), (seconds, 50));

        AssertDerived(run, harsh, "harsh_braking", FixStream.At(seconds));
    }

    [Fact]
    public void Speeds_the_device_did_not_report_are_not_used_to_derive_accelerations()
    {
        var device = new FixStream("dev-1");
        var from = FixStream.Origin;

        // Positions alone imply 0 then 72 km/h within a second; without reported speeds that is no evidence.
        var run = new PipelineRun(TestFleet.Context()).OneByOne(
        [
            device.Fix(0, from),
            device.Fix(1, from),
            device.Fix(2, GeoMath.Offset(from, 20, 0)),
        ]);

        Assert.Empty(run.Alerts);
    }

    [Fact]
    public void A_heavy_truck_brakes_harshly_at_a_deceleration_a_passenger_car_does_not()
    {
        // 50 to 39.2 km/h in a second is -3.0 m/s²: harsh for a heavy truck (-2.9), not for a car (-3.5).
        (double, double)[] profile = [(0, 50), (1, 39.2), (2, 39.2)];

        var truck = Speeds(VehicleClass.HeavyTruck, profile);
        var car = Speeds(VehicleClass.PassengerCar, profile);

        Assert.Equal("harsh_braking", Assert.Single(truck.RaisedAlerts).Data!.DriverEvent);
        Assert.Empty(car.Alerts);
    }

    [Fact]
    public void A_heavy_truck_accelerates_harshly_at_a_rate_a_passenger_car_does_not()
    {
        // 20 to 29 km/h in a second is 2.5 m/s²: harsh for a heavy truck (2.2), not for a car (3.0).
        (double, double)[] profile = [(0, 20), (1, 29), (2, 29)];

        var truck = Speeds(VehicleClass.HeavyTruck, profile);
        var car = Speeds(VehicleClass.PassengerCar, profile);

        Assert.Equal("harsh_acceleration", Assert.Single(truck.RaisedAlerts).Data!.DriverEvent);
        Assert.Empty(car.Alerts);
    }

    [Fact]
    public void One_braking_over_several_fixes_is_one_event()
    {
        var run = Speeds(VehicleClass.PassengerCar, (0, 100), (1, 85), (2, 70), (3, 55), (4, 40), (5, 40));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(FixStream.At(1), alert.EventTime);
    }

    [Fact]
    public void Two_brakings_separated_by_steady_driving_are_two_events()
    {
        var run = Speeds(VehicleClass.PassengerCar, (0, 100), (1, 85), (2, 85), (3, 70), (4, 70));

        Assert.Equal([FixStream.At(1), FixStream.At(3)], run.RaisedAlerts.Select(alert => alert.EventTime));
    }

    [Fact]
    public void A_device_reported_braking_on_the_fix_where_braking_is_also_derived_is_one_event()
    {
        var device = new FixStream("dev-1");
        var fixes = Track.North(device, (0, 60), (1, 40), (2, 40));
        fixes[1] = fixes[1] with { Events = DeviceEvents.HarshBraking };
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal("harsh_braking", alert.Data!.DriverEvent);
        Assert.Equal(FixStream.At(1), alert.EventTime);
    }

    [Fact]
    public void A_device_flag_on_the_fix_after_a_derived_braking_is_the_same_braking()
    {
        var device = new FixStream("dev-1");
        var fixes = Track.North(device, (0, 60), (1, 40), (2, 35), (3, 35));
        fixes[2] = fixes[2] with { Events = DeviceEvents.HarshBraking };
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(FixStream.At(1), alert.EventTime);
        Assert.NotNull(alert.Data!.AccelerationMetersPerSecondSquared);
    }

    private static void AssertDerived(PipelineRun run, bool harsh, string code, DateTimeOffset at)
    {
        if (harsh)
        {
            var alert = Assert.Single(run.RaisedAlerts);
            Assert.Equal(("driver_event", "medium", code), (alert.Type, alert.Severity, alert.Data!.DriverEvent));
            Assert.Equal(at, alert.EventTime);
            Assert.NotNull(alert.Data.AccelerationMetersPerSecondSquared);
            var key = code + "\n" + at.UtcTicks.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(DeterministicId.ForAlert(TestFleet.VehicleId, AlertType.DriverEvent, key), alert.Id);
        }
        else
        {
            Assert.Empty(run.Alerts);
        }
    }

    private static PipelineRun Speeds(VehicleClass vehicleClass, params (double Seconds, double SpeedKmh)[] profile) =>
        new PipelineRun(TestFleet.Context(TestFleet.Vehicle(vehicleClass: vehicleClass))).OneByOne(Track.North(new FixStream("dev-1"), profile));

    private static List<TelemetryFix> Steady(FixStream device, int count) =>
        Track.North(device, [.. Enumerable.Range(0, count).Select(index => (index * 5.0, 50.0))]);
}
