using System.Globalization;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Pipeline;
using Fleet.Core.Realtime;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Geofencing;

/// <summary>Geofence enter/exit through the whole vehicle pipeline, observed as a dispatcher would see it.</summary>
public sealed class GeofenceTrackerTests
{
    private const string ZoneId = "g-zone";
    private static readonly GeoPoint Center = GeoMath.Offset(FixStream.Origin, 2_000, 0);

    [Theory]
    [InlineData(-1, 30, 40)]
    [InlineData(60, 30, 70)]
    [InlineData(10, 30, 20)]
    [InlineData(-1, 15, 25)]
    [InlineData(45, 15, 55)]
    public void Enter_is_confirmed_once_the_dwell_has_passed_and_dated_at_the_first_fix_inside(
        int fenceDwellSeconds, int defaultDwellSeconds, int confirmedAtSeconds)
    {
        var rules = RuleSettings.Default with { Geofences = new GeofenceSettings { DefaultDwell = TimeSpan.FromSeconds(defaultDwellSeconds) } };
        var run = new PipelineRun(TestFleet.Context(fences: [Zone(dwell: Seconds(fenceDwellSeconds))], rules: rules));
        var device = new FixStream("dev-1");
        var fixes = new List<TelemetryFix> { device.Fix(0, North(-350), 30) };
        fixes.AddRange(device.Park(10, 90, North(-100), intervalSeconds: 5));

        var emittedAt = new List<double>();
        foreach (var fix in fixes)
        {
            var seconds = (fix.FixTime - FixStream.Start).TotalSeconds;
            var outcome = run.Batch([fix]);
            emittedAt.AddRange(outcome.Notices.Where(notice => notice.Data is GeofencePayload).Select(_ => seconds));
            if (seconds >= 10 && seconds < confirmedAtSeconds)
            {
                Assert.Equal(
                    [(ZoneId, false, (DateTimeOffset?)FixStream.At(10))],
                    run.State.Geofences.Select(membership => (membership.FenceId, membership.Inside, membership.PendingSince)));
            }
        }

        Assert.Equal([(double)confirmedAtSeconds], emittedAt);
        var enter = Assert.Single(GeofenceNotices(run));
        Assert.Equal((ZoneId, "enter", FixStream.At(10), false), (enter.GeofenceId, enter.Transition, enter.Time, enter.Crossing));
        Assert.Equal([new GeofenceMembership(ZoneId, true, null)], run.State.Geofences.ToArray());
    }

    [Theory]
    [InlineData(-1, 160)]
    [InlineData(60, 190)]
    [InlineData(10, 140)]
    public void Exit_is_confirmed_once_the_dwell_has_passed_and_dated_at_the_first_fix_outside(int fenceDwellSeconds, int confirmedAtSeconds)
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone(dwell: Seconds(fenceDwellSeconds))]));
        var device = new FixStream("dev-1");
        run.OneByOne(device.Park(0, 120, North(-100), intervalSeconds: 5));
        Assert.Equal([new GeofenceMembership(ZoneId, true, null)], run.State.Geofences.ToArray());

        var emittedAt = new List<double>();
        foreach (var fix in device.Park(130, 170, North(-350), intervalSeconds: 5))
        {
            var outcome = run.Batch([fix]);
            emittedAt.AddRange(outcome.Notices.Where(notice => notice.Data is GeofencePayload).Select(_ => (fix.FixTime - FixStream.Start).TotalSeconds));
        }

        Assert.Equal([(double)confirmedAtSeconds], emittedAt);
        Assert.Equal(["enter@0", "exit@130"], Transitions(run));
        Assert.Empty(run.State.Geofences.ToArray());
    }

    [Fact]
    public void A_second_fix_inside_long_after_the_first_confirms_the_enter_dated_at_the_first()
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone()]));
        var device = new FixStream("dev-1");

        run.OneByOne([device.Fix(0, North(-350), 30), device.Fix(10, North(-100), 0), device.Fix(600, North(-90), 0)]);

        Assert.Equal(["enter@10"], Transitions(run));
    }

    // Each character is one fix, 5 s apart: I is 10 m inside the 200 m radius, O is 10 m outside it.
    [Theory]
    [InlineData("OIOIOIOIOIOIOIOIOIOIO", "")]
    [InlineData("OIIIIIIOIIIIIIOIIIIIIO", "")]
    [InlineData("OOOOIIIIIIOOIIIIIIOOOOOO", "")]
    [InlineData("OIIIIIIOIIIIIIIO", "enter@40")]
    [InlineData("IIIIIIIOOOOOOIOOOOOOIIIII", "enter@0")]
    [InlineData("IIIIIIIOIOIOIOIOIOIOIOIOI", "enter@0")]
    [InlineData("IIIIIIIOOOOOOIOOOOOOOIII", "enter@0 exit@70")]
    public void Jitter_across_the_boundary_shorter_than_the_dwell_does_not_flap(string pattern, string expected)
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone()]));
        var device = new FixStream("dev-1");

        run.OneByOne(pattern.Select((side, i) => device.Fix(i * 5, side == 'I' ? North(-190) : North(-210), 0)));

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), Transitions(run));
    }

    [Theory]
    [InlineData(GeofenceAlertRule.Both, "enter@10 exit@105")]
    [InlineData(GeofenceAlertRule.Enter, "enter@10")]
    [InlineData(GeofenceAlertRule.Exit, "exit@105")]
    [InlineData(GeofenceAlertRule.None, "")]
    public void The_fence_rule_decides_which_transitions_alert_while_membership_is_tracked_regardless(GeofenceAlertRule rule, string expected)
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone(alertOn: rule)]));
        var device = new FixStream("dev-1");
        run.OneByOne([device.Fix(0, North(-350), 30), .. device.Park(10, 50, North(-100), intervalSeconds: 5)]);
        var inside = run.State.Geofences;
        run.OneByOne([.. device.Park(65, 35, North(-100), intervalSeconds: 5), .. device.Park(105, 95, North(-350), intervalSeconds: 5)]);

        Assert.Equal([new GeofenceMembership(ZoneId, true, null)], inside.ToArray());
        Assert.Empty(run.State.Geofences.ToArray());
        var transitions = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(transitions, Transitions(run));
        var alerts = run.RaisedAlerts.Where(alert => alert.Type == "geofence_violation").ToList();
        Assert.Equal(transitions, alerts.Select(alert => Describe(alert.Data!.Transition!, alert.EventTime)));
        Assert.All(alerts, alert => Assert.Equal(ZoneId, alert.Data!.GeofenceId));
        Assert.Equal(GeofenceNotices(run).Select(notice => notice.AlertId), alerts.Select(alert => alert.Id));
    }

    [Fact]
    public void Passing_through_a_fence_between_two_sparse_fixes_counts_as_an_enter_and_an_exit()
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone()]));
        var device = new FixStream("dev-1");

        // 1,200 m north in 2 minutes, straight through the 200 m circle: inside from 400 m to 800 m along the way.
        run.OneByOne([device.Fix(0, North(-600), 36), device.Fix(120, North(600), 36)]);

        var notices = GeofenceNotices(run).ToList();
        Assert.Equal(["enter", "exit"], notices.Select(notice => notice.Transition));
        Assert.All(notices, notice => Assert.True(notice.Crossing));
        Assert.Equal(40, (notices[0].Time - FixStream.Start).TotalSeconds, 0.05);
        Assert.Equal(80, (notices[1].Time - FixStream.Start).TotalSeconds, 0.05);
        Assert.All(notices, notice => Assert.Equal(200, GeoMath.DistanceMeters(Center, new GeoPoint(notice.Latitude, notice.Longitude)), 0.5));

        var alerts = run.RaisedAlerts.Where(alert => alert.Type == "geofence_violation").ToList();
        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(alerts[0].Id, alerts[1].Id);
        Assert.All(alerts, alert => Assert.Contains("passed through", alert.Message, StringComparison.Ordinal));
        Assert.Empty(run.State.Geofences.ToArray());
    }

    [Theory]
    [InlineData(10, -1, false)]
    [InlineData(30, -1, false)]
    [InlineData(31, -1, true)]
    [InlineData(120, -1, true)]
    [InlineData(60, 90, false)]
    [InlineData(90, 90, false)]
    [InlineData(120, 90, true)]
    public void Only_a_gap_longer_than_the_dwell_can_hide_a_visit(int gapSeconds, int fenceDwellSeconds, bool expectCrossing)
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone(radiusMeters: 100, dwell: Seconds(fenceDwellSeconds))]));
        var device = new FixStream("dev-1");

        run.OneByOne([device.Fix(0, North(-300), 50), device.Fix(gapSeconds, North(300), 50)]);

        if (expectCrossing)
        {
            var notices = GeofenceNotices(run).ToList();
            Assert.Equal(["enter", "exit"], notices.Select(notice => notice.Transition));
            Assert.All(notices, notice => Assert.True(notice.Crossing));
            Assert.Equal(gapSeconds / 3.0, (notices[0].Time - FixStream.Start).TotalSeconds, 0.05);
            Assert.Equal(gapSeconds * 2 / 3.0, (notices[1].Time - FixStream.Start).TotalSeconds, 0.05);
        }
        else
        {
            Assert.Empty(GeofenceNotices(run));
        }
    }

    [Fact]
    public void Dense_fixes_hopping_over_fences_never_count_as_crossings()
    {
        // Fixes 500 m apart every 20 s; each fence sits between two of them.
        var start = North(-3_000);
        Geofence[] fences =
        [
            new("g-a", TestFleet.CompanyId, "A", new CircleShape(GeoMath.Offset(start, 250, 0), 60)),
            new("g-b", TestFleet.CompanyId, "B", new CircleShape(GeoMath.Offset(start, 1_250, 0), 60)),
            new("g-c", TestFleet.CompanyId, "C", new PolygonShape(
                [Plane.At(start, -100, 2_200), Plane.At(start, 100, 2_200), Plane.At(start, 100, 2_300), Plane.At(start, -100, 2_300)])),
        ];
        var run = new PipelineRun(TestFleet.Context(fences: fences));

        run.OneByOne(new FixStream("dev-1").Drive(0, 200, start, 0, 90, intervalSeconds: 20));

        Assert.Empty(GeofenceNotices(run));
        Assert.Empty(run.State.Geofences.ToArray());
    }

    [Fact]
    public void A_gap_counts_against_each_fence_own_dwell_when_another_fence_has_a_shorter_one()
    {
        Geofence[] fences =
        [
            new("g-quick", TestFleet.CompanyId, "Quick", new CircleShape(North(-100), 50), Dwell: TimeSpan.FromSeconds(10)),
            new("g-usual", TestFleet.CompanyId, "Usual", new CircleShape(North(100), 50)),
        ];
        var run = new PipelineRun(TestFleet.Context(fences: fences));
        var device = new FixStream("dev-1");

        run.OneByOne([device.Fix(0, North(-300), 50), device.Fix(20, North(300), 50)]);

        Assert.Equal(
            [("g-quick", "enter", true), ("g-quick", "exit", true)],
            GeofenceNotices(run).Select(notice => (notice.GeofenceId, notice.Transition, notice.Crossing)));
    }

    [Theory]
    [InlineData(14, false)]
    [InlineData(18, false)]
    [InlineData(22, true)]
    [InlineData(40, true)]
    public void A_segment_clipping_a_corner_counts_only_with_enough_of_it_inside(double chordMeters, bool expectCrossing)
    {
        // A 400 m square; the segment runs south-east across its north-east corner, cutting off a right triangle.
        var square = new PolygonShape([Local(-200, -200), Local(200, -200), Local(200, 200), Local(-200, 200)]);
        var run = new PipelineRun(TestFleet.Context(fences: [new Geofence(ZoneId, TestFleet.CompanyId, "Square", square)]));
        var device = new FixStream("dev-1");
        var middle = (400 - chordMeters / Math.Sqrt(2)) / 2;
        var along = 600 / Math.Sqrt(2);

        run.OneByOne([device.Fix(0, Local(middle - along, middle + along), 36), device.Fix(120, Local(middle + along, middle - along), 36)]);

        var notices = GeofenceNotices(run).ToList();
        if (expectCrossing)
        {
            Assert.Equal(["enter", "exit"], notices.Select(notice => notice.Transition));
            var insideSeconds = (notices[1].Time - notices[0].Time).TotalSeconds;
            Assert.Equal(chordMeters / 10, insideSeconds, 0.05);
        }
        else
        {
            Assert.Empty(notices);
        }
    }

    [Fact]
    public void A_long_sparse_segment_through_a_small_fence_still_counts()
    {
        // 15 km in 10 minutes; a 12 m circle 24 m across, centred midway between two points a 512-step scan would test.
        var from = North(-7_500);
        var to = North(7_500);
        var gate = new Geofence("g-gate", TestFleet.CompanyId, "Gate", new CircleShape(GeoMath.Interpolate(from, to, 256.5 / 512), 12));
        var run = new PipelineRun(TestFleet.Context(fences: [gate]));
        var device = new FixStream("dev-1");

        run.OneByOne([device.Fix(0, from, 90), device.Fix(600, to, 90)]);

        Assert.Equal(["enter", "exit"], GeofenceNotices(run).Select(notice => notice.Transition));
    }

    // The circle sits in the middle of the segment, either on or halfway between the points a 512-step scan tests.
    [Theory]
    [InlineData(600, false)]
    [InlineData(5_000, false)]
    [InlineData(15_000, true)]
    [InlineData(15_000, false)]
    [InlineData(30_000, false)]
    public void InsideInterval_finds_every_stretch_at_least_the_minimum_long_whatever_the_segment_length(double lengthMeters, bool onScanPoint)
    {
        var from = North(-lengthMeters / 2);
        var to = North(lengthMeters / 2);
        var middle = onScanPoint ? 0.5 : 0.5 + 0.5 / 512;
        var circle = new CircleShape(GeoMath.Interpolate(from, to, middle), 11);

        var interval = GeofenceTracker.InsideInterval(circle, from, to, RuleSettings.Default.Geofences.MinCrossingInsideMeters);

        Assert.NotNull(interval);
        Assert.Equal(22, (interval.Value.Exit - interval.Value.Enter) * lengthMeters, 0.5);
        Assert.Equal(middle, (interval.Value.Enter + interval.Value.Exit) / 2, 1e-4);
    }

    [Theory]
    [InlineData(60, false)]
    [InlineData(60, true)]
    [InlineData(20, false)]
    [InlineData(20, true)]
    public void A_fence_deleted_while_the_vehicle_is_in_it_ends_silently(int secondsInside, bool otherFenceRemains)
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context(fences: [Zone(), Other()]));
        run.OneByOne(device.Park(0, secondsInside, North(-100), intervalSeconds: 5));
        var before = Assert.Single(run.State.Geofences);
        Assert.Equal((ZoneId, secondsInside >= 30), (before.FenceId, before.Inside));

        var withoutZone = TestFleet.Context(fences: otherFenceRemains ? [Other()] : []);
        List<TelemetryFix> later =
        [
            .. device.Park(secondsInside + 5, 120, North(-100), intervalSeconds: 5),
            .. device.Park(secondsInside + 130, 120, North(-350), intervalSeconds: 5),
        ];
        var state = run.State;
        var notices = new List<RealtimeNotice>();
        foreach (var fix in later)
        {
            var outcome = VehiclePipeline.Run(withoutZone, state, [fix]);
            notices.AddRange(outcome.Notices);
            state = outcome.State;
        }

        Assert.DoesNotContain(notices, notice => notice.Type == RealtimeMessageTypes.GeofenceViolationUpdate);
        Assert.DoesNotContain(notices, notice => notice.Data is AlertPayload { Type: "geofence_violation" });
        Assert.Empty(state.Geofences);
    }

    [Theory]
    [InlineData(0, 50.0, 70, 30, ZoneId, 50.0)]
    [InlineData(-5_000, 50.0, 70, 30, null, null)]
    [InlineData(0, 50.0, 70, 5, null, null)]
    [InlineData(0, null, 70, 30, null, null)]
    [InlineData(0, 100.0, 70, 30, null, null)]
    [InlineData(0, 100.0, 95, 30, null, 90.0)]
    public void A_fence_speed_limit_lowers_the_limit_inside_it(
        double startNorthMeters, double? fenceLimitKmh, double speedKmh, double durationSeconds, string? expectedGeofenceId, double? expectedLimitKmh)
    {
        var zone = Zone(radiusMeters: 1_500, speedLimitKmh: fenceLimitKmh);
        var run = new PipelineRun(TestFleet.Context(fences: [zone]));
        var bearing = startNorthMeters < 0 ? 180 : 0;

        run.OneByOne(new FixStream("dev-1").Drive(0, durationSeconds, North(startNorthMeters), bearing, speedKmh));

        var speeding = run.RaisedAlerts.Where(alert => alert.Type == "speed_violation").ToList();
        if (expectedLimitKmh is null)
        {
            Assert.Empty(speeding);
            return;
        }

        var alert = Assert.Single(speeding);
        Assert.Equal(FixStream.At(0), alert.EventTime);
        Assert.Equal(expectedLimitKmh, alert.Data!.SpeedLimitKmh);
        Assert.Equal(expectedGeofenceId, alert.Data.GeofenceId);
    }

    [Fact]
    public void Seventy_in_a_fifty_zone_is_high_severity_and_names_the_zone()
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone(radiusMeters: 1_500, speedLimitKmh: 50)]));

        run.OneByOne(new FixStream("dev-1").Drive(0, 30, Center, 0, 70));

        var alert = Assert.Single(run.RaisedAlerts, alert => alert.Type == "speed_violation");
        Assert.Equal(("high", ZoneId), (alert.Severity, alert.Data!.GeofenceId));
    }

    [Fact]
    public void A_visit_seen_at_a_single_sparse_fix_counts_when_the_estimated_stay_lasted_the_dwell()
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone()]));
        var device = new FixStream("dev-1");

        // One fix a minute at 24 km/h (400 m a minute) straight through the 400 m-wide zone, one fix landing inside.
        run.OneByOne([device.Fix(0, North(-400), 24), device.Fix(60, North(0), 24), device.Fix(120, North(400), 24)]);

        Assert.Equal(["enter@30", "exit@90"], Transitions(run));
        Assert.All(GeofenceNotices(run), notice => Assert.True(notice.Crossing));
        Assert.Empty(run.State.Geofences);
    }

    [Fact]
    public void A_visit_seen_at_a_single_dense_fix_is_jitter_however_it_is_estimated()
    {
        var run = new PipelineRun(TestFleet.Context(fences: [Zone()]));
        var device = new FixStream("dev-1");

        run.OneByOne([device.Fix(0, North(-215), 0), device.Fix(10, North(-185), 0), device.Fix(20, North(-215), 0)]);

        Assert.Empty(Transitions(run));
    }

    private static Geofence Zone(
        double radiusMeters = 200, GeofenceAlertRule alertOn = GeofenceAlertRule.Both, TimeSpan? dwell = null, double? speedLimitKmh = null) =>
        new(ZoneId, TestFleet.CompanyId, "Zone", new CircleShape(Center, radiusMeters), alertOn, speedLimitKmh, dwell);

    private static Geofence Other() =>
        new("g-other", TestFleet.CompanyId, "Elsewhere", new CircleShape(GeoMath.Offset(Center, 20_000, 90), 300));

    private static TimeSpan? Seconds(int seconds) => seconds < 0 ? null : TimeSpan.FromSeconds(seconds);

    private static GeoPoint North(double meters) => GeoMath.Offset(Center, meters, 0);

    private static GeoPoint Local(double east, double north) => Plane.At(Center, east, north);

    private static IEnumerable<GeofencePayload> GeofenceNotices(PipelineRun run) =>
        run.NoticesOf<GeofencePayload>(RealtimeMessageTypes.GeofenceViolationUpdate);

    private static List<string> Transitions(PipelineRun run) =>
        [.. GeofenceNotices(run).Select(notice => Describe(notice.Transition, notice.Time))];

    private static string Describe(string transition, DateTimeOffset time) =>
        string.Create(CultureInfo.InvariantCulture, $"{transition}@{(time - FixStream.Start).TotalSeconds:0.###}");
}
