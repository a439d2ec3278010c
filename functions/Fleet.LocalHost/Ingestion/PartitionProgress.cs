using System.Globalization;
using Fleet.Core.Telemetry;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// How far each partition has been written and handled, for health, the dashboard's "processed through" and the
/// 503 bound. Sequence numbers in a partition have no gaps, so what waits is the last written less the last handled.
/// Lag is only ever computed from enqueued times the partition really saw.
/// </summary>
internal sealed class PartitionProgress
{
    private readonly State[] _partitions;
    private readonly TimeProvider _timeProvider;

    public PartitionProgress(int partitions, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _partitions = [.. Enumerable.Range(0, partitions).Select(_ => new State())];
    }

    public int Count => _partitions.Length;

    public static string IdOf(int partition) => partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>Events written but not yet handled.</summary>
    public long Waiting(int partition)
    {
        var state = _partitions[partition];
        return Math.Max(0, Interlocked.Read(ref state.LastSequenceNumber) - Interlocked.Read(ref state.ProcessedSequenceNumber));
    }

    /// <summary>
    /// Another host over the same database consumes the partition: what this host knows of it is only what it wrote
    /// itself, so the partition is left out of <see cref="ProcessedThrough"/> and of the waiting totals (the other host
    /// reports it).
    /// </summary>
    public void ConsumedElsewhere(int partition, bool elsewhere) => Volatile.Write(ref _partitions[partition].ConsumedElsewhere, elsewhere);

    /// <summary>Where a durable log stood when the host started: events may wait from before it.</summary>
    public void Restore(int partition, long lastSequenceNumber, long processedSequenceNumber, DateTimeOffset? oldestWaiting)
    {
        var state = _partitions[partition];
        Interlocked.Exchange(ref state.LastSequenceNumber, lastSequenceNumber);
        Interlocked.Exchange(ref state.ProcessedSequenceNumber, processedSequenceNumber);
        Interlocked.Exchange(ref state.WaitingSinceTicks, oldestWaiting?.UtcTicks ?? 0);
    }

    /// <summary>Events up to <paramref name="lastSequenceNumber"/> were written; the first of them was enqueued at <paramref name="firstEnqueued"/>.</summary>
    public void Written(int partition, long lastSequenceNumber, DateTimeOffset firstEnqueued)
    {
        var state = _partitions[partition];
        lock (state)
        {
            if (Waiting(partition) == 0)
            {
                Interlocked.Exchange(ref state.WaitingSinceTicks, firstEnqueued.UtcTicks);
            }

            Interlocked.Exchange(ref state.LastSequenceNumber, Math.Max(lastSequenceNumber, Interlocked.Read(ref state.LastSequenceNumber)));
        }
    }

    /// <summary>
    /// A consumer read from <paramref name="first"/>, the oldest event waiting, to <paramref name="last"/>: the log holds
    /// at least that much, whoever wrote it (another host, or this one before a restart).
    /// </summary>
    public void Read(int partition, TelemetryEvent first, TelemetryEvent last)
    {
        var state = _partitions[partition];
        lock (state)
        {
            Interlocked.Exchange(ref state.WaitingSinceTicks, first.Metadata.EnqueuedTime.UtcTicks);
            Interlocked.Exchange(ref state.LastSequenceNumber, Math.Max(last.Metadata.SequenceNumber, Interlocked.Read(ref state.LastSequenceNumber)));
        }
    }

    /// <summary>
    /// A batch ending with <paramref name="last"/> is handled; <paramref name="next"/> is the event after it when the
    /// log knows it, so the oldest waiting event's time stays exact.
    /// </summary>
    public void Handled(int partition, TelemetryEvent last, TelemetryEvent? next)
    {
        var state = _partitions[partition];
        lock (state)
        {
            state.HandledSinceStart = true;
            Interlocked.Exchange(ref state.ProcessedSequenceNumber, last.Metadata.SequenceNumber);
            Interlocked.Exchange(ref state.ProcessedEnqueuedTicks, last.Metadata.EnqueuedTime.UtcTicks);
            if (next is { } waiting)
            {
                Interlocked.Exchange(ref state.WaitingSinceTicks, waiting.Metadata.EnqueuedTime.UtcTicks);
            }
        }
    }

    /// <summary>
    /// A partition with nothing waiting is processed up to now; one with a backlog only up to when its oldest waiting
    /// event arrived.
    /// </summary>
    public DateTimeOffset ProcessedThrough(DateTimeOffset now)
    {
        var through = now;
        for (var partition = 0; partition < _partitions.Length; partition++)
        {
            if (!Volatile.Read(ref _partitions[partition].ConsumedElsewhere) && Waiting(partition) > 0)
            {
                var waiting = _partitions[partition].OldestWaiting;
                through = waiting < through ? waiting : through;
            }
        }

        return through;
    }

    public IReadOnlyList<PartitionStatus> Status()
    {
        var now = _timeProvider.GetUtcNow();
        return [.. _partitions.Select((state, partition) =>
        {
            lock (state)
            {
                var waiting = Waiting(partition);
                var starting = waiting > 0 && !state.HandledSinceStart;
                var lag = waiting == 0 ? TimeSpan.Zero : now - state.OldestWaiting;
                return new PartitionStatus(
                    IdOf(partition),
                    waiting,
                    Interlocked.Read(ref state.LastSequenceNumber),
                    Interlocked.Read(ref state.ProcessedSequenceNumber),
                    starting,
                    starting ? null : (lag < TimeSpan.Zero ? TimeSpan.Zero : lag),
                    Volatile.Read(ref state.ConsumedElsewhere));
            }
        })];
    }

    private sealed class State
    {
        public long LastSequenceNumber;
        public long ProcessedSequenceNumber;
        public long ProcessedEnqueuedTicks;
        public bool HandledSinceStart;
        public bool ConsumedElsewhere;

        /// <summary>
        /// The oldest waiting event's enqueued time as last known: set when the partition goes from nothing waiting to
        /// something, and after each handled batch to the next event's when known. Everything enqueued before it has
        /// been handled.
        /// </summary>
        public long WaitingSinceTicks;

        /// <summary>
        /// No later than the oldest waiting event's enqueued time (and equal to it but for a batch written while the last
        /// one was handled): both bounds are times the partition really saw.
        /// </summary>
        public DateTimeOffset OldestWaiting =>
            new(Math.Max(Interlocked.Read(ref WaitingSinceTicks), Interlocked.Read(ref ProcessedEnqueuedTicks)), TimeSpan.Zero);
    }
}

/// <summary>
/// Which partition a key belongs to. FNV-1a: stable across processes, unlike string.GetHashCode, so a device keeps its
/// partition after a restart, which per-device order depends on.
/// </summary>
internal sealed class PartitionKeys(int partitions)
{
    private int _roundRobin;

    public int PartitionOf(string? partitionKey)
    {
        if (string.IsNullOrEmpty(partitionKey))
        {
            return (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)partitions);
        }

        var hash = 2166136261u;
        foreach (var character in partitionKey)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }
}
