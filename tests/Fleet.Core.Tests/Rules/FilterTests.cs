using Fleet.Core.Geo;
using Fleet.Core.Pipeline;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

public sealed class FilterTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Theory]
    [InlineData(90.0001, 121.5)]
    [InlineData(-91, 121.5)]
    [InlineData(25, 180.0001)]
    [InlineData(25, -181)]
    [InlineData(double.NaN, 121.5)]
    [InlineData(25, double.PositiveInfinity)]
    public void Invalid_coordinates_are_rejected_as_invalid_coordinates(double latitude, double longitude)
    {
        var run = new PipelineRun(TestFleet.Context());
        var fix = new FixStream("dev-1").Fix(0, new GeoPoint(latitude, longitude));

        run.OneByOne([fix]);

        AssertRejected(run, fix, RejectionReason.InvalidCoordinates, "invalid_coordinates");
    }

    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    public void Coordinates_at_the_edge_of_the_valid_range_are_accepted(double latitude, double longitude)
    {
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([new FixStream("dev-1").Fix(0, new GeoPoint(latitude, longitude))]);

        Assert.Empty(run.Rejections);
        Assert.Single(run.Positions);
    }

    [Fact]
    public void A_zero_fix_is_rejected_as_zero_fix()
    {
        var run = new PipelineRun(TestFleet.Context());
        var fix = new FixStream("dev-1").Fix(0, new GeoPoint(0, 0));

        run.OneByOne([fix]);

        AssertRejected(run, fix, RejectionReason.ZeroFix, "zero_fix");
    }

    [Fact]
    public void A_fix_near_but_not_at_zero_zero_is_accepted()
    {
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([new FixStream("dev-1").Fix(0, new GeoPoint(0, 0.0001))]);

        Assert.Empty(run.Rejections);
        Assert.Single(run.Positions);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void A_fix_more_than_five_minutes_after_it_was_enqueued_is_rejected_as_future(int millisecondsBeyondFiveMinutes, bool rejected)
    {
        var run = new PipelineRun(TestFleet.Context());
        var enqueued = FixStream.At(0);
        var fix = Track.Received(new FixStream("dev-1").Fix(0, Home), enqueued) with
        {
            FixTime = enqueued + TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(millisecondsBeyondFiveMinutes),
        };

        run.OneByOne([fix]);

        AssertVerdict(run, fix, rejected, RejectionReason.FutureTimestamp, "future_timestamp");
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void A_fix_more_than_seven_days_before_it_was_enqueued_is_rejected_as_stale(int millisecondsBeyondSevenDays, bool rejected)
    {
        var run = new PipelineRun(TestFleet.Context());
        var fix = new FixStream("dev-1").Fix(0, Home);
        fix = Track.Received(fix, fix.FixTime + TimeSpan.FromDays(7) + TimeSpan.FromMilliseconds(millisecondsBeyondSevenDays));

        run.OneByOne([fix]);

        AssertVerdict(run, fix, rejected, RejectionReason.StaleTimestamp, "stale_timestamp");
    }

    [Theory]
    [InlineData(199.9, false)]
    [InlineData(200, false)]
    [InlineData(200.1, true)]
    public void A_fix_with_accuracy_worse_than_200_m_is_rejected_as_low_accuracy(double accuracyMeters, bool rejected)
    {
        var run = new PipelineRun(TestFleet.Context());
        var fix = new FixStream("dev-1").Fix(0, Home, accuracyMeters: accuracyMeters);

        run.OneByOne([fix]);

        AssertVerdict(run, fix, rejected, RejectionReason.LowAccuracy, "low_accuracy");
    }

    [Theory]
    [InlineData(299, false)]
    [InlineData(301, true)]
    public void A_fix_implying_more_than_300_kmh_from_the_previous_one_is_rejected_as_a_jump(double impliedKmh, bool rejected)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var first = device.Fix(0, Home, speedKmh: 0);
        var second = device.Fix(10, GeoMath.Offset(Home, impliedKmh / 3.6 * 10, 0), speedKmh: 0);

        run.OneByOne([first, second]);

        AssertVerdict(run, second, rejected, RejectionReason.ImplausibleJump, "implausible_jump");
        Assert.Equal(rejected ? first.FixTime : second.FixTime, run.State.LastFix!.Time);
    }

    [Fact]
    public void An_implied_speed_exactly_at_the_limit_is_accepted()
    {
        var device = new FixStream("dev-1");
        var first = device.Fix(0, Home, speedKmh: 0);
        var second = device.Fix(10, GeoMath.Offset(Home, 830, 0), speedKmh: 0);
        var snapshot = new FixSnapshot(first, 0, 0, null, null, null);
        var limit = FixFilters.ImpliedSpeedKmh(snapshot, second);
        var rules = new RuleSettings { Filters = new FilterSettings { MaxImpliedSpeedKmh = limit } };
        var run = new PipelineRun(TestFleet.Context(rules: rules));

        run.OneByOne([first, second]);

        Assert.Empty(run.Rejections);
        Assert.Equal(2, run.Positions.Count);
    }

    [Fact]
    public void An_exact_duplicate_in_one_batch_is_dropped_and_counted_not_rejected()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.Batch([device.Fix(0, Home, speedKmh: 0), device.Fix(0, Home, speedKmh: 0)]);

        Assert.Equal(1, run.Duplicates);
        Assert.Empty(run.Rejections);
        Assert.Single(run.Positions);
    }

    [Fact]
    public void An_exact_duplicate_in_a_later_batch_is_dropped_and_counted_not_rejected()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        run.OneByOne([device.Fix(0, Home, speedKmh: 0), device.Fix(30, Home, speedKmh: 0)]);
        var before = run.State;

        run.OneByOne([device.Fix(30, Home, speedKmh: 0)]);

        Assert.Equal(1, run.Duplicates);
        Assert.Empty(run.Rejections);
        Assert.Equal(2, run.Positions.Count);
        Assert.Same(before.LastFix, run.State.LastFix);
    }

    [Fact]
    public void A_redelivered_event_is_a_replay_not_a_duplicate()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var fix = device.Fix(0, Home, speedKmh: 0);
        run.OneByOne([fix]);

        run.OneByOne([fix]);

        Assert.Equal(1, run.Replays);
        Assert.Equal(0, run.Duplicates);
        Assert.Single(run.Positions);
    }

    [Fact]
    public void A_fix_older_than_the_watermark_is_stored_as_late_and_changes_no_live_state()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var fixes = Track.North(device, (0, 36), (10, 36), (20, 36));
        run.OneByOne([fixes[0], fixes[2]]);
        var before = run.State;
        var noticesBefore = run.Notices.Count;

        // A buffer flush: received after the newer fix, carrying everything that would fire a rule on a live fix.
        var late = Track.Received(
            device.Fix(10, fixes[1].Position, speedKmh: 250, fuelLevelPercent: 1, ignition: false, events: DeviceEvents.Crash | DeviceEvents.Sos),
            FixStream.At(40));
        run.OneByOne([late]);

        var position = run.Positions[^1];
        Assert.True(position.IsLate);
        Assert.Null(position.OdometerKm);
        Assert.Equal(late.FixTime, position.FixTime);
        Assert.Equal(before with { LastSeen = run.State.LastSeen, Streams = run.State.Streams }, run.State);
        Assert.Equal(FixStream.At(40), run.State.LastSeen);

        // Only the safety events the device reported are raised: a crash or an SOS is urgent however late it arrives.
        Assert.Equal(["crash", "sos"], run.Alerts.Select(alert => alert.Details!.DriverEvent));
        Assert.All(run.Alerts, alert => Assert.Equal((Fleet.Core.Alerts.AlertSeverity.Critical, late.FixTime), (alert.Severity, alert.EventTime)));
        Assert.Equal(noticesBefore + 4, run.Notices.Count);
        Assert.Empty(run.Rejections);
        Assert.Equal(0, run.Duplicates);
    }

    [Fact]
    public void Two_copies_of_one_late_fix_store_one_late_position_and_count_one_duplicate()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        run.OneByOne([device.Fix(0, Home, speedKmh: 0), device.Fix(60, Home, speedKmh: 0)]);

        run.Batch([device.Fix(30, Home, speedKmh: 0), device.Fix(30, Home, speedKmh: 0)]);

        Assert.Single(run.Positions, position => position.IsLate);
        Assert.Equal(1, run.Duplicates);
    }

    [Fact]
    public void A_single_outlier_is_rejected_and_does_not_inflate_the_odometer()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var good = device.Fix(0, Home, speedKmh: 36);
        var outlier = device.Fix(10, GeoMath.Offset(Home, 5_000, 90), speedKmh: 36);
        var next = device.Fix(20, GeoMath.Offset(Home, 200, 0), speedKmh: 36);

        run.OneByOne([good, outlier, next]);

        var rejected = Assert.Single(run.Rejections);
        Assert.Same(outlier, rejected.Fix);
        Assert.Equal(RejectionReason.ImplausibleJump, rejected.Rejection.Reason);
        Assert.InRange(run.State.OdometerKm, 0.199, 0.201);
        Assert.Null(run.State.JumpCandidate);
        Assert.Equal([good.FixTime, next.FixTime], run.Positions.Select(position => position.FixTime));
    }

    [Fact]
    public void When_the_fix_after_a_jump_agrees_with_it_the_previous_fix_was_the_outlier_and_its_distance_is_taken_back()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var start = device.Fix(0, Home, speedKmh: 0);

        // 4 km in a minute is plausible on its own; only the next two fixes show it was wrong.
        var wrong = device.Fix(60, GeoMath.Offset(Home, 4_000, 90), speedKmh: 60);
        var rightAgain = GeoMath.Offset(Home, 100, 0);
        var rejectedButRight = device.Fix(61, rightAgain, speedKmh: 60);
        var confirming = device.Fix(63, GeoMath.Offset(rightAgain, 50, 0), speedKmh: 60);

        run.OneByOne([start, wrong]);
        Assert.InRange(run.State.OdometerKm, 3.99, 4.01);
        run.OneByOne([rejectedButRight, confirming]);

        var rejected = Assert.Single(run.Rejections);
        Assert.Same(rejectedButRight, rejected.Fix);
        Assert.Equal(RejectionReason.ImplausibleJump, rejected.Rejection.Reason);
        Assert.InRange(run.State.OdometerKm, 0.049, 0.051);
        Assert.Equal(run.State.OdometerKm, run.Positions[^1].OdometerKm);
        Assert.Equal(confirming.FixTime, run.State.LastFix!.Time);
        Assert.Null(run.State.JumpCandidate);
    }

    [Fact]
    public void A_fix_that_jumps_from_both_the_last_fix_and_the_rejected_one_is_rejected_too()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var first = device.Fix(0, Home, speedKmh: 0);
        var east = device.Fix(10, GeoMath.Offset(Home, 5_000, 90), speedKmh: 0);
        var west = device.Fix(20, GeoMath.Offset(Home, 5_000, 270), speedKmh: 0);

        run.OneByOne([first, east, west]);

        Assert.Equal([east, west], run.Rejections.Select(rejection => rejection.Fix));
        Assert.All(run.Rejections, rejection => Assert.Equal(RejectionReason.ImplausibleJump, rejection.Rejection.Reason));
        Assert.Equal(0, run.State.OdometerKm);
        Assert.Equal(first.FixTime, run.State.LastFix!.Time);
    }

    private static void AssertVerdict(PipelineRun run, TelemetryFix fix, bool rejected, RejectionReason reason, string code)
    {
        if (rejected)
        {
            AssertRejected(run, fix, reason, code);
        }
        else
        {
            Assert.Empty(run.Rejections);
            Assert.Contains(run.Positions, position => position.FixTime == fix.FixTime && !position.IsLate);
        }
    }

    private static void AssertRejected(PipelineRun run, TelemetryFix fix, RejectionReason reason, string code)
    {
        var rejected = Assert.Single(run.Rejections);
        Assert.Same(fix, rejected.Fix);
        Assert.Equal(reason, rejected.Rejection.Reason);
        Assert.Equal(code, rejected.Rejection.Reason.ToCode());
        Assert.Equal(fix.DeviceId, rejected.Rejection.DeviceId);
        Assert.DoesNotContain(run.Positions, position => position.FixTime == fix.FixTime);
        Assert.Equal(0, run.Duplicates);
    }

    [Fact]
    public void A_crash_reported_with_a_position_too_poor_to_use_still_raises_its_alert_at_the_last_known_position()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());
        var good = device.Fix(0, FixStream.Origin, 30);
        run.OneByOne([good, device.Fix(5, new Fleet.Core.Geo.GeoPoint(91, 0), 30, events: DeviceEvents.Crash)]);

        var rejected = Assert.Single(run.Rejections);
        Assert.Equal(RejectionReason.InvalidCoordinates, rejected.Rejection.Reason);
        var alert = Assert.Single(run.RaisedAlerts);
        Assert.Equal(("driver_event", "critical", "crash"), (alert.Type, alert.Severity, alert.Data!.DriverEvent));
        Assert.Equal((good.Position.Latitude, good.Position.Longitude), (alert.Data.Latitude!.Value, alert.Data.Longitude!.Value));
    }
}
