using Fleet.Core.Alerts;
using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class SpeedingTests
{
    [Theory]
    [InlineData(9.9, false)]
    [InlineData(10, true)]
    public void An_episode_opens_only_after_10_s_above_the_limit(double seconds, bool opens)
    {
        var run = Run((0, 100), (5, 100), (seconds, 100));

        if (opens)
        {
            var alert = Assert.Single(run.RaisedAlerts);
            Assert.Equal(("speed_violation", "medium"), (alert.Type, alert.Severity));
            Assert.Equal(FixStream.At(0), alert.EventTime);
            Assert.Equal(90, alert.Data!.SpeedLimitKmh);
            Assert.Equal(100, alert.Data.SpeedKmh);
            Assert.True(alert.Data.EpisodeOpen);
            Assert.Equal(DeterministicId.ForAlert(TestFleet.VehicleId, AlertType.SpeedViolation, FixStream.At(0)), alert.Id);
        }
        else
        {
            Assert.Empty(run.Alerts);
            Assert.Null(run.State.Speeding!.Episode);
        }
    }

    [Fact]
    public void Driving_exactly_at_the_limit_is_not_speeding()
    {
        var run = Run((0, 90), (10, 90), (20, 90), (30, 90));

        Assert.Empty(run.Alerts);
        Assert.Null(run.State.Speeding);
    }

    [Fact]
    public void A_long_episode_raises_one_alert()
    {
        var run = Run([.. Enumerable.Range(0, 121).Select(step => (step * 5.0, 100.0 + step % 7))]);

        Assert.Single(run.RaisedAlerts);
        Assert.Single(run.Alerts);
    }

    [Fact]
    public void The_episode_closes_when_speed_falls_below_the_limit_with_its_maximum_and_duration()
    {
        var run = Run((0, 100), (10, 120), (20, 100), (30, 80));

        var raised = Assert.Single(run.RaisedAlerts);
        Assert.Equal(2, run.Alerts.Count);
        var closed = run.Alerts[^1];
        Assert.Equal(raised.Id, closed.Id);
        Assert.False(closed.Details!.EpisodeOpen);
        Assert.Equal(120, closed.Details.MaxSpeedKmh);
        Assert.Equal(30, closed.Details.DurationSeconds);
        Assert.Equal(FixStream.At(0), closed.EventTime);
        Assert.Equal(raised.CreatedAt, closed.CreatedAt);
        var ended = Assert.Single(run.NoticesOf<DriverEventPayload>(RealtimeMessageTypes.DriverEventUpdate));
        Assert.Equal((DriverEventCodes.SpeedingEnded, closed.Id, 120.0), (ended.Event, ended.AlertId!, ended.Value!.Value));
        Assert.Null(run.State.Speeding);
    }

    [Fact]
    public void Exactly_at_the_limit_does_not_end_the_episode()
    {
        var device = new FixStream("dev-1");
        var fixes = Track.North(device, (0, 100), (10, 100), (20, 90), (30, 90), (40, 89));
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne(fixes.Take(4));

        Assert.Single(run.Alerts);
        Assert.NotNull(run.State.Speeding?.Episode);

        run.OneByOne(fixes.Skip(4));

        Assert.Equal(40, run.Alerts[^1].Details!.DurationSeconds);
        Assert.False(run.Alerts[^1].Details!.EpisodeOpen);
    }

    [Theory]
    [InlineData(99, "low")]
    [InlineData(99.1, "medium")]
    [InlineData(112.5, "medium")]
    [InlineData(112.6, "high")]
    [InlineData(135, "high")]
    [InlineData(135.1, "critical")]
    public void Severity_follows_the_excess_over_the_limit(double speedKmh, string severity)
    {
        var run = Run((0, speedKmh), (10, speedKmh), (20, 80));

        Assert.Equal(severity, Assert.Single(run.RaisedAlerts).Severity);
        Assert.Equal(severity, run.Alerts[^1].Severity.ToCode());
    }

    [Fact]
    public void The_closing_severity_follows_the_maximum_excess_of_the_episode()
    {
        var run = Run((0, 95), (10, 95), (20, 140), (30, 80));

        Assert.Equal("low", Assert.Single(run.RaisedAlerts).Severity);
        Assert.Equal(AlertSeverity.Critical, run.Alerts[^1].Severity);
        Assert.Equal(140, run.Alerts[^1].Details!.MaxSpeedKmh);
    }

    [Fact]
    public void The_fastest_moment_before_the_episode_opens_counts_towards_its_maximum_and_severity()
    {
        // The episode is dated from t = 0, so the 150 km/h of t = 0 belong to it.
        var run = Run((0, 150), (5, 95), (10, 95), (15, 80));

        var closed = run.Alerts[^1];
        Assert.Equal(FixStream.At(0), closed.EventTime);
        Assert.Equal(15, closed.Details!.DurationSeconds);
        Assert.Equal(150, closed.Details.MaxSpeedKmh);
        Assert.Equal(AlertSeverity.Critical, closed.Severity);
    }

    [Fact]
    public void A_vehicle_speed_limit_overrides_the_default()
    {
        var device = new FixStream("dev-1");
        var profile = new[] { (0.0, 70.0), (10.0, 70.0), (20.0, 50.0) };
        var limited = new PipelineRun(TestFleet.Context(TestFleet.Vehicle(speedLimitKmh: 60))).OneByOne(Track.North(device, profile));
        var unlimited = new PipelineRun(TestFleet.Context()).OneByOne(Track.North(new FixStream("dev-1"), profile));

        var alert = Assert.Single(limited.RaisedAlerts);
        Assert.Equal(60, alert.Data!.SpeedLimitKmh);
        Assert.Equal("medium", alert.Severity);
        Assert.Empty(unlimited.Alerts);
    }

    [Fact]
    public void A_gap_over_60_s_ends_the_open_episode_at_the_last_fix_before_it()
    {
        var run = Run((0, 100), (10, 100), (20, 100), (81, 100));

        var closed = Assert.Single(run.Alerts, alert => alert.Details!.EpisodeOpen == false);
        Assert.Equal(Assert.Single(run.RaisedAlerts).Id, closed.Id);
        Assert.Equal(20, closed.Details!.DurationSeconds);
    }

    [Fact]
    public void The_speeding_ended_notice_for_a_gap_is_dated_and_placed_at_the_last_fix_before_it()
    {
        var device = new FixStream("dev-1");
        var fixes = Track.North(device, (0, 100), (10, 100), (20, 100), (81, 100));
        var run = new PipelineRun(TestFleet.Context()).OneByOne(fixes);

        // The offline sweep reports the same ending at the last fix too; the message should not depend on who noticed the silence.
        var ended = Assert.Single(run.NoticesOf<DriverEventPayload>(RealtimeMessageTypes.DriverEventUpdate));
        Assert.Equal(DriverEventCodes.SpeedingEnded, ended.Event);
        Assert.Equal(FixStream.At(20), ended.Time);
        Assert.Equal((fixes[2].Position.Latitude, fixes[2].Position.Longitude), (ended.Latitude, ended.Longitude));
    }

    [Fact]
    public void Fixes_over_60_s_apart_do_not_count_as_continuously_above_the_limit()
    {
        var run = Run((0, 100), (61, 100), (70, 100));

        Assert.Empty(run.Alerts);
        Assert.Equal(FixStream.At(61), run.State.Speeding!.AboveSince);
    }

    [Fact]
    public void Fixes_exactly_60_s_apart_still_count_as_continuous()
    {
        var run = Run((0, 100), (60, 100));

        Assert.Equal(FixStream.At(0), Assert.Single(run.RaisedAlerts).EventTime);
    }

    [Fact]
    public void A_new_run_after_a_gap_opens_a_second_episode_with_its_own_alert()
    {
        var run = Run((0, 100), (10, 100), (20, 100), (81, 100), (90, 100), (91, 100));

        var raised = run.RaisedAlerts.ToList();
        Assert.Equal(2, raised.Count);
        Assert.NotEqual(raised[0].Id, raised[1].Id);
        Assert.Equal(FixStream.At(81), raised[1].EventTime);
    }

    [Fact]
    public void A_second_episode_after_slowing_down_gets_a_different_alert_id()
    {
        var run = Run((0, 100), (10, 100), (20, 80), (30, 100), (40, 100), (50, 80));

        var raised = run.RaisedAlerts.ToList();
        Assert.Equal(2, raised.Count);
        Assert.NotEqual(raised[0].Id, raised[1].Id);
        Assert.Equal(4, run.Alerts.Count);
        Assert.Equal([raised[0].Id, raised[0].Id, raised[1].Id, raised[1].Id], run.Alerts.Select(alert => alert.Id));
    }

    private static PipelineRun Run(params (double Seconds, double SpeedKmh)[] profile) =>
        new PipelineRun(TestFleet.Context()).OneByOne(Track.North(new FixStream("dev-1"), profile));

    [Fact]
    public void A_vehicle_reporting_every_90_s_is_judged_on_its_own_reporting_interval()
    {
        var fixes = Enumerable.Range(0, 6).Select(step => (step * 90.0, 150.0)).ToArray();
        var sparse = TestFleet.Context(TestFleet.Vehicle(expectedReportInterval: TimeSpan.FromSeconds(90)));

        var run = new PipelineRun(sparse).OneByOne(Track.North(new FixStream("dev-1"), fixes));

        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(FixStream.At(0), alert.EventTime);

        // A vehicle expected every 30 s that goes 90 s between fixes has not shown a continuous run.
        var dense = new PipelineRun(TestFleet.Context()).OneByOne(Track.North(new FixStream("dev-2"), fixes));
        Assert.Empty(dense.RaisedAlerts);
    }

    [Fact]
    public void Only_the_closing_version_of_a_speeding_alert_is_final()
    {
        var run = new PipelineRun(TestFleet.Context()).OneByOne(Track.North(new FixStream("dev-1"), (0, 120), (10, 120), (20, 60)));

        Assert.Equal([false, true], run.Alerts.Select(alert => alert.Final));
        Assert.Single(run.Alerts.Select(alert => alert.Id).Distinct());
    }
}
