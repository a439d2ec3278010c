using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;
using Fleet.Core.Tests.Timers;
using Fleet.Core.Timers;

namespace Fleet.Core.Tests.Processing;

/// <summary>
/// The alert outbox (issue 17, items 3, 5 and 6): an alert sink that fails after the commit costs the batch nothing,
/// its alerts wait in the outbox unannounced, and <see cref="AlertOutboxHandler"/> writes, clears and announces them
/// once the sink answers, without clearing a version committed meanwhile.
/// </summary>
public sealed class AlertOutboxTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_failing_alert_sink_leaves_the_batch_committed_and_its_alerts_pending_and_unannounced()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        rig.AlertWriteFailure = new IOException("Table Storage unavailable");

        var result = await rig.Handler.HandleAsync(SpeedingDrive.Batch(), None);

        Assert.IsType<IOException>(result.AlertDeliveryFailure);
        Assert.True(result.Alerts > 0);
        Assert.Equal(result.Alerts, result.AlertsPending);
        var stored = FleetSnapshot.Of(rig.Harness, "c-1");
        Assert.Equal(clean.Positions, stored.Positions);
        Assert.Equal(clean.States, stored.States);
        Assert.Equal(clean.Trips, stored.Trips);
        Assert.Empty(stored.Alerts);
        Assert.Equal(clean.Alerts.Select(alert => alert.Alert).OrderBy(alert => alert.Id, StringComparer.Ordinal), Pending(rig.Harness));

        // Everything but the announcements of alerts nobody can read yet.
        var published = rig.Harness.Publisher.Messages;
        Assert.DoesNotContain(published, message => message.Envelope.Type == RealtimeMessageTypes.Alert);
        Assert.Contains(published, message => message.Envelope.Type == RealtimeMessageTypes.VehicleLocationUpdate);
        Assert.Contains(published, message => message.Envelope.Type == RealtimeMessageTypes.TripUpdate);
        Assert.Equal(published.Count, result.RealtimeMessages);
    }

    [Fact]
    public async Task The_outbox_delivers_the_alerts_once_the_sink_answers_and_announces_them_without_seq()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        rig.AlertWriteFailure = new IOException("Table Storage unavailable");
        var batch = await rig.Handler.HandleAsync(SpeedingDrive.Batch(), None);
        var before = rig.Harness.Publisher.Messages.Count;

        rig.Harness.Clock.Advance(TimerHarness.PastGracePeriod);
        var result = await rig.Harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal(new AlertOutboxResult(batch.Alerts, 0, null, 0, null), result);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
        Assert.Empty(rig.Harness.PendingAlerts());
        var announced = rig.Harness.Publisher.Messages.Skip(before).ToList();
        Assert.Equal(batch.Alerts, announced.Count);
        Assert.All(announced, message =>
        {
            Assert.Equal((RealtimeMessageTypes.Alert, RealtimeGroups.Company("c-1"), (long?)null), (message.Envelope.Type, message.Target.Name, message.Envelope.Seq));
            Assert.False(((AlertPayload)message.Envelope.Data).Read);
        });
        Assert.Equal(
            clean.Alerts.Select(alert => alert.Alert.Id).Order(StringComparer.Ordinal),
            announced.Select(message => ((AlertPayload)message.Envelope.Data).Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Alerts_younger_than_the_grace_period_are_left_to_the_batch_that_committed_them()
    {
        var rig = SpeedingDrive.NewRig();
        rig.AlertWriteFailure = new IOException("Table Storage unavailable");
        await rig.Handler.HandleAsync(SpeedingDrive.Batch(), None);

        rig.Harness.Clock.Advance(AlertOutboxHandler.GracePeriod);
        var result = await rig.Harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal(0, result.Delivered);
        Assert.NotEmpty(rig.Harness.PendingAlerts());
        Assert.Empty(rig.Harness.Alerts.AllOf("c-1"));
    }

    [Fact]
    public async Task A_sink_still_failing_leaves_the_outbox_as_it_was_and_is_reported()
    {
        var rig = SpeedingDrive.NewRig();
        var down = new IOException("Table Storage unavailable");
        rig.AlertWriteFailure = down;
        await rig.Handler.HandleAsync(SpeedingDrive.Batch(), None);
        var pending = rig.Harness.PendingAlerts();

        rig.Harness.Clock.Advance(TimerHarness.PastGracePeriod);
        var result = await rig.Harness.AlertOutbox(rig).DeliverAsync(None);

        Assert.Equal(new AlertOutboxResult(0, 0, down, pending.Count, null), result);
        Assert.Equal(pending, rig.Harness.PendingAlerts());
        Assert.DoesNotContain(rig.Harness.Publisher.Messages, message => message.Envelope.Type == RealtimeMessageTypes.Alert);
    }

    [Fact]
    public async Task A_replay_of_a_batch_whose_alerts_are_pending_raises_nothing_new()
    {
        var rig = SpeedingDrive.NewRig();
        rig.AlertWriteFailure = new IOException("Table Storage unavailable");
        await rig.Handler.HandleAsync(SpeedingDrive.Batch(), None);
        var pending = rig.Harness.PendingAlerts();
        var published = rig.Harness.Publisher.Messages.Count;

        rig.AlertWriteFailure = null;
        var replay = await rig.Handler.HandleAsync(SpeedingDrive.Batch(), None);

        Assert.Equal(0, replay.Positions + replay.Alerts + replay.TripChanges + replay.AlertsPending);
        Assert.Null(replay.AlertDeliveryFailure);
        Assert.Equal(pending, rig.Harness.PendingAlerts());
        Assert.Equal(published, rig.Harness.Publisher.Messages.Count);
    }

    [Fact]
    public async Task A_version_committed_while_an_older_one_is_delivered_stays_pending_for_its_own_delivery()
    {
        var harness = new FleetHarness();
        var open = TimerHarness.Alert("a-1", "c-1", AlertSeverity.High, FixStream.Start, TimeSpan.FromDays(7)) with { Final = false };
        var closed = open with { Message = "Closed by a newer batch.", Final = true };
        await CommitAsync(harness, open, harness.Clock.GetUtcNow() - TimerHarness.PastGracePeriod);

        // Another batch commits the closed version while the open one is being written to the sink.
        var sink = new SinkCommittingMeanwhile(harness, closed);
        var first = await harness.AlertOutbox(sink).DeliverAsync(None);

        Assert.Equal(1, first.Delivered);
        Assert.Equal(open, Assert.Single(harness.Alerts.AllOf("c-1")).Alert);
        Assert.Equal([closed], harness.PendingAlerts());

        harness.Clock.Advance(TimerHarness.PastGracePeriod);
        await harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal(closed, Assert.Single(harness.Alerts.AllOf("c-1")).Alert);
        Assert.Empty(harness.PendingAlerts());
    }

    [Fact]
    public async Task A_version_that_is_not_final_never_replaces_a_final_one_in_the_outbox()
    {
        var harness = new FleetHarness();
        var open = TimerHarness.Alert("a-1", "c-1", AlertSeverity.High, FixStream.Start, TimeSpan.FromDays(7)) with { Final = false };
        var closed = open with { Message = "Closed.", Final = true };
        await CommitAsync(harness, open, FixStream.Start);
        await CommitAsync(harness, closed, FixStream.Start);

        await CommitAsync(harness, open, FixStream.Start);

        Assert.Equal([closed], harness.PendingAlerts());
    }

    [Fact]
    public async Task Alerts_that_expired_while_pending_are_cleared_without_being_written_or_announced()
    {
        var harness = new FleetHarness();
        var now = harness.Clock.GetUtcNow();
        var expired = TimerHarness.Alert("a-old", "c-1", AlertSeverity.Low, now - TimeSpan.FromDays(8), TimeSpan.FromDays(7));
        var live = TimerHarness.Alert("a-new", "c-1", AlertSeverity.Low, now - TimeSpan.FromDays(1), TimeSpan.FromDays(7));
        await CommitAsync(harness, expired, now - TimeSpan.FromDays(1));
        await CommitAsync(harness, live, now - TimeSpan.FromDays(1));

        var result = await harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal((1, 1), (result.Delivered, result.Expired));
        Assert.Equal(["a-new"], (await harness.Alerts.ListAsync("c-1", new AlertQuery(10, false, now), None)).Items.Select(stored => stored.Alert.Id));
        Assert.Null(await harness.Alerts.GetAsync("c-1", "a-old", None));
        Assert.Equal(["a-new"], harness.Publisher.MessagesOf(RealtimeMessageTypes.Alert).Select(message => ((AlertPayload)message.Envelope.Data).Id));
        Assert.Empty(harness.PendingAlerts());
    }

    [Fact]
    public async Task A_shutdown_that_cancels_the_alert_write_after_the_commit_leaves_the_alerts_pending_with_their_positions()
    {
        var clean = await SpeedingDrive.CleanRunAsync();
        var rig = SpeedingDrive.NewRig();
        using var shutdown = new CancellationTokenSource();
        rig.BeforeFirstCommit = () => shutdown.CancelAsync();
        rig.AlertWriteFailure = new OperationCanceledException(shutdown.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rig.Handler.HandleAsync(SpeedingDrive.Batch(), shutdown.Token));

        Assert.Equal(clean.Positions, rig.Harness.Store.PositionsOf("c-1", "v-1"));
        Assert.Empty(rig.Harness.Alerts.AllOf("c-1"));
        Assert.Equal(clean.Alerts.Select(alert => alert.Alert).OrderBy(alert => alert.Id, StringComparer.Ordinal), Pending(rig.Harness));
        Assert.DoesNotContain("publish", rig.Log);

        rig.Harness.Clock.Advance(TimerHarness.PastGracePeriod);
        await rig.Harness.AlertOutbox().DeliverAsync(None);
        FleetSnapshot.Of(rig.Harness, "c-1").AssertEqual(clean);
    }

    [Fact]
    public async Task An_alert_the_store_lost_after_acknowledging_it_is_written_again_once_settled_and_then_forgotten()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var batch = await harness.SendAsync(SpeedingDrive.Batch());
        var stored = harness.Alerts.AllOf("c-1");
        var lost = stored[0].Alert;

        // Azurite killed within its autosave interval: the write it acknowledged is gone.
        await harness.Alerts.DeleteAsync("c-1", lost.Id, None);
        var announcedBefore = harness.Publisher.Messages.Count;
        var early = await harness.AlertOutbox().DeliverAsync(None);
        harness.Clock.Advance(AlertOutboxHandler.SettlePeriod + TimeSpan.FromSeconds(1));
        var settled = await harness.AlertOutbox().DeliverAsync(None);
        var afterwards = await harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal(0, early.Confirmed);
        Assert.Equal(batch.Alerts, settled.Confirmed);
        Assert.Equal(0, afterwards.Confirmed);
        Assert.Equal(stored.Select(alert => alert.Alert.Id).Order(StringComparer.Ordinal), harness.Alerts.AllOf("c-1").Select(alert => alert.Alert.Id).Order(StringComparer.Ordinal));
        Assert.Equal(announcedBefore, harness.Publisher.Messages.Count);
    }

    [Fact]
    public async Task An_alert_a_user_deleted_is_not_written_again_when_the_delivered_ones_are_confirmed()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendAsync(SpeedingDrive.Batch());
        var deleted = harness.Alerts.AllOf("c-1")[0].Alert;
        var api = new Fleet.Core.Api.AlertsApiHandler(harness.Alerts, harness.Store, harness.Publisher, harness.Directory, harness.Clock);

        var answer = await api.DeleteAsync(new Fleet.Core.Api.FleetCaller("u-1", "c-1", Fleet.Core.Api.FleetRole.Dispatcher, new HashSet<string>()), deleted.Id, None);
        harness.Clock.Advance(AlertOutboxHandler.SettlePeriod + TimeSpan.FromSeconds(1));
        await harness.AlertOutbox().DeliverAsync(None);

        Assert.Equal(204, answer.Status);
        Assert.DoesNotContain(harness.Alerts.AllOf("c-1"), alert => alert.Alert.Id == deleted.Id);
    }

    [Fact]
    public async Task An_alert_the_sink_always_refuses_holds_back_no_other_alert()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var at = harness.Clock.GetUtcNow();
        var alerts = Enumerable.Range(1, 3)
            .Select(index => new Alert($"a-{index}", "c-1", AlertType.SpeedViolation, AlertSeverity.High, "Speeding", "over", at, at, at.AddDays(1)))
            .ToList();
        foreach (var alert in alerts)
        {
            await CommitAsync(harness, alert, at);
        }

        harness.Clock.Advance(TimerHarness.PastGracePeriod);
        var result = await harness.AlertOutbox(new RefusingSink(harness.Alerts, "a-1")).DeliverAsync(None);

        Assert.Equal((2, 1), (result.Delivered, result.Undelivered));
        Assert.IsType<InvalidDataException>(result.SinkFailure);
        Assert.Equal(["a-2", "a-3"], harness.Alerts.AllOf("c-1").Select(stored => stored.Alert.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["a-1"], harness.PendingAlerts().Select(alert => alert.Id));
    }

    /// <summary>Refuses, as Table Storage refuses an entity it will never take, any write that holds one alert.</summary>
    private sealed class RefusingSink(IAlertSink inner, string refusedId) : IAlertSink
    {
        public Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) =>
            alerts.Any(alert => alert.Id == refusedId)
                ? Task.FromException(new InvalidDataException($"Alert {refusedId} is refused."))
                : inner.UpsertAsync(alerts, cancellationToken);
    }

    private static IEnumerable<Alert> Pending(FleetHarness harness) => harness.PendingAlerts().OrderBy(alert => alert.Id, StringComparer.Ordinal);

    private static async Task CommitAsync(FleetHarness harness, Alert alert, DateTimeOffset recordedAt) =>
        Assert.True((await harness.Store.CommitAsync(new TelemetryCommit([], [], [], [], [], [alert], new Dictionary<string, int>(), recordedAt), None)).Committed);

    /// <summary>Writes to the harness's alert store, and first commits a newer version of an alert, as a concurrent batch would.</summary>
    private sealed class SinkCommittingMeanwhile(FleetHarness harness, Alert newer) : IAlertSink
    {
        public async Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            await CommitAsync(harness, newer, harness.Clock.GetUtcNow());
            await harness.Alerts.UpsertAsync(alerts, cancellationToken);
        }
    }
}
