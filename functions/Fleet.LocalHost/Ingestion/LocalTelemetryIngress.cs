using Fleet.Core.Ports;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// The device gateway's way into the local event log: each event keyed by its device and published as that device,
/// as a device's own publisher-scoped send would be, so the pipeline checks the device once more.
/// </summary>
internal sealed class LocalTelemetryIngress(ILocalEventLog log) : ITelemetryIngress
{
    public Task<TimeSpan?> EnqueueAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        return log.AppendAsync([.. events.Select(item => new IncomingEvent(item.Body, item.DeviceId, item.DeviceId))], cancellationToken);
    }
}
