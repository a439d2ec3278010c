using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Telemetry;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Parked batches in Table Storage: a batch is one partition (its id), one entity per event in batch order, and a head
/// entity written after all of them. A batch without its head was never fully parked and is not listed; its ingest
/// invocation failed and the broker's retry or the host's redelivery still has it.
/// <para>
/// Table Storage rather than PostgreSQL because batches are parked when PostgreSQL is what failed. A binary property
/// holds at most 64 KiB, so a body is split over several; the service's 1 MiB entity limit caps a body at
/// <see cref="MaxChunks"/> of them, far above <see cref="TelemetryParser.MaxEventBytes"/>: anything longer is
/// dead-lettered as too large on replay either way.
/// </para>
/// </summary>
public sealed class TableParkedTelemetry : IParkedTelemetry
{
    public const string DefaultTableName = "parkedtelemetry";

    // The most entities the service returns in one page.
    private const int MaxPageSize = 1000;
    private const int ChunkBytes = 64 * 1024;
    private const int MaxChunks = 15;
    private const string HeadRowKey = "batch";
    // A select names every property it wants back, the keys included.
    private const string PartitionKeyProperty = "PartitionKey";
    private const string RowKeyProperty = "RowKey";
    private const string Reason = "Reason";
    private const string ParkedAt = "ParkedAt";
    private const string EventCount = "EventCount";
    private const string PartitionId = "PartitionId";
    private const string SequenceNumber = "SequenceNumber";
    private const string EnqueuedTime = "EnqueuedTime";
    private const string Publisher = "Publisher";
    private const string BodyLength = "BodyLength";
    private const string BodyChunk = "Body";

    private readonly TableOnFirstUse _table;
    private readonly int _maxConcurrentRequests;

    public TableParkedTelemetry(TableServiceClient service, string tableName = DefaultTableName, int maxConcurrentRequests = 16)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentRequests, 1);
        _table = new TableOnFirstUse(service.GetTableClient(tableName));
        _maxConcurrentRequests = maxConcurrentRequests;
    }

    public async Task ParkAsync(ParkedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = await _table.GetAsync(cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, batch.Events.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrentRequests, CancellationToken = cancellationToken },
            async (index, token) => await table.UpsertEntityAsync(EventEntity(batch.BatchId, index, batch.Events[index]), TableUpdateMode.Replace, token));

        var head = new TableEntity(batch.BatchId, HeadRowKey)
        {
            [Reason] = batch.Reason,
            [ParkedAt] = batch.ParkedAt,
            [EventCount] = batch.Events.Count,
        };
        await table.UpsertEntityAsync(head, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var table = await _table.GetAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {HeadRowKey}");
        var batchIds = new List<string>(limit);
        await foreach (var head in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, MaxPageSize), select: [PartitionKeyProperty], cancellationToken))
        {
            batchIds.Add(head.PartitionKey);
            if (batchIds.Count == limit)
            {
                break;
            }
        }

        return batchIds;
    }

    public async Task<ParkedBatch?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchId);
        var table = await _table.GetAsync(cancellationToken);
        TableEntity? head = null;
        var rows = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {batchId}"), cancellationToken: cancellationToken))
        {
            if (entity.RowKey == HeadRowKey)
            {
                head = entity;
            }
            else
            {
                rows.Add(entity);
            }
        }

        if (head is null || rows.Count != head.GetInt32(EventCount))
        {
            return null;
        }

        return new ParkedBatch(batchId, head.GetString(Reason) ?? "", head.GetDateTimeOffset(ParkedAt)!.Value, [.. rows.Select(ToEvent)]);
    }

    /// <summary>The head goes last, so an interrupted delete leaves a batch that is still listed and deleted next time.</summary>
    public async Task DeleteAsync(string batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchId);
        var table = await _table.GetAsync(cancellationToken);
        var rows = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {batchId}"), select: [RowKeyProperty], cancellationToken: cancellationToken))
        {
            if (entity.RowKey != HeadRowKey)
            {
                rows.Add(entity.RowKey);
            }
        }

        await Parallel.ForEachAsync(
            rows,
            new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrentRequests, CancellationToken = cancellationToken },
            async (rowKey, token) => await table.DeleteEntityAsync(batchId, rowKey, ETag.All, token));
        await table.DeleteEntityAsync(batchId, HeadRowKey, ETag.All, cancellationToken);
    }

    private static TableEntity EventEntity(string batchId, int index, TelemetryEvent telemetryEvent)
    {
        // Row keys sort in batch order: the order the broker delivered, which a replay keeps.
        var entity = new TableEntity(batchId, index.ToString("D6", CultureInfo.InvariantCulture))
        {
            [PartitionId] = telemetryEvent.Metadata.PartitionId,
            [SequenceNumber] = telemetryEvent.Metadata.SequenceNumber,
            [EnqueuedTime] = telemetryEvent.Metadata.EnqueuedTime,
            [Publisher] = telemetryEvent.Metadata.Publisher,
        };
        var body = telemetryEvent.Body.Span;
        var kept = Math.Min(body.Length, ChunkBytes * MaxChunks);
        entity[BodyLength] = kept;
        for (var chunk = 0; chunk * ChunkBytes < kept; chunk++)
        {
            var start = chunk * ChunkBytes;
            entity[BodyChunk + chunk.ToString(CultureInfo.InvariantCulture)] = body[start..Math.Min(kept, start + ChunkBytes)].ToArray();
        }

        return entity;
    }

    private static TelemetryEvent ToEvent(TableEntity entity)
    {
        var body = new byte[entity.GetInt32(BodyLength) ?? throw Missing(entity, BodyLength)];
        for (var (chunk, offset) = (0, 0); offset < body.Length; chunk++)
        {
            var name = BodyChunk + chunk.ToString(CultureInfo.InvariantCulture);
            var part = entity.GetBinary(name) ?? throw Missing(entity, name);
            part.CopyTo(body, offset);
            offset += part.Length;
        }

        var metadata = new EventMetadata(
            entity.GetString(PartitionId) ?? throw Missing(entity, PartitionId),
            entity.GetInt64(SequenceNumber) ?? throw Missing(entity, SequenceNumber),
            entity.GetDateTimeOffset(EnqueuedTime) ?? throw Missing(entity, EnqueuedTime),
            entity.GetString(Publisher));
        return new TelemetryEvent(body, metadata);
    }

    private static InvalidDataException Missing(TableEntity entity, string property) =>
        new($"Parked event {entity.PartitionKey}/{entity.RowKey} lacks {property}.");
}
