using Fleet.Adapters;
using Fleet.Core.Processing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Fleet.Functions;

/// <summary>
/// The timers of DESIGN 6 and the alert outbox's on the schedules in app settings, running the same jobs as the local
/// host's timers.
/// </summary>
public sealed partial class FleetTimers(FleetTimerJobs jobs, ParkedTelemetryHandler parked, ILogger<FleetTimers> logger)
{
    [Function(nameof(BroadcastDashboards))]
    public Task BroadcastDashboards([TimerTrigger("%DashboardSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.BroadcastDashboardsAsync(cancellationToken);

    [Function(nameof(ExpireAlerts))]
    public Task ExpireAlerts([TimerTrigger("%AlertExpirySchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.ExpireAlertsAsync(cancellationToken);

    [Function(nameof(SweepOffline))]
    public Task SweepOffline([TimerTrigger("%OfflineSweepSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.SweepOfflineAsync(cancellationToken);

    [Function(nameof(DeliverPendingAlerts))]
    public Task DeliverPendingAlerts([TimerTrigger("%AlertOutboxSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        jobs.DeliverPendingAlertsAsync(cancellationToken);

    /// <summary>A failed replay leaves its batch parked for the next run, so this run only reports it.</summary>
    [Function(nameof(ReplayParkedTelemetry))]
    public async Task ReplayParkedTelemetry([TimerTrigger("%ParkedTelemetrySchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var result = await parked.ReplayAsync(cancellationToken);
        Log.Replayed(logger, result.BatchesReplayed, result.EventsReplayed);
        if (result.Failure is { } failure)
        {
            Log.ReplayFailed(logger, result.FailedBatchId!, failure);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Replayed {Batches} parked batches ({Events} events)")]
        public static partial void Replayed(ILogger logger, int batches, int events);

        [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Parked batch {BatchId} failed again; it stays parked for the next run")]
        public static partial void ReplayFailed(ILogger logger, string batchId, Exception exception);
    }
}
