using Fleet.Core.Api;
using Fleet.Core.Ports;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Devices;

/// <param name="Index">The event's place in the request (0 for a single event).</param>
/// <param name="Reason">The dead-letter reason code of DESIGN 2 (<c>missing_field</c>, <c>invalid_coordinates</c>, ...).</param>
public sealed record RefusedEvent(int Index, string Reason, string Detail);

public sealed record GatewayReceipt(int Accepted, IReadOnlyList<RefusedEvent> Refused);

/// <summary>
/// The device gateway (DESIGN 3.5): events in DESIGN 3.1 JSON, already converted from whatever protocol the device
/// speaks, checked by the same parser as every event in the stream (and the coordinate check no company setting
/// changes; the rest of the filters judge against the time the stream received the event), and forwarded with
/// partition key = device id. An
/// event naming another device than the credential's is refused, never routed; its neighbours go on.
/// </summary>
public sealed class DeviceGatewayHandler(ITelemetryIngress ingress)
{
    public const int MaxRequestBytes = 1024 * 1024;
    public const int MaxEventBytes = TelemetryParser.MaxEventBytes;

    public async Task<ApiResult<GatewayReceipt>> SubmitAsync(DeviceCaller device, IReadOnlyList<ReadOnlyMemory<byte>> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return ApiProblem.BadRequest("The request holds no event.");
        }

        var accepted = new List<DeviceEvent>(events.Count);
        var refused = new List<RefusedEvent>();
        for (var index = 0; index < events.Count; index++)
        {
            var parsed = TelemetryParser.Parse(new TelemetryEvent(events[index], default));
            if ((parsed.Rejection ?? Pipeline.FixFilters.CheckCoordinates(parsed.Fix!)) is { } rejection)
            {
                refused.Add(new RefusedEvent(index, rejection.Reason.ToCode(), rejection.Detail));
            }
            else if (parsed.Fix!.DeviceId != device.DeviceId)
            {
                refused.Add(new RefusedEvent(
                    index, RejectionReason.PublisherMismatch.ToCode(), $"the event names device '{parsed.Fix.DeviceId}', this credential is device '{device.DeviceId}'"));
            }
            else
            {
                accepted.Add(new DeviceEvent(device.DeviceId, events[index]));
            }
        }

        if (accepted.Count == 0)
        {
            return ApiProblem.Invalid(refused.ToDictionary(
                refusal => events.Count == 1 ? "event" : $"events[{refusal.Index}]", refusal => $"{refusal.Reason}: {refusal.Detail}", StringComparer.Ordinal));
        }

        if (await ingress.EnqueueAsync(accepted, cancellationToken) is { } retryAfter)
        {
            return ApiProblem.Unavailable("Telemetry cannot be taken right now", "The telemetry stream is not accepting events; nothing of this request was taken.", retryAfter);
        }

        return ApiResult<GatewayReceipt>.Ok(new GatewayReceipt(accepted.Count, refused));
    }
}
