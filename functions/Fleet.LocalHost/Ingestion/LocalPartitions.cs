using System.Threading.Channels;
using Fleet.Core.Ports;
using Fleet.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>An accepted event before it is numbered: its body, where it hashes to and who published it.</summary>
internal readonly record struct IncomingEvent(ReadOnlyMemory<byte> Body, string? PartitionKey, string? Publisher);

/// <param name="Starting">Events wait but none has been handled yet since the host started: there is no lag to tell.</param>
/// <param name="ProcessingLag">How long the oldest waiting event has waited; zero when none waits, null while starting.</param>
internal sealed record PartitionStatus(
    string PartitionId, int QueuedEvents, long LastSequenceNumber, long ProcessedSequenceNumber, bool Starting, TimeSpan? ProcessingLag);

/// <summary>
/// The local event hub's partitions. A partition key always maps to the same partition, and within a partition sequence
/// numbers and enqueued times only grow, in the order consumers read: the core relies on both to detect replays.
/// A request's events are accepted together or refused together, so a 503 never leaves half a batch behind.
/// </summary>
internal sealed class LocalPartitions : IProcessingProgress
{
    /// <summary>What a 201 from this host promises, said in health and at start-up until ingestion has a durable log.</summary>
    public const string Durability =
        "Accepted events wait in this process's memory until handled: a crash or stop loses those still queued (Event Hubs, which this host stands in for, would not).";

    private readonly Partition[] _partitions;
    private readonly int _capacity;
    private readonly TimeProvider _timeProvider;
    private int _roundRobin;

    public LocalPartitions(IOptions<LocalHostOptions> options, TimeProvider timeProvider)
    {
        _capacity = options.Value.PartitionQueueCapacity;
        _timeProvider = timeProvider;
        _partitions = [.. Enumerable.Range(0, options.Value.Partitions).Select(index => new Partition(index.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
    }

    public int Count => _partitions.Length;

    public ChannelReader<TelemetryEvent> Reader(int partition) => _partitions[partition].Queue.Reader;

    /// <returns>False, with nothing enqueued, when a partition the events hash to is full.</returns>
    public bool TryEnqueue(IReadOnlyList<IncomingEvent> events)
    {
        var targets = new int[events.Count];
        var needed = new int[_partitions.Length];
        for (var i = 0; i < events.Count; i++)
        {
            targets[i] = PartitionOf(events[i].PartitionKey);
            needed[targets[i]]++;
        }

        var locked = new List<Partition>();
        try
        {
            // In index order, so two requests never wait on each other's locks.
            for (var index = 0; index < _partitions.Length; index++)
            {
                if (needed[index] == 0)
                {
                    continue;
                }

                var partition = _partitions[index];
                Monitor.Enter(partition.Lock);
                locked.Add(partition);
                if (Volatile.Read(ref partition.Queued) + needed[index] > _capacity)
                {
                    return false;
                }
            }

            var now = _timeProvider.GetUtcNow();
            for (var i = 0; i < events.Count; i++)
            {
                var partition = _partitions[targets[i]];
                var enqueued = now > partition.LastEnqueuedTime ? now : partition.LastEnqueuedTime;
                partition.LastEnqueuedTime = enqueued;
                var metadata = new EventMetadata(partition.Id, ++partition.LastSequenceNumber, enqueued, events[i].Publisher);
                if (Interlocked.Increment(ref partition.Queued) == 1)
                {
                    Interlocked.Exchange(ref partition.WaitingSinceTicks, enqueued.UtcTicks);
                }

                partition.Queue.Writer.TryWrite(new TelemetryEvent(events[i].Body, metadata));
            }

            return true;
        }
        finally
        {
            foreach (var partition in locked)
            {
                Monitor.Exit(partition.Lock);
            }
        }
    }

    /// <summary>Called by a partition's consumer once a batch is handled.</summary>
    public void Processed(int partition, TelemetryEvent last, int count)
    {
        var state = _partitions[partition];
        Interlocked.Add(ref state.Queued, -count);
        Volatile.Write(ref state.ProcessedSequenceNumber, last.Metadata.SequenceNumber);
        Interlocked.Exchange(ref state.ProcessedEnqueuedTicks, last.Metadata.EnqueuedTime.UtcTicks);

        // The consumer reads its next batch only after this, so the next event in the queue is the oldest not handled.
        if (state.Queue.Reader.TryPeek(out var next))
        {
            Interlocked.Exchange(ref state.WaitingSinceTicks, next.Metadata.EnqueuedTime.UtcTicks);
        }
    }

    /// <summary>
    /// A partition with nothing queued is processed up to now; one with a backlog only up to when its oldest waiting
    /// event arrived.
    /// </summary>
    public DateTimeOffset ProcessedThrough(DateTimeOffset now)
    {
        var through = now;
        foreach (var partition in _partitions)
        {
            if (Volatile.Read(ref partition.Queued) > 0)
            {
                var waiting = partition.OldestWaiting;
                through = waiting < through ? waiting : through;
            }
        }

        return through;
    }

    public IReadOnlyList<PartitionStatus> Status()
    {
        var now = _timeProvider.GetUtcNow();
        return [.. _partitions.Select(partition =>
        {
            lock (partition.Lock)
            {
                var queued = Volatile.Read(ref partition.Queued);
                var processed = Volatile.Read(ref partition.ProcessedSequenceNumber);
                var starting = queued > 0 && processed == 0;
                var lag = queued == 0 ? TimeSpan.Zero : now - partition.OldestWaiting;
                return new PartitionStatus(
                    partition.Id, queued, partition.LastSequenceNumber, processed, starting, starting ? null : (lag < TimeSpan.Zero ? TimeSpan.Zero : lag));
            }
        })];
    }

    // FNV-1a: stable across processes, unlike string.GetHashCode, so a device keeps its partition after a restart.
    private int PartitionOf(string? partitionKey)
    {
        if (string.IsNullOrEmpty(partitionKey))
        {
            return (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)_partitions.Length);
        }

        var hash = 2166136261u;
        foreach (var character in partitionKey)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return (int)(hash % (uint)_partitions.Length);
    }

    private sealed class Partition(string id)
    {
        public readonly object Lock = new();
        public readonly Channel<TelemetryEvent> Queue = Channel.CreateUnbounded<TelemetryEvent>(new UnboundedChannelOptions { SingleReader = true });
        public int Queued;
        public long LastSequenceNumber;
        public long ProcessedSequenceNumber;
        public long ProcessedEnqueuedTicks;

        /// <summary>
        /// The oldest waiting event's enqueued time as last known: set when the queue goes from empty to not, and after
        /// each handled batch to the next event's. Everything enqueued before it has been handled.
        /// </summary>
        public long WaitingSinceTicks;
        public DateTimeOffset LastEnqueuedTime = DateTimeOffset.MinValue;

        public string Id { get; } = id;

        /// <summary>
        /// No later than the oldest waiting event's enqueued time (and equal to it but for a batch enqueued while the last
        /// one was handled): both bounds are times the partition really saw.
        /// </summary>
        public DateTimeOffset OldestWaiting =>
            new(Math.Max(Interlocked.Read(ref WaitingSinceTicks), Interlocked.Read(ref ProcessedEnqueuedTicks)), TimeSpan.Zero);
    }
}
