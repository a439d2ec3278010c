using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// The durable event log, on the host's PostgreSQL database: a request's events are committed before its 201, numbered
/// per partition from where the log stood (numbers survive restarts), and each partition's consumer reads from its
/// checkpoint, so a batch a crash interrupted is delivered again. Concurrent requests are written together, one
/// transaction (one flush) for all that arrived while the last one committed.
/// </summary>
internal sealed partial class PostgresEventLog : ILocalEventLog, IHostedService
{
    public const string Durability =
        "Accepted events are committed to PostgreSQL before the 201 and handled from there: a crash or stop delivers what was not yet handled again at the next start.";

    /// <summary>Events written in one transaction at most; a single larger request still goes whole.</summary>
    private const int MaxEventsPerWrite = 5_000;

    /// <summary>
    /// Events waiting to be written at most; past it senders get 503 at once rather than their bodies piling up in
    /// memory while PostgreSQL is slow.
    /// </summary>
    private const int MaxEventsWaitingToBeWritten = 50_000;

    private static readonly TimeSpan RetryWhenBehind = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryWhenUnavailable = TimeSpan.FromSeconds(5);

    private const string LockPartitions = """
        SELECT p.partition_id, p.last_sequence_number, p.last_enqueued_time, coalesce(c.sequence_number, 0)
        FROM local_event_partitions p LEFT JOIN local_event_checkpoints c USING (partition_id)
        WHERE p.partition_id = ANY(@partitions)
        ORDER BY p.partition_id
        FOR UPDATE OF p
        """;

    private const string CopyEvents = "COPY local_events (partition_id, sequence_number, enqueued_time, publisher, body) FROM STDIN (FORMAT BINARY)";

    private const string MoveOn = """
        UPDATE local_event_partitions AS p SET last_sequence_number = u.last_sequence_number, last_enqueued_time = u.last_enqueued_time
        FROM unnest(@partitions, @sequences, @times) AS u(partition_id, last_sequence_number, last_enqueued_time)
        WHERE p.partition_id = u.partition_id
        """;

    private const string EnsurePartitions = """
        INSERT INTO local_event_partitions (partition_id) SELECT generate_series(0, @count - 1) ON CONFLICT (partition_id) DO NOTHING
        """;

    // Where each partition stands, with the enqueued time of its oldest event not yet handled.
    private const string Positions = """
        SELECT p.partition_id, p.last_sequence_number, coalesce(c.sequence_number, 0),
            (SELECT e.enqueued_time FROM local_events e
             WHERE e.partition_id = p.partition_id AND e.sequence_number > coalesce(c.sequence_number, 0)
             ORDER BY e.sequence_number LIMIT 1)
        FROM local_event_partitions p LEFT JOIN local_event_checkpoints c USING (partition_id)
        ORDER BY p.partition_id
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly LocalHostOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresEventLog> _logger;
    private readonly PartitionKeys _keys;
    private readonly Channel<PendingAppend> _pending = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool>[] _written;
    private Task? _writer;
    private bool _failing;
    private int _waitingToBeWritten;

    public PostgresEventLog(NpgsqlDataSource dataSource, IOptions<LocalHostOptions> options, TimeProvider timeProvider, ILogger<PostgresEventLog> logger)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _keys = new PartitionKeys(_options.Partitions);
        Progress = new PartitionProgress(_options.Partitions, timeProvider);
        // One pending signal is enough: a consumer woken reads everything written up to then.
        _written = [.. Enumerable.Range(0, _options.Partitions)
            .Select(_ => Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite }))];
    }

    public int PartitionCount => _options.Partitions;

    public string? NotDurableBecause => null;

    internal PartitionProgress Progress { get; }

    public IReadOnlyList<PartitionStatus> Status() => Progress.Status();

    public DateTimeOffset ProcessedThrough(DateTimeOffset now) => Progress.ProcessedThrough(now);

    public async Task<TimeSpan?> AppendAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (Interlocked.Add(ref _waitingToBeWritten, events.Count) > MaxEventsWaitingToBeWritten && events.Count < _waitingToBeWritten)
        {
            Interlocked.Add(ref _waitingToBeWritten, -events.Count);
            return RetryWhenBehind;
        }

        var append = new PendingAppend(events, [.. events.Select(item => _keys.PartitionOf(item.PartitionKey))]);
        if (!_pending.Writer.TryWrite(append))
        {
            Interlocked.Add(ref _waitingToBeWritten, -events.Count);
            return RetryWhenUnavailable;
        }

        // The sender may give up waiting; the write goes on, as a send the service received does.
        return await append.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task<IPartitionCursor> OpenAsync(int partition, CancellationToken cancellationToken) =>
        await PostgresPartitionCursor.OpenAsync(this, partition, cancellationToken);

    internal NpgsqlDataSource DataSource => _dataSource;

    internal LocalHostOptions Options => _options;

    internal TimeProvider TimeProvider => _timeProvider;

    internal ILogger Logger => _logger;

    /// <summary>Waits until events are written to the partition, or <paramref name="timeout"/> passes; true if they were.</summary>
    internal async Task<bool> WaitForWriteAsync(int partition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = _written[partition].Reader;
        if (signal.TryRead(out _))
        {
            return true;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await signal.WaitToReadAsync(wait.Token);
            return signal.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using (var ensure = new NpgsqlCommand(EnsurePartitions, connection))
            {
                ensure.Parameters.AddWithValue("count", _options.Partitions);
                await ensure.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var positions = new NpgsqlCommand(Positions, connection);
            await using var reader = await positions.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var partition = reader.GetInt32(0);
                var last = reader.GetInt64(1);
                var checkpoint = reader.GetInt64(2);
                if (partition >= _options.Partitions)
                {
                    if (last > checkpoint)
                    {
                        throw new InvalidOperationException(
                            $"Partition {partition} of the event log still holds {last - checkpoint} events not handled, but Fleet:LocalHost:Partitions is {_options.Partitions}: " +
                            $"set it to at least {partition + 1} until they are handled.");
                    }

                    continue;
                }

                Progress.Restore(partition, last, checkpoint, reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
            }
        }

        _writer = Task.Run(WriteAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // What was accepted into the queue is still written (or refused) before the host goes.
        _pending.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken);
        }
    }

    private async Task WriteAsync()
    {
        var group = new List<PendingAppend>();
        while (await _pending.Reader.WaitToReadAsync())
        {
            var events = 0;
            while (events < MaxEventsPerWrite && _pending.Reader.TryRead(out var append))
            {
                group.Add(append);
                events += append.Events.Count;
            }

            try
            {
                var written = await WriteGroupAsync(group);
                if (_failing)
                {
                    _failing = false;
                    Log.WritingAgain(_logger);
                }

                foreach (var (partition, last, firstEnqueued) in written)
                {
                    Progress.Written(partition, last, firstEnqueued);
                    _written[partition].Writer.TryWrite(true);
                }

                foreach (var append in group)
                {
                    append.Done.TrySetResult(append.RefusedFor);
                }
            }
            catch (Exception exception)
            {
                if (!_failing)
                {
                    _failing = true;
                    Log.WriteFailed(_logger, exception, events);
                }

                foreach (var append in group)
                {
                    append.Done.TrySetResult(RetryWhenUnavailable);
                }
            }

            Interlocked.Add(ref _waitingToBeWritten, -events);
            group.Clear();
        }
    }

    /// <returns>Per partition written to: its last sequence number and the enqueued time of its first new event.</returns>
    private async Task<List<(int Partition, long Last, DateTimeOffset FirstEnqueued)>> WriteGroupAsync(List<PendingAppend> group)
    {
        var partitions = group.SelectMany(append => append.Targets).Distinct().Order().ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var positions = await LockAsync(connection, partitions);

        // PostgreSQL keeps microseconds: times are cut to them here, so what consumers read back equals what was given out.
        var now = _timeProvider.GetUtcNow();
        now = now.AddTicks(-(now.UtcTicks % 10));
        var numbered = new List<(int Partition, long Sequence, DateTimeOffset Enqueued, IncomingEvent Event)>();
        foreach (var append in group)
        {
            var needed = append.Targets.CountBy(target => target).ToList();
            if (needed.Any(pair => positions[pair.Key].Last + pair.Value - positions[pair.Key].Checkpoint > _options.PartitionQueueCapacity))
            {
                append.RefusedFor = RetryWhenBehind;
                continue;
            }

            for (var i = 0; i < append.Events.Count; i++)
            {
                var position = positions[append.Targets[i]];
                position.Last++;
                position.Enqueued = position.Enqueued is { } last && last > now ? last : now;
                position.FirstEnqueued ??= position.Enqueued;
                numbered.Add((append.Targets[i], position.Last, position.Enqueued.Value, append.Events[i]));
            }
        }

        if (numbered.Count == 0)
        {
            return [];
        }

        await using (var importer = await connection.BeginBinaryImportAsync(CopyEvents))
        {
            foreach (var (partition, sequence, enqueued, item) in numbered)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(partition, NpgsqlDbType.Integer);
                await importer.WriteAsync(sequence, NpgsqlDbType.Bigint);
                await importer.WriteAsync(enqueued, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(item.Publisher, NpgsqlDbType.Text);
                await importer.WriteAsync(item.Body.ToArray(), NpgsqlDbType.Bytea);
            }

            await importer.CompleteAsync();
        }

        var moved = positions.Where(pair => pair.Value.FirstEnqueued is not null).ToList();
        await using (var update = new NpgsqlCommand(MoveOn, connection, transaction))
        {
            update.Parameters.AddWithValue("partitions", moved.Select(pair => pair.Key).ToArray());
            update.Parameters.AddWithValue("sequences", moved.Select(pair => pair.Value.Last).ToArray());
            update.Parameters.AddWithValue("times", moved.Select(pair => pair.Value.Enqueued!.Value).ToArray());
            await update.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return [.. moved.Select(pair => (pair.Key, pair.Value.Last, pair.Value.FirstEnqueued!.Value))];
    }

    private static async Task<Dictionary<int, PartitionPosition>> LockAsync(NpgsqlConnection connection, int[] partitions)
    {
        var positions = new Dictionary<int, PartitionPosition>();
        await using var command = new NpgsqlCommand(LockPartitions, connection);
        command.Parameters.AddWithValue("partitions", partitions);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            positions[reader.GetInt32(0)] = new PartitionPosition
            {
                Last = reader.GetInt64(1),
                Enqueued = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                Checkpoint = reader.GetInt64(3),
            };
        }

        if (positions.Count != partitions.Length)
        {
            throw new InvalidOperationException("The event log has fewer partitions than this host numbers: it was not prepared at start-up.");
        }

        return positions;
    }

    private sealed class PendingAppend(IReadOnlyList<IncomingEvent> events, int[] targets)
    {
        public IReadOnlyList<IncomingEvent> Events { get; } = events;

        public int[] Targets { get; } = targets;

        public TaskCompletionSource<TimeSpan?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set when the request was refused for a partition too far behind; nothing of it is written.</summary>
        public TimeSpan? RefusedFor { get; set; }
    }

    private sealed class PartitionPosition
    {
        public long Last { get; set; }

        public DateTimeOffset? Enqueued { get; set; }

        public DateTimeOffset? FirstEnqueued { get; set; }

        public long Checkpoint { get; init; }
    }

    private static partial class Log
    {
        [LoggerMessage(
            EventId = 2010,
            Level = LogLevel.Warning,
            Message = "Event log: writing {Events} events to PostgreSQL failed; senders get 503 with Retry-After until it answers")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int events);

        [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Event log: PostgreSQL takes events again")]
        public static partial void WritingAgain(ILogger logger);
    }
}
