using Fleet.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fleet.Functions;

/// <summary>
/// The device gateway (DESIGN 3.5): each function hands the request to the same <see cref="DeviceGatewayApi"/> the
/// local host maps. Anonymous at the platform level because devices authenticate with their credential.
/// </summary>
public sealed class DeviceGatewayFunctions(DeviceGatewayApi gateway)
{
    [Function("SendTelemetry")]
    public Task<IActionResult> SendTelemetry([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "telemetry")] HttpRequest request) =>
        gateway.TelemetryAsync(request.HttpContext).AsActionResult();

    [Function("OsmAnd")]
    public Task<IActionResult> OsmAnd([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "osmand")] HttpRequest request) =>
        gateway.OsmAndAsync(request.HttpContext).AsActionResult();

    [Function("OwnTracks")]
    public Task<IActionResult> OwnTracks([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "owntracks")] HttpRequest request) =>
        gateway.OwnTracksAsync(request.HttpContext).AsActionResult();
}
