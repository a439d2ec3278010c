using Fleet.Core.Timers;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters;

/// <summary>What the timers of both hosts run: the core handlers, with their results logged.</summary>
public sealed partial class FleetTimerJobs(
    DashboardBroadcastHandler dashboard,
    AlertExpiryHandler alertExpiry,
    OfflineSweepHandler offlineSweep,
    AlertOutboxHandler alertOutbox,
    ILogger<FleetTimerJobs> logger)
{
    public async Task BroadcastDashboardsAsync(CancellationToken cancellationToken) =>
        Log.DashboardsSent(logger, await dashboard.BroadcastAsync(cancellationToken));

    public async Task ExpireAlertsAsync(CancellationToken cancellationToken) =>
        Log.AlertsExpired(logger, await alertExpiry.ExpireAsync(cancellationToken));

    public async Task SweepOfflineAsync(CancellationToken cancellationToken)
    {
        var result = await offlineSweep.SweepAsync(cancellationToken);
        Log.OfflineSwept(logger, result.VehiclesMarkedOffline, result.AlertsWritten, result.TripsClosed, result.CommitAttempts);
        foreach (var failure in result.RealtimeFailures)
        {
            Log.SweepNotDelivered(logger, failure);
        }

        foreach (var failure in result.AlertDeliveryFailures)
        {
            Log.SweepAlertsPending(logger, result.AlertsPending, failure);
        }
    }

    public async Task DeliverPendingAlertsAsync(CancellationToken cancellationToken)
    {
        var result = await alertOutbox.DeliverAsync(cancellationToken);
        if (result.Delivered + result.Expired > 0)
        {
            Log.PendingAlertsDelivered(logger, result.Delivered, result.Expired);
        }

        // Every alert is confirmed once in steady state: worth a line only when looking closely.
        Log.DeliveredAlertsConfirmed(logger, result.Confirmed);

        if (result.SinkFailure is { } sinkFailure)
        {
            Log.PendingAlertsNotDelivered(logger, result.Undelivered, sinkFailure);
        }

        if (result.RealtimeFailure is { } realtimeFailure)
        {
            Log.PendingAlertsNotAnnounced(logger, realtimeFailure);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2111, Level = LogLevel.Debug, Message = "Sent the dashboard to {Companies} companies")]
        public static partial void DashboardsSent(ILogger logger, int companies);

        [LoggerMessage(EventId = 2112, Level = LogLevel.Debug, Message = "Deleted {Count} expired alerts")]
        public static partial void AlertsExpired(ILogger logger, int count);

        [LoggerMessage(
            EventId = 2113,
            Level = LogLevel.Debug,
            Message = "Offline sweep: {Vehicles} vehicles went offline, {Alerts} alerts written, {Trips} trips closed, {CommitAttempts} commits tried")]
        public static partial void OfflineSwept(ILogger logger, int vehicles, int alerts, int trips, int commitAttempts);

        [LoggerMessage(EventId = 2114, Level = LogLevel.Warning, Message = "Offline sweep: realtime messages were not delivered (the changes themselves are stored)")]
        public static partial void SweepNotDelivered(ILogger logger, Exception exception);

        [LoggerMessage(
            EventId = 2115,
            Level = LogLevel.Warning,
            Message = "Offline sweep: {Count} alerts were not written to Table Storage; alerts stay in the outbox and are delivered when Table Storage answers")]
        public static partial void SweepAlertsPending(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = 2116, Level = LogLevel.Information, Message = "Alert outbox: delivered {Delivered} pending alerts, dropped {Expired} that had expired")]
        public static partial void PendingAlertsDelivered(ILogger logger, int delivered, int expired);

        [LoggerMessage(EventId = 2119, Level = LogLevel.Debug, Message = "Alert outbox: wrote {Confirmed} delivered alerts once more and forgot them")]
        public static partial void DeliveredAlertsConfirmed(ILogger logger, int confirmed);

        [LoggerMessage(
            EventId = 2117,
            Level = LogLevel.Warning,
            Message = "Alert outbox: Table Storage still fails; {Count} alerts stay in the outbox and are delivered when Table Storage answers")]
        public static partial void PendingAlertsNotDelivered(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = 2118, Level = LogLevel.Warning, Message = "Alert outbox: delivered alerts were not announced (they are stored)")]
        public static partial void PendingAlertsNotAnnounced(ILogger logger, Exception exception);
    }
}
