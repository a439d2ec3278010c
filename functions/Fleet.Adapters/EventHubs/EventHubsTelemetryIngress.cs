using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Fleet.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.EventHubs;

/// <summary>
/// The device gateway's way into Event Hubs (DESIGN 3.5): with the app's identity (Azure Event Hubs Data Sender), so
/// the namespace keeps local auth disabled. Events go in batches the SDK sizes, one partition key (the device id) per
/// batch, with the SDK's own retries. When the service cannot take them the device is told when to come back; a part
/// sent before a later batch failed is sent again by the device and dropped downstream as exact duplicates.
/// </summary>
public sealed partial class EventHubsTelemetryIngress(EventHubProducerClient producer, ILogger<EventHubsTelemetryIngress> logger) : ITelemetryIngress, IAsyncDisposable
{
    /// <summary>What a device is told to wait when Event Hubs is busy or out of reach.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<TimeSpan?> EnqueueAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        try
        {
            foreach (var device in events.GroupBy(item => item.DeviceId, StringComparer.Ordinal))
            {
                await SendAsync(device.Key, new Queue<DeviceEvent>(device), cancellationToken);
            }

            return null;
        }
        catch (EventHubsException exception) when (exception.IsTransient || exception.Reason is
            EventHubsException.FailureReason.ServiceBusy or EventHubsException.FailureReason.QuotaExceeded or
            EventHubsException.FailureReason.ServiceTimeout or EventHubsException.FailureReason.ServiceCommunicationProblem)
        {
            SendRefused(logger, exception, exception.Reason.ToString(), events.Count);
            return RetryAfter;
        }
    }

    public ValueTask DisposeAsync() => producer.DisposeAsync();

    private async Task SendAsync(string partitionKey, Queue<DeviceEvent> pending, CancellationToken cancellationToken)
    {
        while (pending.Count > 0)
        {
            using var batch = await producer.CreateBatchAsync(new CreateBatchOptions { PartitionKey = partitionKey }, cancellationToken);
            while (pending.Count > 0 && batch.TryAdd(new EventData(pending.Peek().Body)))
            {
                pending.Dequeue();
            }

            // Events are at most 64 KB and a batch at least 256 KB: one that fits no empty batch is a broken invariant.
            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"An event of device {partitionKey} does not fit an empty batch of {batch.MaximumSizeInBytes} bytes.");
            }

            await producer.SendAsync(batch, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Event Hubs refused {EventCount} gateway events ({Reason}); the device is told to retry")]
    private static partial void SendRefused(ILogger logger, Exception exception, string reason, int eventCount);
}
