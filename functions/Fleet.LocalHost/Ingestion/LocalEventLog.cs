using Fleet.Core.Ports;
using Fleet.Core.Telemetry;

namespace Fleet.LocalHost.Ingestion;

/// <summary>An accepted event before it is numbered: its body, where it hashes to and who published it.</summary>
internal readonly record struct IncomingEvent(ReadOnlyMemory<byte> Body, string? PartitionKey, string? Publisher);

/// <summary>
/// The local event hub's storage: what the send API appends to and the partition consumers read, as Event Hubs'
/// partitions are. In memory by default; on PostgreSQL when the host has a database, so that a 201 means stored.
/// Within a partition, sequence numbers and enqueued times only grow, in the order consumers read: the core relies on
/// both to detect replays.
/// </summary>
internal interface ILocalEventLog : IProcessingProgress
{
    int PartitionCount { get; }

    /// <summary>Null when an accepted event survives a crash of the host; otherwise why it does not.</summary>
    string? NotDurableBecause { get; }

    /// <summary>
    /// Numbers and keeps a request's events, all or none: a refusal leaves nothing of the request behind.
    /// </summary>
    /// <returns>Null once every event is kept; when refused (the log is too far behind, or cannot be written), when to retry.</returns>
    Task<TimeSpan?> AppendAsync(IReadOnlyList<IncomingEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Becomes the consumer of a partition, from its last checkpoint. A durable log lets one consumer hold a partition at
    /// a time (waiting while another host holds it), as Event Hubs lets one member of a consumer group own it.
    /// </summary>
    Task<IPartitionCursor> OpenAsync(int partition, CancellationToken cancellationToken);

    IReadOnlyList<PartitionStatus> Status();
}

/// <summary>One consumer's position in its partition.</summary>
internal interface IPartitionCursor : IAsyncDisposable
{
    /// <summary>
    /// The next events after the checkpoint: waits for the first, then up to <paramref name="maxWait"/> for the batch to
    /// fill to <paramref name="maxEvents"/>.
    /// </summary>
    Task<IReadOnlyList<TelemetryEvent>> ReadAsync(int maxEvents, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Records that the events read last are handled: they are not delivered again, even after a restart.</summary>
    Task CheckpointAsync(IReadOnlyList<TelemetryEvent> handled, CancellationToken cancellationToken);
}

/// <param name="Starting">Events wait but none has been handled yet since the host started: there is no lag to tell.</param>
/// <param name="ProcessingLag">How long the oldest waiting event has waited; zero when none waits, null while starting.</param>
/// <param name="ConsumedElsewhere">Another host over the same database consumes it: its figures here are partial.</param>
internal sealed record PartitionStatus(
    string PartitionId, long QueuedEvents, long LastSequenceNumber, long ProcessedSequenceNumber, bool Starting, TimeSpan? ProcessingLag, bool ConsumedElsewhere);
