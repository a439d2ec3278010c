using Fleet.Core.Telemetry;
using Npgsql;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// A partition's consumer on the durable log. It owns the partition through a PostgreSQL advisory lock held by its own
/// connection, and reads and checkpoints on that connection: should the connection drop, the lock goes with it and the
/// consumer must open the partition again, so two hosts over one database never consume a partition at once.
/// </summary>
internal sealed partial class PostgresPartitionCursor : IPartitionCursor
{
    // "fleet" in ASCII, shifted to leave a byte for the partition: distinct from the migration lock.
    private const long OwnershipLockBase = 0x666C656574L << 8;

    private static readonly TimeSpan OwnershipPoll = TimeSpan.FromSeconds(2);

    // A consumer also looks for itself now and then: events another host wrote send it no signal.
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    // Handled events are deleted at most this often, once older than the retention.
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);

    private const string Read = """
        SELECT sequence_number, enqueued_time, publisher, body FROM local_events
        WHERE partition_id = @partition AND sequence_number > @after
        ORDER BY sequence_number
        LIMIT @limit
        """;

    private const string Checkpoint = """
        INSERT INTO local_event_checkpoints (partition_id, sequence_number) VALUES (@partition, @sequence)
        ON CONFLICT (partition_id) DO UPDATE SET sequence_number = excluded.sequence_number
        WHERE local_event_checkpoints.sequence_number < excluded.sequence_number
        """;

    // Oldest first along the primary key, so each chunk is a range scan.
    private const string Prune = """
        DELETE FROM local_events WHERE partition_id = @partition AND sequence_number IN (
            SELECT sequence_number FROM local_events
            WHERE partition_id = @partition AND sequence_number <= @sequence AND enqueued_time < @before
            ORDER BY sequence_number
            LIMIT @chunk)
        """;

    private const int PruneChunk = 10_000;

    private readonly PostgresEventLog _log;
    private readonly NpgsqlConnection _connection;
    private readonly int _partition;
    private readonly string _partitionId;
    private long _after;
    private DateTimeOffset _lastPruned;

    private PostgresPartitionCursor(PostgresEventLog log, NpgsqlConnection connection, int partition, long checkpoint)
    {
        _log = log;
        _connection = connection;
        _partition = partition;
        _partitionId = PartitionProgress.IdOf(partition);
        _after = checkpoint;
        _lastPruned = log.TimeProvider.GetUtcNow();
    }

    public static async Task<PostgresPartitionCursor> OpenAsync(PostgresEventLog log, int partition, CancellationToken cancellationToken)
    {
        var connection = await log.DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var waited = false;
            while (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(@key)", ("key", OwnershipLockBase + partition), cancellationToken))
            {
                if (!waited)
                {
                    waited = true;
                    log.Progress.ConsumedElsewhere(partition, true);
                    Log.HeldElsewhere(log.Logger, partition);
                }

                await Task.Delay(OwnershipPoll, log.TimeProvider, cancellationToken);
            }

            log.Progress.ConsumedElsewhere(partition, false);
            var checkpoint = await ScalarAsync<long?>(
                connection, "SELECT sequence_number FROM local_event_checkpoints WHERE partition_id = @partition", ("partition", partition), cancellationToken);
            return new PostgresPartitionCursor(log, connection, partition, checkpoint ?? 0);
        }
        catch
        {
            await ReleaseAsync(connection, partition);
            throw;
        }
    }

    public async Task<IReadOnlyList<TelemetryEvent>> ReadAsync(int maxEvents, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var batch = new List<TelemetryEvent>(maxEvents);
        await ReadAfterAsync(batch, maxEvents, cancellationToken);
        while (batch.Count == 0)
        {
            await _log.WaitForWriteAsync(_partition, IdlePoll, cancellationToken);
            await ReadAfterAsync(batch, maxEvents, cancellationToken);
        }

        if (batch.Count < maxEvents && maxWait > TimeSpan.Zero && await _log.WaitForWriteAsync(_partition, maxWait, cancellationToken))
        {
            await ReadAfterAsync(batch, maxEvents, cancellationToken);
        }

        _log.Progress.Read(_partition, batch[0], batch[^1]);
        return batch;
    }

    public async Task CheckpointAsync(IReadOnlyList<TelemetryEvent> handled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handled);
        var last = handled[^1].Metadata.SequenceNumber;
        await using (var command = new NpgsqlCommand(Checkpoint, _connection))
        {
            command.Parameters.AddWithValue("partition", _partition);
            command.Parameters.AddWithValue("sequence", last);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _after = last;
        _log.Progress.Handled(_partition, handled[^1], next: null);
        var now = _log.TimeProvider.GetUtcNow();
        if (now - _lastPruned >= PruneInterval)
        {
            _lastPruned = now;
            await PruneAsync(last, now - _log.Options.EventLogRetention, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes handled events past the retention, a bounded chunk at a time so that a backlog of them (after a long stop)
    /// never makes one long statement. A failure here costs nothing but the next try: the checkpoint is written.
    /// </summary>
    private async Task PruneAsync(long handledThrough, DateTimeOffset before, CancellationToken cancellationToken)
    {
        try
        {
            int deleted;
            do
            {
                await using var prune = new NpgsqlCommand(Prune, _connection);
                prune.Parameters.AddWithValue("partition", _partition);
                prune.Parameters.AddWithValue("sequence", handledThrough);
                prune.Parameters.AddWithValue("before", before);
                prune.Parameters.AddWithValue("chunk", PruneChunk);
                deleted = await prune.ExecuteNonQueryAsync(cancellationToken);
            }
            while (deleted == PruneChunk);
        }
        catch (NpgsqlException exception)
        {
            Log.PruneFailed(_log.Logger, exception, _partition);
        }
    }

    public ValueTask DisposeAsync() => new(ReleaseAsync(_connection, _partition));

    /// <summary>
    /// Lets go of the partition before the connection goes back to the pool: a pooled connection is reset only when next
    /// used, and until then would keep the lock from every other consumer.
    /// </summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection, int partition)
    {
        try
        {
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock_all()", null, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            // A broken connection has released the lock with its session; one that cannot say is not returned to the pool.
            NpgsqlConnection.ClearPool(connection);
        }

        await connection.DisposeAsync();
    }

    private async Task ReadAfterAsync(List<TelemetryEvent> batch, int maxEvents, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Read, _connection);
        command.Parameters.AddWithValue("partition", _partition);
        command.Parameters.AddWithValue("after", batch.Count > 0 ? batch[^1].Metadata.SequenceNumber : _after);
        command.Parameters.AddWithValue("limit", maxEvents - batch.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var metadata = new EventMetadata(
                _partitionId, reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            batch.Add(new TelemetryEvent(reader.GetFieldValue<byte[]>(3), metadata));
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, (string Name, object Value)? parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is { } named)
        {
            command.Parameters.AddWithValue(named.Name, named.Value);
        }

        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default! : (T)value;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Event log: partition {Partition} is consumed by another host on this database; waiting to take it over")]
        public static partial void HeldElsewhere(ILogger logger, int partition);

        [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Event log: deleting handled events of partition {Partition} from PostgreSQL failed; the next checkpoint tries again")]
        public static partial void PruneFailed(ILogger logger, Exception exception, int partition);
    }
}
