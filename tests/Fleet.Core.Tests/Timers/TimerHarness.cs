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
        harness.Publisher,
        harness.Followers,
        progress ?? new UnknownProcessingProgress(),
        harness.Clock);

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

/// <summary>
/// Sits between the sweep and the harness's stores: records the order of the effects, lets another writer in before
/// the first commit, and fails where a test says.
/// </summary>
internal sealed class InterceptingStores : IAlertSink, ITelemetryStore, IRealtimePublisher
{
    private bool _firstCommit = true;

    public InterceptingStores(FleetHarness harness)
    {
        Harness = harness;
        Sweep = new OfflineSweepHandler(
            harness.Directory, harness.Directory, harness.Store, this, this, this, harness.Followers, new UnknownProcessingProgress(), harness.Clock);
    }

    public FleetHarness Harness { get; }

    public OfflineSweepHandler Sweep { get; }

    public List<string> Log { get; } = [];

    public Func<Task>? BeforeFirstCommit { get; set; }

    public bool FailCommit { get; set; }

    public bool FailPublish { get; set; }

    public Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        Log.Add("alerts");
        return Harness.Alerts.UpsertAsync(alerts, cancellationToken);
    }

    public async Task<CommitResult> CommitAsync(TelemetryCommit commit, CancellationToken cancellationToken)
    {
        Log.Add("commit");
        if (_firstCommit && BeforeFirstCommit is { } concurrentWriter)
        {
            _firstCommit = false;
            await concurrentWriter();
        }

        return FailCommit ? throw new IOException("connection lost before the commit") : await Harness.Store.CommitAsync(commit, cancellationToken);
    }

    public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
    {
        Log.Add("publish");
        return FailPublish ? throw new HttpRequestException("realtime service unavailable") : Harness.Publisher.PublishAsync(messages, cancellationToken);
    }
}
