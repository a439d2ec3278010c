using System.Globalization;
using Fleet.Core.Alerts;
using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class MaintenanceTests
{
    [Theory]
    [InlineData(0.4, false)]
    [InlineData(0.5, true)]
    [InlineData(0.6, true)]
    public void Reaching_the_service_interval_raises_one_maintenance_alert(double deltaKm, bool alerts)
    {
        // Device odometer deltas make the vehicle odometer land exactly on 10,000 km in the middle case.
        var run = Drive(9_999.5, null, (0, 100), (60, 100 + deltaKm));

        if (alerts)
        {
            var alert = Assert.Single(run.RaisedAlerts);
            Assert.Equal(("maintenance", "medium"), (alert.Type, alert.Severity));
            Assert.Equal(10_000, alert.Data!.ServiceDueKm);
            Assert.Equal(FixStream.At(60), alert.EventTime);
            var notice = Assert.Single(run.NoticesOf<MaintenancePayload>(RealtimeMessageTypes.MaintenanceAlertUpdate));
            Assert.Equal((10_000.0, alert.Id), (notice.ServiceDueKm, notice.AlertId));
        }
        else
        {
            Assert.Empty(run.Alerts);
            Assert.Empty(run.NoticesOf<MaintenancePayload>(RealtimeMessageTypes.MaintenanceAlertUpdate));
        }
    }

    [Fact]
    public void Driving_on_past_the_milestone_raises_no_second_alert()
    {
        var run = Drive(9_999.5, null, (0, 100), (60, 100.6), (120, 101.2), (180, 101.8), (240, 102.4));

        Assert.Single(run.RaisedAlerts);
    }

    [Fact]
    public void Driving_without_crossing_a_milestone_raises_nothing()
    {
        var run = Drive(10_000.5, null, (0, 100), (60, 100.6), (120, 101.2), (180, 101.8));

        Assert.Empty(run.Alerts);
        Assert.Equal(10_002.3, run.State.OdometerKm, 6);
    }

    [Fact]
    public void A_haversine_drive_across_the_milestone_raises_the_alert()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context(TestFleet.Vehicle(initialOdometerKm: 19_999)));

        run.OneByOne(device.Drive(0, 120, FixStream.Origin, 0, 60, intervalSeconds: 10));

        Assert.Equal(20_000, Assert.Single(run.RaisedAlerts).Data!.ServiceDueKm);
    }

    [Fact]
    public void A_vehicle_service_interval_overrides_the_default()
    {
        var run = Drive(4_999.5, 5_000, (0, 100), (60, 100.6));

        Assert.Equal(5_000, Assert.Single(run.RaisedAlerts).Data!.ServiceDueKm);
    }

    [Fact]
    public void The_alert_id_is_derived_from_the_vehicle_and_the_milestone()
    {
        var first = Drive(9_999.5, null, (0, 100), (60, 100.6));
        var replay = Drive(9_999.5, null, (0, 100), (60, 100.6));
        var later = Drive(19_999.5, null, (0, 100), (60, 100.6));

        var id = Assert.Single(first.RaisedAlerts).Id;
        Assert.Equal(DeterministicId.ForAlert(TestFleet.VehicleId, AlertType.Maintenance, 10_000d.ToString("R", CultureInfo.InvariantCulture)), id);
        Assert.Equal(id, Assert.Single(replay.RaisedAlerts).Id);
        Assert.NotEqual(id, Assert.Single(later.RaisedAlerts).Id);
    }

    /// <summary>Stands still while the device odometer advances, so the distance is exactly the device's.</summary>
    private static PipelineRun Drive(double initialOdometerKm, double? serviceIntervalKm, params (double Seconds, double DeviceOdometerKm)[] readings)
    {
        var device = new FixStream("dev-1");
        var vehicle = TestFleet.Vehicle(initialOdometerKm: initialOdometerKm, serviceIntervalKm: serviceIntervalKm);
        var run = new PipelineRun(TestFleet.Context(vehicle));
        return run.OneByOne(readings.Select(reading => device.Fix(reading.Seconds, FixStream.Origin, 30, deviceOdometerKm: reading.DeviceOdometerKm)));
    }
}
