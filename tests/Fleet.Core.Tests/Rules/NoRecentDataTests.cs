using Fleet.Core.Geo;
using Fleet.Core.Realtime;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

/// <summary>
/// A vehicle whose reports stop has no recent data after a few of its own report intervals, long before it counts as
/// offline; an offline one shows no speed (issue 18).
/// </summary>
public sealed class NoRecentDataTests
{
    private static readonly GeoPoint Home = FixStream.Origin;

    [Fact]
    public void The_report_interval_is_learned_from_the_fixes_and_one_missed_report_or_burst_does_not_move_it()
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context);
        var device = new FixStream("dev-1");
        var seconds = 0.0;
        (double After, double Learned)[] steps =
        [
            (10, 10), (10, 10), (10, 10),
            (20, 10), // one report missed
            (1, 10), // a burst
            (60, 20), (60, 60), // a new rate (parked), followed from its second report
            (31 * 60, 60), // an absence longer than the data gap is no rate
            (60, 60),
        ];

        run.OneByOne([device.Fix(seconds, Home, 0)]);
        Assert.Null(run.State.Cadence);
        foreach (var (after, learned) in steps)
        {
            seconds += after;
            run.OneByOne([device.Fix(seconds, Home, 0)]);

            Assert.Equal(TimeSpan.FromSeconds(learned), context.Settings.ExpectedReportInterval(run.State.Cadence));
        }
    }

    [Theory]
    [InlineData(new double[0], 20.0, 20.0)]
    [InlineData(new double[0], null, 30.0)]
    [InlineData(new double[] { 5, 7, 6 }, 20.0, 6.0)]
    [InlineData(new double[] { 5, 7 }, null, 7.0)]
    [InlineData(new double[] { 5, 7, 6, 8 }, null, 7.0)]
    public void The_expected_interval_is_the_median_of_the_last_three_else_the_configured_one_else_the_companys_default(
        double[] intervalsSeconds, double? configuredSeconds, double expectedSeconds)
    {
        var vehicle = TestFleet.Vehicle(expectedReportInterval: configuredSeconds is { } configured ? TimeSpan.FromSeconds(configured) : null);
        var settings = new VehicleRuleSettings(RuleSettings.Default, vehicle);
        ReportCadence? cadence = null;
        foreach (var interval in intervalsSeconds)
        {
            cadence = ReportCadence.Learn(cadence, TimeSpan.FromSeconds(interval), RuleSettings.Default.Trips.MaxDataGap);
        }

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), settings.ExpectedReportInterval(cadence));
    }

    [Theory]
    [InlineData(10, 45, false)]
    [InlineData(10, 46, true)]
    [InlineData(30, 90, false)]
    [InlineData(30, 91, true)]
    [InlineData(120, 360, false)]
    public void A_vehicle_has_no_recent_data_after_three_of_its_intervals_and_at_least_45_s_of_silence(
        double intervalSeconds, double silenceSeconds, bool noRecentData)
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context).OneByOne(new FixStream("dev-1").Drive(0, 10 * intervalSeconds, Home, 0, 35, intervalSeconds));
        var lastSeen = run.State.LastSeen!.Value;

        Assert.Equal(noRecentData, run.State.HasNoRecentData(context.Settings, lastSeen.AddSeconds(silenceSeconds)));
    }

    [Fact]
    public void Silence_is_measured_from_when_the_broker_last_received_an_event_and_a_vehicle_never_heard_from_has_none()
    {
        var context = TestFleet.Context();
        var device = new FixStream("dev-1");
        var buffered = Track.Received(device.Fix(10, Home, 0), FixStream.At(600));
        var run = new PipelineRun(context).OneByOne([device.Fix(0, Home, 0), buffered]);

        Assert.False(run.State.HasNoRecentData(context.Settings, FixStream.At(645)));
        Assert.True(run.State.HasNoRecentData(context.Settings, FixStream.At(646)));
        Assert.False(VehicleState.Initial(context.Vehicle).HasNoRecentData(context.Settings, FixStream.At(86_400)));
    }

    [Fact]
    public void The_company_sets_how_many_missed_reports_and_how_short_a_silence_mean_no_recent_data()
    {
        var rules = RuleSettings.Default with { Offline = RuleSettings.Default.Offline with { MissedReportsBeforeNoRecentData = 2, MinNoRecentDataAfter = TimeSpan.FromSeconds(10) } };
        var context = TestFleet.Context(rules: rules);
        var run = new PipelineRun(context).OneByOne(new FixStream("dev-1").Drive(0, 60, Home, 0, 35, 6));
        var lastSeen = run.State.LastSeen!.Value;

        Assert.Equal(TimeSpan.FromSeconds(12), context.Settings.NoRecentDataAfter(run.State.Cadence));
        Assert.False(run.State.HasNoRecentData(context.Settings, lastSeen.AddSeconds(12)));
        Assert.True(run.State.HasNoRecentData(context.Settings, lastSeen.AddSeconds(13)));
    }

    [Fact]
    public void Live_positions_tell_the_page_how_long_the_vehicle_may_be_silent()
    {
        var outcome = new PipelineRun(TestFleet.Context()).Batch(new FixStream("dev-1").Drive(0, 100, Home, 0, 35, 10));

        var plan = RealtimePlan.Compose([outcome], [], new HashSet<string> { TestFleet.VehicleId });
        var messages = plan.Stamp(plan.SequenceCounts.ToDictionary(pair => pair.Key, pair => (long)pair.Value), FixStream.Start);

        var positions = messages.Where(message => message.Envelope.Type == RealtimeMessageTypes.VehicleLocationUpdate)
            .SelectMany(message => (LocationPayload[])message.Envelope.Data).ToList();
        Assert.Equal(12, positions.Count);
        Assert.All(positions, position => Assert.Equal(45, position.NoRecentDataAfterSeconds));
    }

    [Fact]
    public void An_offline_vehicle_shows_no_speed_where_it_is_shown_as_it_is_now()
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context).OneByOne(new FixStream("dev-1").Drive(0, 100, Home, 0, 35, 10));
        var last = run.State.LastFix!;
        var position = new PositionRecord(last.Fix, TestFleet.VehicleId, TestFleet.CompanyId, last.OdometerKm, IsLate: false);

        run.Sweep(run.State.LastSeen!.Value.AddMinutes(5));

        Assert.Equal(VehicleStatus.Offline, run.State.Status);
        Assert.Null(TrackedVehiclePayload.From(position, run.State.Status).SpeedKmh);
        Assert.Null(LocationPayload.From(position, run.State.Status, context.Settings.NoRecentDataAfter(run.State.Cadence)).SpeedKmh);
        Assert.Equal(35, TrackedVehiclePayload.From(position, VehicleStatus.Moving).SpeedKmh);
    }
}
