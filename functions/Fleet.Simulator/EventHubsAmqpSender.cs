using System.Net.Sockets;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Fleet.Simulator;

/// <summary>
/// Sends telemetry to a real Event Hubs namespace over AMQP with the official SDK: as the Entra identity
/// <see cref="DefaultAzureCredential"/> finds (which works with the namespace's local auth disabled), or with a
/// connection string. Each device's fixes go in batches of their own with the device id as partition key, as the
/// device gateway sends them, so the hub keeps every device's order. The SDK sizes the batches and retries what it
/// deems transient; what still fails is counted as rejected and the first few refusals printed. The key of a connection
/// string is never printed.
/// </summary>
internal sealed class EventHubsAmqpSender(EventHubProducerClient producer, SimulatorOptions options, TextWriter output) : ITelemetrySender
{
    private readonly RejectionLog _rejections = new(output);

    public string Destination => $"{options.EventHub} on {Host} over AMQP as {Identity}";

    public SendCounters Counters { get; } = new();

    private string Host => options.EventHubsNamespace ?? options.ConnectionStringParts!.Endpoint.Authority;

    private string Identity => options.EventHubsNamespace is null
        ? options.ConnectionStringParts!.SharedAccessKeyName ?? "a shared access signature"
        : "the Entra identity DefaultAzureCredential finds";

    /// <summary>The SDK client for the options' namespace or connection string; it connects on its first send.</summary>
    public static EventHubProducerClient CreateProducer(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new EventHubProducerClientOptions { Identifier = "fleet-simulator" };
        if (options.EventHubsNamespace is { } fullyQualifiedNamespace)
        {
            return new EventHubProducerClient(fullyQualifiedNamespace, options.EventHub, new DefaultAzureCredential(), clientOptions);
        }

        // The SDK takes the hub from both the connection string and the argument when they agree, as the options ensure.
        var connectionString = options.EventHubsConnectionString ??
            throw new ArgumentException("The options name neither a namespace nor a connection string.", nameof(options));
        return new EventHubProducerClient(connectionString, options.EventHub, clientOptions);
    }

    public async Task SendAsync(IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        foreach (var device in fixes.GroupBy(fix => fix.DeviceId, StringComparer.Ordinal))
        {
            var pending = new Queue<EventData>(device.Select(fix => new EventData(TelemetryJson.Serialize(fix))));
            Counters.AddSent(pending.Count);
            try
            {
                while (pending.Count > 0)
                {
                    Counters.AddAccepted(await SendBatchAsync(device.Key, pending, cancellationToken));
                }
            }
            catch (Exception exception) when (IsRefusal(exception))
            {
                // Whatever failed (connecting, signing in, sending) would most likely fail the device's next batch too,
                // after the SDK's retries once more: the rest of its fixes go with it, and the next device is tried.
                Counters.AddRejected(pending.Count);
                _rejections.Write(Describe(exception));
            }
        }
    }

    public ValueTask DisposeAsync() => producer.DisposeAsync();

    /// <summary>Sends as many of the device's pending events as one batch takes (at most the batch size).</summary>
    /// <returns>How many were sent; they are taken off the queue only then.</returns>
    /// <exception cref="InvalidOperationException">The next event does not fit even an empty batch.</exception>
    private async Task<int> SendBatchAsync(string deviceId, Queue<EventData> pending, CancellationToken cancellationToken)
    {
        // Creating the first batch is what connects and signs in: the SDK asks the hub how large a batch may be.
        using var batch = await producer.CreateBatchAsync(new CreateBatchOptions { PartitionKey = deviceId }, cancellationToken);
        foreach (var next in pending)
        {
            if (batch.Count == options.BatchSize || !batch.TryAdd(next))
            {
                break;
            }
        }

        // A fix is a few hundred bytes and a batch at least 256 KB: one that fits no empty batch is a broken invariant.
        if (batch.Count == 0)
        {
            throw new InvalidOperationException(
                $"A fix of device {deviceId} does not fit an empty Event Hubs batch of {batch.MaximumSizeInBytes} bytes.");
        }

        var taken = batch.Count;
        await producer.SendAsync(batch, cancellationToken);
        for (var sent = 0; sent < taken; sent++)
        {
            pending.Dequeue();
        }

        return taken;
    }

    /// <summary>
    /// The service or the network saying no, after the SDK's own retries: not a bug, so counted rather than thrown.
    /// An unreachable host surfaces as the socket's own exception, not wrapped by the SDK.
    /// </summary>
    private static bool IsRefusal(Exception exception) => exception is EventHubsException or UnauthorizedAccessException
        or AuthenticationFailedException or SocketException or IOException or TimeoutException;

    private string Describe(Exception exception) => exception switch
    {
        EventHubsException hubs => $"{hubs.Reason}: {hubs.Message}",
        SocketException or IOException or TimeoutException => $"no answer from {Host}: {exception.Message}",
        _ => exception.Message,
    };
}
