using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Processing;

/// <summary>
/// Delivering alerts that are already committed in the alert outbox: written to the sink by deterministic id, then
/// marked delivered in the outbox, in that order, so a failure between the two only means a second, harmless upsert
/// later.
/// </summary>
internal static class CommittedAlerts
{
    /// <returns>
    /// Null when written and marked delivered (or nothing to deliver), else why not. A failure is reported, never thrown: the
    /// alerts are committed and stay in the outbox, where <see cref="Timers.AlertOutboxHandler"/> delivers them.
    /// </returns>
    public static async Task<Exception?> DeliverAsync(
        IAlertSink sink, IAlertOutbox outbox, IReadOnlyList<Alert> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (alerts.Count == 0)
        {
            return null;
        }

        try
        {
            await sink.UpsertAsync(alerts, cancellationToken);
            await outbox.MarkDeliveredAsync(alerts, now, cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return exception;
        }
    }

    /// <summary>
    /// The messages without their <c>alert</c> announcements, for when the alerts did not reach the sink: a dashboard
    /// must not be told of an alert it cannot yet read or mark read. The outbox's delivery announces them later. The
    /// <c>seq</c> values the left-out messages took in the commit are skipped: dashboards of the company see the gap and
    /// re-fetch their state (DESIGN 3.2), which is the right reaction to having missed something.
    /// </summary>
    public static IReadOnlyList<RealtimeMessage> WithoutAnnouncements(IReadOnlyList<RealtimeMessage> messages) =>
        [.. messages.Where(message => message.Envelope.Type != RealtimeMessageTypes.Alert)];
}
