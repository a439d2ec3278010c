using System.Threading.Channels;
using Fleet.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// The zero-setup event log: partitions as queues in this process's memory. A partition key always maps to the same
/// partition. Fast and not durable: what waits is lost with the process, which health and the start-up banner say.
/// </summary>
internal sealed class InMemoryEventLog : ILocalEventLog
{
    public const string Durability =
        "Accepted events wait in this process's memory until handled: a crash or stop loses those still waiting (configure PostgreSQL, ConnectionStrings:Fleet, for a durable log).";

    private readonly Partition[] _partitions;
    private readonly PartitionProgress _progress;
    private readonly PartitionKeys _keys;
    private readonly long _capacity;
    private readonly TimeProvider _timeProvider;

    public InMemoryEventLog(IOptions<LocalHostOptions> options, TimeProvider timeProvider)
    {
        _capacity = options.Value.PartitionQueueCapacity;
        _timeProvider = timeProvider;
        _progress = new PartitionProgress(options.Value.Partitions, timeProvider);
        _keys = new PartitionKeys(options.Value.Partitions);
        _partitions = [.. Enumerable.Range(0, options.Value.Partitions).Select(_ => new Partition())];
    }

    public int PartitionCount => _partitions.Length;

    public string? NotDurableBecause => Durability;

    public Task<TimeSpan?> AppendAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken) =>
        Task.FromResult(TryEnqueue(events) ? null : (TimeSpan?)TimeSpan.FromSeconds(1));

    public Task<IPartitionCursor> OpenAsync(int partition, CancellationToken cancellationToken) =>
        Task.FromResult<IPartitionCursor>(new Cursor(this, partition));

    public IReadOnlyList<PartitionStatus> Status() => _progress.Status();

    public DateTimeOffset ProcessedThrough(DateTimeOffset now) => _progress.ProcessedThrough(now);

    private bool TryEnqueue(IReadOnlyList<IncomingEvent> events)
    {
        var targets = new int[events.Count];
        var needed = new int[_partitions.Length];
        for (var i = 0; i < events.Count; i++)
        {
            targets[i] = _keys.PartitionOf(events[i].PartitionKey);
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
                Monitor.Enter(partition);
                locked.Add(partition);
                if (_progress.Waiting(index) + needed[index] > _capacity)
                {
                    return false;
                }
            }

            // A request's events in a partition share one enqueued time: the later of now and the partition's last.
            var now = _timeProvider.GetUtcNow();
            foreach (var partition in locked)
            {
                partition.LastEnqueuedTime = now > partition.LastEnqueuedTime ? now : partition.LastEnqueuedTime;
            }

            var numbered = new TelemetryEvent[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var partition = _partitions[targets[i]];
                var metadata = new EventMetadata(PartitionProgress.IdOf(targets[i]), ++partition.LastSequenceNumber, partition.LastEnqueuedTime, events[i].Publisher);
                numbered[i] = new TelemetryEvent(events[i].Body, metadata);
            }

            // Progress first, once per partition: a consumer may handle the events as soon as they are queued.
            for (var index = 0; index < _partitions.Length; index++)
            {
                if (needed[index] > 0)
                {
                    _progress.Written(index, _partitions[index].LastSequenceNumber, _partitions[index].LastEnqueuedTime);
                }
            }

            for (var i = 0; i < events.Count; i++)
            {
                _partitions[targets[i]].Queue.Writer.TryWrite(numbered[i]);
            }

            return true;
        }
        finally
        {
            foreach (var partition in locked)
            {
                Monitor.Exit(partition);
            }
        }
    }

    private sealed class Partition
    {
        public readonly Channel<TelemetryEvent> Queue = Channel.CreateUnbounded<TelemetryEvent>(new UnboundedChannelOptions { SingleReader = true });
        public long LastSequenceNumber;
        public DateTimeOffset LastEnqueuedTime = DateTimeOffset.MinValue;
    }

    /// <summary>Reading takes events off the queue; the checkpoint only reports them handled, as nothing is kept to re-read.</summary>
    private sealed class Cursor(InMemoryEventLog log, int partition) : IPartitionCursor
    {
        private readonly ChannelReader<TelemetryEvent> _reader = log._partitions[partition].Queue.Reader;

        public async Task<IReadOnlyList<TelemetryEvent>> ReadAsync(int maxEvents, TimeSpan maxWait, CancellationToken cancellationToken)
        {
            var batch = new List<TelemetryEvent>(maxEvents);
            while (batch.Count == 0)
            {
                await _reader.WaitToReadAsync(cancellationToken);
                TakeWaiting(batch, maxEvents);
            }

            if (batch.Count >= maxEvents || maxWait <= TimeSpan.Zero)
            {
                return batch;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(maxWait);
            try
            {
                while (batch.Count < maxEvents && await _reader.WaitToReadAsync(wait.Token))
                {
                    TakeWaiting(batch, maxEvents);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The wait is over: go with what there is.
            }

            return batch;
        }

        public Task CheckpointAsync(IReadOnlyList<TelemetryEvent> handled, CancellationToken cancellationToken)
        {
            // The consumer reads its next batch only after this, so the next event in the queue is the oldest not handled.
            log._progress.Handled(partition, handled[^1], _reader.TryPeek(out var next) ? next : null);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void TakeWaiting(List<TelemetryEvent> batch, int maxEvents)
        {
            while (batch.Count < maxEvents && _reader.TryRead(out var queued))
            {
                batch.Add(queued);
            }
        }
    }
}
