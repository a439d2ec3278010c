using Fleet.Core.Ports;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// The device gateway's way into the local partitions: each event keyed by its device and published as that device,
/// as a device's own publisher-scoped send would be, so the pipeline checks the device once more.
/// </summary>
internal sealed class LocalTelemetryIngress(LocalPartitions partitions) : ITelemetryIngress
{
    private static readonly TimeSpan WhenFull = TimeSpan.FromSeconds(1);

    public Task<TimeSpan?> EnqueueAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var accepted = partitions.TryEnqueue([.. events.Select(item => new IncomingEvent(item.Body, item.DeviceId, item.DeviceId))]);
        return Task.FromResult(accepted ? null : (TimeSpan?)WhenFull);
    }
}
