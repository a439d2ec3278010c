using System.Globalization;
using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class IdlingTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Theory]
    [InlineData(299, false)]
    [InlineData(300, true)]
    public void Five_minutes_with_the_engine_on_and_standing_still_raises_a_low_idling_alert(double lastSecond, bool alerts)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([.. Idle(device, 0, 270, 0), device.Fix(lastSecond, Home, 0, ignition: true)]);

        if (alerts)
        {
            var alert = Assert.Single(run.RaisedAlerts);
            Assert.Equal(("driver_event", "low", DriverEventCodes.Idling), (alert.Type, alert.Severity, alert.Data!.DriverEvent));
            Assert.Equal(FixStream.At(0), alert.EventTime);
            Assert.Equal(300, alert.Data.DurationSeconds);
            var key = DriverEventCodes.Idling + "\n" + FixStream.At(0).UtcTicks.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(DeterministicId.ForAlert(TestFleet.VehicleId, AlertType.DriverEvent, key), alert.Id);
            var notice = Assert.Single(run.NoticesOf<DriverEventPayload>(RealtimeMessageTypes.DriverEventUpdate));
            Assert.Equal((DriverEventCodes.Idling, alert.Id), (notice.Event, notice.AlertId));
        }
        else
        {
            Assert.Empty(run.Alerts);
        }
    }

    [Fact]
    public void A_long_idle_raises_one_alert()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(Idle(device, 0, 3_600, 0));

        Assert.Single(run.RaisedAlerts);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(1.5, false)]
    public void Standing_still_tolerates_1_kmh_of_gps_noise(double speedKmh, bool alerts)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(Idle(device, 0, 300, speedKmh));

        Assert.Equal(alerts ? 1 : 0, run.RaisedAlerts.Count());
    }

    [Fact]
    public void Standing_still_with_the_ignition_off_is_not_idling()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(device.Park(0, 900, Home, ignition: false));

        Assert.Empty(run.Alerts);
    }

    [Fact]
    public void Standing_still_without_an_ignition_report_is_not_idling()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(device.Park(0, 900, Home, ignition: null));

        Assert.Empty(run.Alerts);
    }

    [Fact]
    public void Moving_ends_the_idle_episode_and_the_next_one_counts_from_scratch()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var crept = GeoMath.Offset(Home, 50, 0);

        run.OneByOne(Idle(device, 0, 240, 0));
        run.OneByOne([device.Fix(250, crept, 20, ignition: true)]);
        run.OneByOne(Idle(device, 260, 240, 0, crept));

        Assert.Empty(run.Alerts);

        run.OneByOne(Idle(device, 530, 30, 0, crept));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(FixStream.At(260), alert.EventTime);
        Assert.Equal(300, alert.Data!.DurationSeconds);
    }

    [Fact]
    public void An_ignition_reported_once_holds_until_the_device_reports_otherwise()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([device.Fix(0, Home, 0, ignition: true), .. device.Park(30, 300, Home, ignition: null)]);

        Assert.Single(run.RaisedAlerts);
    }

    private static List<TelemetryFix> Idle(FixStream device, double startSeconds, double durationSeconds, double speedKmh, GeoPoint? at = null)
    {
        var fixes = new List<TelemetryFix>();
        for (var t = 0.0; t <= durationSeconds; t += 30)
        {
            fixes.Add(device.Fix(startSeconds + t, at ?? Home, speedKmh, ignition: true));
        }

        return fixes;
    }
}
