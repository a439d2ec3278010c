using Fleet.Core.Processing;
using Fleet.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// One consumer per partition, as the Event Hubs trigger runs one per owned partition: it reads what the event log
/// holds after its checkpoint (up to the batch size, waiting briefly for more), hands it to the same handler the
/// Function calls, and checkpoints. A failed batch is retried with backoff until it succeeds, like the Function's retry
/// policy: the handler is idempotent, so nothing is lost or doubled, and the partition's order holds because nothing
/// behind it runs first. Should the log itself fail (its database gone), the consumer opens the partition again from
/// the checkpoint: a batch handled but not checkpointed is delivered again, and recognised as a replay.
/// </summary>
internal sealed partial class PartitionConsumers(
    ILocalEventLog log,
    TelemetryBatchHandler handler,
    IOptions<LocalHostOptions> options,
    TimeProvider timeProvider,
    ILogger<PartitionConsumers> logger) : BackgroundService
{
    // Short enough that a partition is read again within seconds of its database coming back.
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, log.PartitionCount).Select(partition => Task.Run(() => ConsumeAsync(partition, stoppingToken), stoppingToken)));

    private async Task ConsumeAsync(int partition, CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                try
                {
                    await using var cursor = await log.OpenAsync(partition, stoppingToken);
                    if (failures > 0)
                    {
                        Log.LogReadAgain(logger, partition);
                        failures = 0;
                    }

                    while (true)
                    {
                        var batch = await cursor.ReadAsync(options.Value.MaxBatchSize, options.Value.MaxBatchWait, stoppingToken);
                        await HandleUntilDoneAsync(partition, batch, stoppingToken);
                        await cursor.CheckpointAsync(batch, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var delay = RetryDelay(++failures);
                    if (failures == 1)
                    {
                        Log.LogReadFailed(logger, exception, partition, delay);
                    }

                    await Task.Delay(delay, timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a durable log delivers what was not checkpointed again at the next start; an in-memory one loses it.
        }
    }

    private static TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 200 * Math.Pow(2, attempt - 1)));

    private async Task HandleUntilDoneAsync(int partition, IReadOnlyList<TelemetryEvent> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await handler.HandleAsync(batch, stoppingToken);
                Log.BatchHandled(logger, partition, batch.Count, result.DeadLetters);
                if (result.SetAside)
                {
                    Log.EventsSetAside(logger, partition, result.Replays, result.Duplicates, result.DeadLetters, result.DeadLetterReasons);
                }

                if (result.RealtimeFailure is { } failure)
                {
                    Log.PublishFailed(logger, failure, partition);
                }

                if (result.JobTrackingFailure is { } jobFailure)
                {
                    Log.JobTrackingFailed(logger, jobFailure, partition);
                }

                if (result.AlertDeliveryFailure is { } alertFailure)
                {
                    Log.AlertsPending(logger, alertFailure, partition, result.AlertsPending);
                }

                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                var delay = RetryDelay(attempt);
                Log.BatchFailed(logger, exception, partition, batch.Count, attempt, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Partition {Partition}: handled {Count} events, {DeadLetters} dead-lettered")]
        public static partial void BatchHandled(ILogger logger, int partition, int count, int deadLetters);

        [LoggerMessage(
            EventId = 2005,
            Level = LogLevel.Information,
            Message = "Partition {Partition}: set aside {Replays} events already processed (replays), {Duplicates} duplicate fixes and {DeadLetters} dead letters ({DeadLetterReasons})")]
        public static partial void EventsSetAside(ILogger logger, int partition, int replays, int duplicates, int deadLetters, string deadLetterReasons);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Partition {Partition}: batch of {Count} events failed (attempt {Attempt}); retrying in {Delay}")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int partition, int count, int attempt, TimeSpan delay);

        [LoggerMessage(
            EventId = 2008,
            Level = LogLevel.Warning,
            Message = "Partition {Partition}: the event log (PostgreSQL) cannot be read or checkpointed; opening it again from the checkpoint in {Delay}")]
        public static partial void LogReadFailed(ILogger logger, Exception exception, int partition, TimeSpan delay);

        [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Partition {Partition}: reading the event log again")]
        public static partial void LogReadAgain(ILogger logger, int partition);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Partition {Partition}: realtime messages were not delivered (the batch itself is stored)")]
        public static partial void PublishFailed(ILogger logger, Exception exception, int partition);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Partition {Partition}: jobs were not moved on by this batch (the batch itself is stored)")]
        public static partial void JobTrackingFailed(ILogger logger, Exception exception, int partition);

        [LoggerMessage(
            EventId = 2006,
            Level = LogLevel.Warning,
            Message = "Partition {Partition}: {Count} alerts were not written to Table Storage (the batch itself is stored); alerts stay in the outbox and are delivered when Table Storage answers")]
        public static partial void AlertsPending(ILogger logger, Exception exception, int partition, int count);
    }
}
