using Fleet.Core.Processing;
using Fleet.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// One consumer per partition, as the Event Hubs trigger runs one per owned partition: it takes what is queued (up to
/// the batch size, waiting briefly for more) and hands it to the same handler the Function calls. A failed batch is
/// retried with backoff until it succeeds, like the Function's retry policy: the handler is idempotent, so nothing is
/// lost or doubled, and the partition's order holds because nothing behind it runs first.
/// </summary>
internal sealed partial class PartitionConsumers(
    LocalPartitions partitions,
    TelemetryBatchHandler handler,
    IOptions<LocalHostOptions> options,
    TimeProvider timeProvider,
    ILogger<PartitionConsumers> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, partitions.Count).Select(partition => Task.Run(() => ConsumeAsync(partition, stoppingToken), stoppingToken)));

    private async Task ConsumeAsync(int partition, CancellationToken stoppingToken)
    {
        var reader = partitions.Reader(partition);
        var maxBatchSize = options.Value.MaxBatchSize;
        var batch = new List<TelemetryEvent>(maxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await FillAsync(reader, batch, maxBatchSize, stoppingToken);
                await HandleUntilDoneAsync(partition, batch, stoppingToken);
                partitions.Processed(partition, batch[^1], batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is lost with the process, as the in-memory hub holds nothing durable.
        }
    }

    private async Task FillAsync(System.Threading.Channels.ChannelReader<TelemetryEvent> reader, List<TelemetryEvent> batch, int maxBatchSize, CancellationToken stoppingToken)
    {
        while (batch.Count < maxBatchSize && reader.TryRead(out var queued))
        {
            batch.Add(queued);
        }

        if (batch.Count >= maxBatchSize || options.Value.MaxBatchWait <= TimeSpan.Zero)
        {
            return;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(options.Value.MaxBatchWait);
        try
        {
            while (batch.Count < maxBatchSize && await reader.WaitToReadAsync(wait.Token))
            {
                while (batch.Count < maxBatchSize && reader.TryRead(out var queued))
                {
                    batch.Add(queued);
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The wait is over: go with what there is.
        }
    }

    private async Task HandleUntilDoneAsync(int partition, List<TelemetryEvent> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await handler.HandleAsync(batch, stoppingToken);
                Log.BatchHandled(logger, partition, batch.Count, result.DeadLetters);
                if (result.SetAside)
                {
                    Log.EventsSetAside(logger, partition, result.Replays, result.Duplicates, result.DeadLetters);
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
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 200 * Math.Pow(2, attempt - 1)));
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
            Message = "Partition {Partition}: set aside {Replays} events already processed (replays), {Duplicates} duplicate fixes and {DeadLetters} dead letters")]
        public static partial void EventsSetAside(ILogger logger, int partition, int replays, int duplicates, int deadLetters);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Partition {Partition}: batch of {Count} events failed (attempt {Attempt}); retrying in {Delay}")]
        public static partial void BatchFailed(ILogger logger, Exception exception, int partition, int count, int attempt, TimeSpan delay);

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
