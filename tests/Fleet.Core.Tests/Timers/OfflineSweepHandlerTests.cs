using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Tests.Support;
using Fleet.Core.Timers;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Timers;

/// <summary>
/// The offline sweep on the in-memory stores. The harness's clock starts an hour after <see cref="FixStream.Start"/>,
/// so a device that parked at the start has long been silent, and one reporting until the hour has not.
/// </summary>
public sealed class OfflineSweepHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_silent_vehicle_gets_one_offline_alert_and_one_status_update_however_often_the_sweep_runs()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        var sweep = harness.OfflineSweep();

        var results = new List<OfflineSweepResult>();
        for (var run = 0; run < 6; run++)
        {
            results.Add(await sweep.SweepAsync(None));
            harness.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([1, 0, 0, 0, 0, 0], results.Select(result => result.VehiclesMarkedOffline));
        var alert = Assert.Single(harness.Alerts.OfflineAlertsOf("c-1"));
        Assert.Equal((FixStream.At(61), "v-1"), (alert.EventTime, alert.VehicleId));
        var offline = Assert.Single(harness.Publisher.WentOffline());
        Assert.Equal(RealtimeGroups.Company("c-1"), offline.Target.Name);
        Assert.Equal(alert.Id, ((AlertPayload)Assert.Single(harness.Publisher.MessagesOf(RealtimeMessageTypes.Alert)).Envelope.Data).Id);
        Assert.Equal(VehicleStatus.Offline, Assert.Single(harness.Store.StatesOf("c-1")).Status);
    }

    [Fact]
    public async Task Silence_is_judged_only_up_to_where_ingestion_has_processed_a_backlog()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        // Ingestion has handled only a minute past the vehicle's last event; the clock is far beyond.
        var lastSeen = harness.Store.StatesOf("c-1").Single().LastSeen!.Value;
        var behind = new FixedProgress(lastSeen + TimeSpan.FromMinutes(1));
        Assert.True(harness.Clock.GetUtcNow() - lastSeen > TimeSpan.FromMinutes(5));

        var whileBehind = await harness.OfflineSweep(behind).SweepAsync(None);
        var caughtUp = await harness.OfflineSweep(new FixedProgress(harness.Clock.GetUtcNow())).SweepAsync(None);

        Assert.Equal(0, whileBehind.VehiclesMarkedOffline);
        Assert.Equal(1, caughtUp.VehiclesMarkedOffline);
    }

    [Fact]
    public async Task A_vehicle_that_reports_is_not_marked_offline()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1", "dev-2");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        await harness.SendFixesAsync("dev-2", new FixStream("dev-2").Park(3_300, 290, FixStream.Origin));

        var result = await harness.OfflineSweep().SweepAsync(None);

        Assert.Equal(1, result.VehiclesMarkedOffline);
        Assert.Equal(["v-1"], harness.Publisher.WentOffline().Select(message => ((StatusPayload)message.Envelope.Data).VehicleId));
        Assert.Equal(["v-1"], harness.Alerts.OfflineAlertsOf("c-1").Select(alert => alert.VehicleId));
        Assert.NotEqual(VehicleStatus.Offline, harness.Store.StatesOf("c-1").Single(state => state.VehicleId == "v-2").Status);
    }

    [Fact]
    public async Task A_vehicle_back_online_goes_offline_again_only_after_a_new_silence()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var device = new FixStream("dev-1");
        await harness.SendFixesAsync("dev-1", device.Park(0, 60, FixStream.Origin));
        var sweep = harness.OfflineSweep();
        await sweep.SweepAsync(None);

        await harness.SendFixesAsync("dev-1", [device.Fix(3_598, FixStream.Origin, 0)]);
        harness.Clock.Advance(TimeSpan.FromMinutes(4));
        var whileReporting = await sweep.SweepAsync(None);
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var afterSilence = await sweep.SweepAsync(None);

        Assert.Equal((0, 1), (whileReporting.VehiclesMarkedOffline, afterSilence.VehiclesMarkedOffline));
        Assert.Equal(2, harness.Publisher.WentOffline().Count);
        Assert.Equal([FixStream.At(3_599), FixStream.At(61)], harness.Alerts.OfflineAlertsOf("c-1").Select(alert => alert.EventTime));
    }

    [Fact]
    public async Task Each_company_is_told_only_of_its_own_vehicles()
    {
        var harness = new FleetHarness().WithCompany("c-a", "dev-a1", "dev-a2").WithCompany("c-b", "dev-b1");
        harness.Followers.Follow("c-a", "v-a1");
        harness.Followers.Follow("c-b", "v-b1");
        await harness.SendFixesAsync("dev-a1", new FixStream("dev-a1").Park(0, 60, FixStream.Origin));
        await harness.SendFixesAsync("dev-a2", new FixStream("dev-a2").Park(0, 60, FixStream.Origin));
        await harness.SendFixesAsync("dev-b1", new FixStream("dev-b1").Park(3_300, 290, FixStream.Origin));
        var sweep = harness.OfflineSweep();
        var fromBatches = harness.Publisher.Messages.Count;

        await sweep.SweepAsync(None);
        var companyA = harness.Publisher.Messages.Skip(fromBatches).ToList();
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        await sweep.SweepAsync(None);
        var companyB = harness.Publisher.Messages.Skip(fromBatches + companyA.Count).ToList();

        AssertOnlyFor("c-a", ["v-a1", "v-a2"], "v-a1", companyA);
        AssertOnlyFor("c-b", ["v-b1"], "v-b1", companyB);
        Assert.Equal(2, companyA.Count(message => message.Envelope.Type == RealtimeMessageTypes.Alert));
        Assert.Single(companyB, message => message.Envelope.Type == RealtimeMessageTypes.Alert);

        static void AssertOnlyFor(string companyId, string[] vehicles, string followed, IReadOnlyList<RealtimeMessage> messages)
        {
            Assert.NotEmpty(messages);
            foreach (var message in messages)
            {
                Assert.Equal(companyId, message.Envelope.CompanyId);
                Assert.Contains(message.Target.Name, new[] { RealtimeGroups.Company(companyId), RealtimeGroups.Vehicle(companyId, followed) });
                Assert.Contains(
                    message.Envelope.Data switch { StatusPayload status => status.VehicleId, AlertPayload alert => alert.VehicleId, _ => null },
                    vehicles);
            }

            // Riders and customers following a vehicle see its status, never alerts.
            Assert.Single(messages, message => message.Target.Name == RealtimeGroups.Vehicle(companyId, followed));
            Assert.Equal(RealtimeMessageTypes.VehicleStatusUpdate, messages.Single(message => message.Target.Name == RealtimeGroups.Vehicle(companyId, followed)).Envelope.Type);
        }
    }

    [Fact]
    public async Task Sweep_messages_continue_the_companys_sequence()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1", "dev-2");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        await harness.SendFixesAsync("dev-2", new FixStream("dev-2").Park(0, 60, FixStream.Origin));

        var before = harness.Publisher.Messages.Count;

        await harness.OfflineSweep().SweepAsync(None);

        // An alert and a status change per vehicle, numbered after everything the batches published.
        Assert.Equal(4, harness.Publisher.Messages.Count - before);
        var company = harness.Publisher.Messages.Where(message => message.Target.Name == RealtimeGroups.Company("c-1")).ToList();
        Assert.Equal(Enumerable.Range(1, company.Count).Select(seq => (long?)seq), company.Select(message => message.Envelope.Seq));
    }

    [Fact]
    public async Task A_concurrent_report_makes_the_sweep_judge_the_vehicle_again_instead_of_overwriting_it()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1", "dev-2");
        var device = new FixStream("dev-1");
        await harness.SendFixesAsync("dev-1", device.Park(0, 60, FixStream.Origin));
        await harness.SendFixesAsync("dev-2", new FixStream("dev-2").Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness);
        var report = device.Fix(3_598, FixStream.Origin, 0);
        stores.BeforeFirstCommit = () => harness.SendFixesAsync("dev-1", [report]);

        var result = await stores.Sweep.SweepAsync(None);

        Assert.Equal((2, 1), (result.CommitAttempts, result.VehiclesMarkedOffline));
        var states = harness.Store.StatesOf("c-1").ToDictionary(state => state.VehicleId);
        Assert.Equal(report.FixTime, states["v-1"].LastFix?.Time);
        Assert.NotEqual(VehicleStatus.Offline, states["v-1"].Status);
        Assert.Equal(VehicleStatus.Offline, states["v-2"].Status);
        Assert.Equal(["v-2"], harness.Publisher.WentOffline().Select(message => ((StatusPayload)message.Envelope.Data).VehicleId));
        Assert.DoesNotContain(
            harness.Publisher.MessagesOf(RealtimeMessageTypes.Alert), message => ((AlertPayload)message.Envelope.Data).VehicleId == "v-1");
    }

    [Fact]
    public async Task A_vehicle_still_silent_after_a_concurrent_change_goes_offline_from_the_changed_state()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var device = new FixStream("dev-1");
        await harness.SendFixesAsync("dev-1", device.Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness);

        // A backlog being worked through: an event received long ago is processed while the sweep is computing.
        var backlog = device.Fix(200, FixStream.Origin, 0);
        stores.BeforeFirstCommit = () => harness.SendFixesAsync("dev-1", [backlog]);

        var result = await stores.Sweep.SweepAsync(None);

        Assert.Equal((2, 1), (result.CommitAttempts, result.VehiclesMarkedOffline));
        var state = Assert.Single(harness.Store.StatesOf("c-1"));
        Assert.Equal((VehicleStatus.Offline, backlog.FixTime, FixStream.At(201)), (state.Status, state.LastFix?.Time, state.LastSeen));
        Assert.Single(harness.Publisher.WentOffline());
        var announced = (AlertPayload)Assert.Single(harness.Publisher.MessagesOf(RealtimeMessageTypes.Alert)).Envelope.Data;
        Assert.Equal(FixStream.At(201), announced.EventTime);
    }

    [Fact]
    public async Task Two_sweeps_racing_announce_the_vehicle_offline_once()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness);
        OfflineSweepResult? first = null;
        stores.BeforeFirstCommit = async () => first = await harness.OfflineSweep().SweepAsync(None);

        var second = await stores.Sweep.SweepAsync(None);

        Assert.Equal((1, 0, 1), (first!.VehiclesMarkedOffline, second.VehiclesMarkedOffline, second.CommitAttempts));
        Assert.Single(harness.Publisher.WentOffline());
        Assert.Single(harness.Alerts.OfflineAlertsOf("c-1"));
        Assert.Equal(["commit"], stores.Log);
    }

    [Fact]
    public async Task Effects_run_commit_then_alerts_then_publish()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness);

        await stores.Sweep.SweepAsync(None);

        Assert.Equal(["commit", "alerts", "publish"], stores.Log);
        Assert.Empty(harness.PendingAlerts());
    }

    [Fact]
    public async Task A_failed_commit_writes_and_publishes_nothing_and_the_next_sweep_completes_it()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness) { FailBeforeCommit = true };

        await Assert.ThrowsAsync<IOException>(() => stores.Sweep.SweepAsync(None));
        Assert.Empty(harness.Alerts.OfflineAlertsOf("c-1"));
        Assert.Empty(harness.PendingAlerts());
        Assert.Equal(["commit"], stores.Log);
        Assert.Empty(harness.Publisher.WentOffline());

        stores.FailBeforeCommit = false;
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var retry = await stores.Sweep.SweepAsync(None);

        Assert.Equal(1, retry.VehiclesMarkedOffline);
        Assert.Single(harness.Alerts.OfflineAlertsOf("c-1"));
        Assert.Single(harness.Publisher.WentOffline());
    }

    [Fact]
    public async Task A_failing_alert_sink_leaves_the_sweep_committed_and_its_alert_in_the_outbox_unannounced()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness) { AlertWriteFailure = new IOException("Table Storage unavailable") };

        var result = await stores.Sweep.SweepAsync(None);

        Assert.Equal((1, 1), (result.VehiclesMarkedOffline, result.AlertsPending));
        Assert.IsType<IOException>(Assert.Single(result.AlertDeliveryFailures));
        Assert.Equal(VehicleStatus.Offline, Assert.Single(harness.Store.StatesOf("c-1")).Status);
        Assert.Single(harness.Publisher.WentOffline());
        Assert.Empty(harness.Publisher.MessagesOf(RealtimeMessageTypes.Alert));
        var pending = Assert.Single(harness.PendingAlerts());

        harness.Clock.Advance(TimerHarness.PastGracePeriod);
        var delivery = await harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal(1, delivery.Delivered);
        Assert.Equal(pending, Assert.Single(harness.Alerts.OfflineAlertsOf("c-1")));
        Assert.Equal(pending.Id, ((AlertPayload)Assert.Single(harness.Publisher.MessagesOf(RealtimeMessageTypes.Alert)).Envelope.Data).Id);
    }

    [Fact]
    public async Task A_publishing_failure_is_reported_and_the_committed_change_is_not_announced_again()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        var stores = new InterceptingStores(harness) { FailPublish = true };

        var failed = await stores.Sweep.SweepAsync(None);
        stores.FailPublish = false;
        var next = await stores.Sweep.SweepAsync(None);

        Assert.IsType<HttpRequestException>(Assert.Single(failed.RealtimeFailures));
        Assert.Equal(1, failed.VehiclesMarkedOffline);
        Assert.Equal(VehicleStatus.Offline, Assert.Single(harness.Store.StatesOf("c-1")).Status);
        Assert.Equal((0, 0), (next.VehiclesMarkedOffline, next.CommitAttempts));
        Assert.Empty(harness.Publisher.WentOffline());
    }

    [Fact]
    public async Task A_trip_left_open_by_silence_is_closed_stored_and_counted()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Drive(0, 120, FixStream.Origin, 0, 36));
        Assert.Equal(TripStatus.InProgress, Assert.Single(harness.Store.TripsOf("c-1", "v-1")).Status);

        var result = await harness.OfflineSweep().SweepAsync(None);

        Assert.Equal((1, 1), (result.TripsClosed, result.VehiclesMarkedOffline));
        var trip = Assert.Single(harness.Store.TripsOf("c-1", "v-1"));
        Assert.Equal((TripStatus.Completed, FixStream.At(120)), (trip.Status, trip.EndTime));
        Assert.Equal(1, harness.Store.StatsOf("c-1").Sum(stats => stats.TripsCompleted));
        Assert.Single(harness.Publisher.MessagesOf(RealtimeMessageTypes.TripUpdate), message => ((TripPayload)message.Envelope.Data).Status == "completed");
    }

    [Fact]
    public async Task A_removed_vehicle_is_not_swept()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Park(0, 60, FixStream.Origin));
        await harness.Directory.DeleteVehicleAsync("c-1", "v-1", None);

        var result = await harness.OfflineSweep().SweepAsync(None);

        Assert.Equal((0, 0), (result.VehiclesMarkedOffline, result.CommitAttempts));
        Assert.Empty(harness.Publisher.WentOffline());
        Assert.Empty(harness.Alerts.OfflineAlertsOf("c-1"));
    }
}

internal sealed class FixedProgress(DateTimeOffset processedThrough) : IProcessingProgress
{
    public DateTimeOffset ProcessedThrough(DateTimeOffset now) => processedThrough;
}
