using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;
using Fleet.Core.Timers;

namespace Fleet.Core.Tests.Timers;

/// <summary>The timer handlers on a <see cref="FleetHarness"/>'s in-memory stores, clock and recording publisher.</summary>
internal static class TimerHarness
{
    public static OfflineSweepHandler OfflineSweep(this FleetHarness harness, IProcessingProgress? progress = null) => new(
        harness.Directory,
        harness.Directory,
        harness.Store,
        harness.Alerts,
        harness.Store,
        harness.Store,
        harness.Publisher,
        harness.Followers,
        progress ?? new UnknownProcessingProgress(),
        harness.Clock);

    /// <summary>Long enough for a record in the outbox to be older than <see cref="AlertOutboxHandler.GracePeriod"/>.</summary>
    public static readonly TimeSpan PastGracePeriod = AlertOutboxHandler.GracePeriod + TimeSpan.FromSeconds(1);

    /// <summary>The alert outbox's delivery into <paramref name="sink"/>, the harness's alert store by default.</summary>
    public static AlertOutboxHandler AlertOutbox(this FleetHarness harness, IAlertSink? sink = null) =>
        new(harness.Store, sink ?? harness.Alerts, harness.Publisher, harness.Clock);

    /// <summary>Every alert the outbox holds, however recently recorded.</summary>
    public static IReadOnlyList<Alert> PendingAlerts(this FleetHarness harness) =>
        harness.Store.PendingAsync(DateTimeOffset.MaxValue, int.MaxValue, CancellationToken.None).GetAwaiter().GetResult();

    public static DashboardBroadcastHandler Dashboard(this FleetHarness harness) =>
        new(harness.Directory, harness.Directory, harness.Store, harness.Alerts, harness.Publisher, harness.Clock);

    /// <summary>The fixes as one batch, with the stream positions the <see cref="FixStream"/> gave them.</summary>
    public static Task SendFixesAsync(this FleetHarness harness, string deviceId, IReadOnlyList<TelemetryFix> fixes) =>
        harness.SendAsync(TelemetryJson.Events(deviceId, fixes, fixes[0].Source.SequenceNumber));

    public static IReadOnlyList<RealtimeMessage> MessagesOf(this RecordingPublisher publisher, string type) =>
        [.. publisher.Messages.Where(message => message.Envelope.Type == type)];

    /// <summary>Status changes to offline, wherever they were sent.</summary>
    public static IReadOnlyList<RealtimeMessage> WentOffline(this RecordingPublisher publisher) =>
        [.. publisher.MessagesOf(RealtimeMessageTypes.VehicleStatusUpdate).Where(message => ((StatusPayload)message.Envelope.Data).Status == "offline")];

    public static IReadOnlyList<Alert> OfflineAlertsOf(this IAlertStore store, string companyId) =>
        [.. store.AllOf(companyId).Select(stored => stored.Alert).Where(alert => alert.Type == AlertType.VehicleOffline)];

    public static Alert Alert(string id, string companyId, AlertSeverity severity, DateTimeOffset raisedAt, TimeSpan timeToLive) =>
        new(id, companyId, AlertType.SystemError, severity, "Test", "Raised by a test.", raisedAt, raisedAt, raisedAt + timeToLive);
}
