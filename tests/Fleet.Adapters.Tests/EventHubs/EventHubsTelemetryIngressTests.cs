using System.Text;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Fleet.Adapters.EventHubs;
using Fleet.Core.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Adapters.Tests.EventHubs;

/// <summary>
/// The device gateway's Event Hubs adapter up to the SDK boundary: a producer whose batches are the SDK's own
/// (<see cref="EventHubsModelFactory"/>) with a size the test chooses, and whose sends are recorded or fail as the
/// service would.
/// </summary>
public sealed class EventHubsTelemetryIngressTests
{
    [Fact]
    public async Task Events_go_in_batches_of_one_partition_key_each_and_a_full_batch_starts_the_next()
    {
        var producer = new RecordingProducer(eventsPerBatch: 2);
        await using var ingress = new EventHubsTelemetryIngress(producer, NullLogger<EventHubsTelemetryIngress>.Instance);

        var retryAfter = await ingress.EnqueueAsync([Event("dev-1", "a"), Event("dev-2", "b"), Event("dev-1", "c"), Event("dev-1", "d")], CancellationToken.None);

        Assert.Null(retryAfter);
        Assert.Equal(["dev-1: a,c", "dev-1: d", "dev-2: b"], producer.Sent.Select(batch => $"{batch.PartitionKey}: {string.Join(',', batch.Bodies)}"));
    }

    [Theory]
    [InlineData(EventHubsException.FailureReason.ServiceBusy, false)]
    [InlineData(EventHubsException.FailureReason.QuotaExceeded, false)]
    [InlineData(EventHubsException.FailureReason.ServiceTimeout, false)]
    [InlineData(EventHubsException.FailureReason.GeneralError, true)]
    public async Task A_service_that_cannot_take_the_events_tells_the_device_when_to_come_back(EventHubsException.FailureReason reason, bool transient)
    {
        var producer = new RecordingProducer(eventsPerBatch: 10) { Failure = new EventHubsException(transient, "telemetry", "refused by the test", reason) };
        await using var ingress = new EventHubsTelemetryIngress(producer, NullLogger<EventHubsTelemetryIngress>.Instance);

        var retryAfter = await ingress.EnqueueAsync([Event("dev-1", "a")], CancellationToken.None);

        Assert.Equal(EventHubsTelemetryIngress.RetryAfter, retryAfter);
    }

    [Fact]
    public async Task A_failure_that_waiting_cannot_mend_is_not_passed_off_as_busy()
    {
        var producer = new RecordingProducer(eventsPerBatch: 10)
        {
            Failure = new EventHubsException(false, "telemetry", "no such hub", EventHubsException.FailureReason.ResourceNotFound),
        };
        await using var ingress = new EventHubsTelemetryIngress(producer, NullLogger<EventHubsTelemetryIngress>.Instance);

        await Assert.ThrowsAsync<EventHubsException>(() => ingress.EnqueueAsync([Event("dev-1", "a")], CancellationToken.None));
    }

    private static DeviceEvent Event(string deviceId, string body) => new(deviceId, Encoding.UTF8.GetBytes(body));

    private sealed class RecordingProducer(int eventsPerBatch) : EventHubProducerClient
    {
        private readonly Dictionary<EventDataBatch, (string PartitionKey, List<EventData> Events)> _batches = [];

        public List<(string PartitionKey, string[] Bodies)> Sent { get; } = [];

        public Exception? Failure { get; init; }

        public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
        {
            var events = new List<EventData>();
            var batch = EventHubsModelFactory.EventDataBatch(1024 * 1024, events, options, _ => events.Count < eventsPerBatch);
            _batches[batch] = (options.PartitionKey, events);
            return ValueTask.FromResult(batch);
        }

        public override Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
        {
            if (Failure is not null)
            {
                throw Failure;
            }

            var (partitionKey, events) = _batches[eventBatch];
            Sent.Add((partitionKey, [.. events.Select(data => data.EventBody.ToString())]));
            return Task.CompletedTask;
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
