using System.Text;
using System.Text.Json;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>A batch the producer was asked to send: its partition key and the events its <c>TryAdd</c> accepted.</summary>
internal sealed record SentBatch(string? PartitionKey, IReadOnlyList<EventData> Events)
{
    public IEnumerable<string> Bodies => Events.Select(e => Encoding.UTF8.GetString(e.EventBody.ToArray()));

    public IEnumerable<JsonElement> Telemetry => Bodies.Select(body => JsonDocument.Parse(body).RootElement.Clone());
}

/// <summary>
/// An <see cref="EventHubProducerClient"/> without a network, through the SDK's own test seams: the protected
/// constructor for mocking, and batches from <see cref="EventHubsModelFactory.EventDataBatch"/> that record what
/// <c>TryAdd</c> accepted. A batch takes events while their bodies fit <paramref name="maxBatchBytes"/>, as the real
/// client's batches take them while the AMQP message fits the link's size. Sends are recorded; creating a batch or
/// sending one fails as scripted.
/// </summary>
internal sealed class RecordingProducer(long maxBatchBytes = 1_000_000) : EventHubProducerClient
{
    private readonly List<(EventDataBatch Batch, string? PartitionKey, List<EventData> Events)> _created = [];
    private readonly Queue<Exception> _creatingFailures = new();
    private readonly Queue<Exception> _sendingFailures = new();
    private readonly List<SentBatch> _sent = [];

    public IReadOnlyList<SentBatch> Sent => _sent;

    public bool Disposed { get; private set; }

    /// <summary>The next batch is not created: this is thrown instead, as the real client does when it cannot connect or sign in.</summary>
    public RecordingProducer ThenFailCreatingBatch(Exception failure)
    {
        _creatingFailures.Enqueue(failure);
        return this;
    }

    /// <summary>The next send throws this instead of sending.</summary>
    public RecordingProducer ThenFailSending(Exception failure)
    {
        _sendingFailures.Enqueue(failure);
        return this;
    }

    public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_creatingFailures.TryDequeue(out var failure))
        {
            return ValueTask.FromException<EventDataBatch>(failure);
        }

        options.MaximumSizeInBytes ??= maxBatchBytes;
        var events = new List<EventData>();
        var batch = EventHubsModelFactory.EventDataBatch(
            batchSizeBytes: 0,
            events,
            options,
            candidate => events.Sum(e => e.EventBody.ToMemory().Length) + candidate.EventBody.ToMemory().Length <= maxBatchBytes);
        _created.Add((batch, options.PartitionKey, events));
        return ValueTask.FromResult(batch);
    }

    public override Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
    {
        var (_, partitionKey, events) = _created.Single(created => ReferenceEquals(created.Batch, eventBatch));
        if (_sendingFailures.TryDequeue(out var failure))
        {
            return Task.FromException(failure);
        }

        _sent.Add(new SentBatch(partitionKey, [.. events]));
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
