using Azure.Messaging.EventHubs;
using Fleet.Adapters.EventHubs;
using Fleet.Core.Processing;
using Fleet.Core.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Fleet.Functions;

/// <summary>
/// Telemetry from Event Hubs into the core handler, one partition's batch at a time. The host checkpoints a batch
/// whether or not the function succeeded, so a failure is retried here (the retry policy) and, when retries run out,
/// the batch is parked in Table Storage for <see cref="FleetTimers.ReplayParkedTelemetry"/>: never lost silently.
/// A failure is PostgreSQL's (configuration, state, the commit): Table Storage cannot fail a batch, since its alerts
/// are committed to the alert outbox and a failed write of them is only reported, so parking does not depend on the
/// store whose outage it would be parking for.
/// </summary>
public sealed partial class IngestTelemetry(TelemetryBatchHandler handler, ParkedTelemetryHandler parking, ILogger<IngestTelemetry> logger)
{
    // The event's publisher when it came through a publisher endpoint (Event Hubs publisher policies).
    private const string PublisherProperty = "x-opt-publisher";

    // Named in logs and parked events when the trigger's metadata could not be read.
    private const string UnknownPartition = "unknown";

    [Function(nameof(IngestTelemetry))]
    [ExponentialBackoffRetry(5, "00:00:02", "00:01:00")]
    public async Task Run(
        [EventHubTrigger("%EventHubName%", Connection = "EventHubConnection", ConsumerGroup = "%EventHubConsumerGroup%")] EventData[] events,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(context);
        if (events.Length == 0)
        {
            return;
        }

        // Everything that could throw is inside the try: the host checkpoints past a batch whatever happens, so a
        // failure anywhere must reach the retries and the parking below.
        var partitionId = UnknownPartition;
        TelemetryEvent[]? batch = null;
        try
        {
            partitionId = EventHubsTriggerMetadata.PartitionId(context.BindingContext.BindingData);
            batch = ToTelemetryEvents(events, partitionId);
            var result = await handler.HandleAsync(batch, cancellationToken);
            Log.Processed(logger, partitionId, result.Events, result.Positions, result.DeadLetters, result.Alerts);
            if (result.SetAside)
            {
                Log.SetAside(logger, partitionId, result.Replays, result.Duplicates, result.DeadLetters, result.DeadLetterReasons);
            }

            if (result.RealtimeFailure is { } realtimeFailure)
            {
                Log.NotDelivered(logger, partitionId, realtimeFailure);
            }

            if (result.JobTrackingFailure is { } jobFailure)
            {
                Log.JobsNotTracked(logger, partitionId, jobFailure);
            }

            if (result.AlertDeliveryFailure is { } alertFailure)
            {
                Log.AlertsPending(logger, partitionId, result.AlertsPending, alertFailure);
            }
        }
        catch (Exception exception) when (IsLastAttempt(context) && !cancellationToken.IsCancellationRequested)
        {
            // The host checkpoints past this batch whatever happens now, so parking is its last chance: no shutdown token.
            try
            {
                batch ??= ToTelemetryEvents(events, partitionId);
                var parked = await parking.ParkAsync(batch, exception, CancellationToken.None);
                Log.Parked(logger, parked.BatchId, batch.Length, exception);
            }
            catch (Exception parkingFailure)
            {
                Log.Lost(logger, partitionId, events[0].SequenceNumber, events[^1].SequenceNumber, new AggregateException(exception, parkingFailure));
                throw;
            }
        }
    }

    private static bool IsLastAttempt(FunctionContext context) =>
        context.RetryContext is not { } retry || retry.RetryCount >= retry.MaxRetryCount;

    private static TelemetryEvent[] ToTelemetryEvents(EventData[] events, string partitionId) =>
        Array.ConvertAll(events, telemetryEvent => ToTelemetryEvent(telemetryEvent, partitionId));

    private static TelemetryEvent ToTelemetryEvent(EventData data, string partitionId) => new(
        data.EventBody.ToMemory(),
        new EventMetadata(
            partitionId,
            data.SequenceNumber,
            data.EnqueuedTime,
            data.SystemProperties.TryGetValue(PublisherProperty, out var publisher) ? publisher as string : null));

    private static partial class Log
    {
        [LoggerMessage(
            EventId = 3001,
            Level = LogLevel.Debug,
            Message = "Partition {PartitionId}: {Events} events, {Positions} positions, {DeadLetters} dead letters, {Alerts} alerts")]
        public static partial void Processed(ILogger logger, string partitionId, int events, int positions, int deadLetters, int alerts);

        [LoggerMessage(
            EventId = 3006,
            Level = LogLevel.Information,
            Message = "Partition {PartitionId}: set aside {Replays} events already processed (replays), {Duplicates} duplicate fixes and {DeadLetters} dead letters ({DeadLetterReasons})")]
        public static partial void SetAside(ILogger logger, string partitionId, int replays, int duplicates, int deadLetters, string deadLetterReasons);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Partition {PartitionId}: realtime messages were not delivered (the batch is stored)")]
        public static partial void NotDelivered(ILogger logger, string partitionId, Exception exception);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Partition {PartitionId}: jobs were not moved on by this batch (the batch is stored)")]
        public static partial void JobsNotTracked(ILogger logger, string partitionId, Exception exception);

        [LoggerMessage(
            EventId = 3007,
            Level = LogLevel.Warning,
            Message = "Partition {PartitionId}: {Count} alerts were not written to Table Storage (the batch is stored); alerts stay in the outbox and are delivered when Table Storage answers")]
        public static partial void AlertsPending(ILogger logger, string partitionId, int count, Exception exception);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Retries exhausted: parked batch {BatchId} ({Events} events) for replay")]
        public static partial void Parked(ILogger logger, string batchId, int events, Exception exception);

        [LoggerMessage(
            EventId = 3004,
            Level = LogLevel.Critical,
            Message = "Partition {PartitionId}, sequence numbers {FirstSequenceNumber}-{LastSequenceNumber}: not processed and not parked; re-read them from Event Hubs within its retention")]
        public static partial void Lost(ILogger logger, string partitionId, long firstSequenceNumber, long lastSequenceNumber, Exception exception);
    }
}
