namespace Fleet.Core.Telemetry;

/// <summary>Where an event sits in the stream. Replays carry the same values, which is what makes them detectable.</summary>
/// <param name="PartitionId">The Event Hubs partition (or local partition) the event was read from.</param>
/// <param name="SequenceNumber">Monotonic per partition.</param>
/// <param name="EnqueuedTime">When the broker accepted the event: the time filters measure against it, never the wall clock.</param>
/// <param name="Publisher">The publisher a publisher-scoped SAS token authorised, when the event came through one.</param>
public readonly record struct EventMetadata(
    string PartitionId,
    long SequenceNumber,
    DateTimeOffset EnqueuedTime,
    string? Publisher = null);

/// <summary>One raw event body as delivered by the broker.</summary>
public readonly record struct TelemetryEvent(ReadOnlyMemory<byte> Body, EventMetadata Metadata);
