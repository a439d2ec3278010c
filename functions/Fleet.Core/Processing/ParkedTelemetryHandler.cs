using System.Globalization;
using Fleet.Core.Ports;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Processing;

/// <summary>A batch kept for a later replay, exactly as the broker delivered it.</summary>
/// <param name="BatchId">Partition, first and last sequence number: unique per batch and sorted in stream order.</param>
/// <param name="Reason">Why it was parked (the last failure), for whoever looks at the parked batches.</param>
public sealed record ParkedBatch(string BatchId, string Reason, DateTimeOffset ParkedAt, IReadOnlyList<TelemetryEvent> Events)
{
    /// <summary>The same events always get the same id, so parking a batch twice keeps one copy.</summary>
    public static string IdOf(IReadOnlyList<TelemetryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        var first = events[0].Metadata;
        var last = events[^1].Metadata;
        return string.Create(CultureInfo.InvariantCulture, $"{first.PartitionId}-{first.SequenceNumber:D20}-{last.SequenceNumber:D20}");
    }
}

/// <summary>What one replay run did.</summary>
/// <param name="Failure">Why the run stopped early; the batch that failed stays parked for the next run.</param>
public sealed record ParkedReplayResult(int BatchesReplayed, int EventsReplayed, string? FailedBatchId, Exception? Failure);

/// <summary>
/// Parks the batches the ingest function could not process and replays them later through the same handler.
/// <para>
/// A replayed batch is read as a stream of its own (<see cref="ReplayStreamOf"/>): by the time it is replayed its
/// partition has moved on, and under the partition's own watermark its events would count as replays of events
/// already processed and be dropped. Under its own stream they are processed, as late fixes where the vehicle has
/// moved on, and an event that did get committed before the failure is still caught as a duplicate of its position.
/// </para>
/// </summary>
public sealed class ParkedTelemetryHandler(IParkedTelemetry parked, TelemetryBatchHandler batches, TimeProvider timeProvider)
{
    /// <summary>Enough to drain a backlog over a few timer runs without one run outliving the function timeout.</summary>
    public const int MaxBatchesPerRun = 20;

    public static string ReplayStreamOf(string partitionId) => "parked:" + partitionId;

    public async Task<ParkedBatch> ParkAsync(IReadOnlyList<TelemetryEvent> events, Exception failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var batch = new ParkedBatch(ParkedBatch.IdOf(events), $"{failure.GetType().Name}: {failure.Message}", timeProvider.GetUtcNow(), events);
        await parked.ParkAsync(batch, cancellationToken);
        return batch;
    }

    /// <summary>
    /// Replays parked batches in stream order and deletes each one once processed. Stops at the first failure: the
    /// cause (PostgreSQL still down; an alert sink outage fails no batch) would most likely fail the rest as well.
    /// </summary>
    public async Task<ParkedReplayResult> ReplayAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        var events = 0;
        foreach (var batchId in await parked.ListAsync(MaxBatchesPerRun, cancellationToken))
        {
            try
            {
                if (await parked.GetAsync(batchId, cancellationToken) is { } batch)
                {
                    await batches.HandleAsync([.. batch.Events.Select(AsReplay)], cancellationToken);
                    events += batch.Events.Count;
                }

                await parked.DeleteAsync(batchId, cancellationToken);
                replayed++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new ParkedReplayResult(replayed, events, batchId, exception);
            }
        }

        return new ParkedReplayResult(replayed, events, null, null);
    }

    private static TelemetryEvent AsReplay(TelemetryEvent parkedEvent) =>
        parkedEvent with { Metadata = parkedEvent.Metadata with { PartitionId = ReplayStreamOf(parkedEvent.Metadata.PartitionId) } };
}
