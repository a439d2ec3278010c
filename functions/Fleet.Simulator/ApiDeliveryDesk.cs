using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Core.Geo;

namespace Fleet.Simulator;

/// <summary>Whose vehicle a simulated device is, and who drives it, in the backend's registry.</summary>
public sealed record DeliveryVehicle(string CompanyId, string VehicleId, string DriverId);

/// <summary>Who calls the jobs API: the company's dispatcher, or the driver's app when <paramref name="DriverId"/> is set.</summary>
public sealed record DeskCaller(string CompanyId, string? DriverId);

/// <summary>
/// The delivery scenario over the backend's own HTTP jobs API (DESIGN 5a), as a dispatcher's screen and a driver's app
/// would use it. Bearer tokens come from <paramref name="tokenFor"/>; which vehicle a device is from
/// <paramref name="vehicleOf"/>.
/// </summary>
public sealed class ApiDeliveryDesk(
    HttpClient http,
    Uri apiBase,
    Func<string, DeliveryVehicle> vehicleOf,
    Func<DeskCaller, CancellationToken, ValueTask<string>> tokenFor) : IDeliveryDesk
{
    // The statuses a driver taps through, in order; a job in none of them (created, completed, cancelled) is not theirs to move.
    private static readonly string[] UnderWay = ["assigned", "en_route", "arrived", "in_progress"];
    private static readonly string[] DriverSteps = [.. UnderWay, "completed"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken)
    {
        var vehicle = vehicleOf(deviceId);
        var request = new CreateJob(
            "delivery",
            Stop(pickup, "Pickup"),
            Stop(dropoff, "Drop-off"),
            "sim-" + Guid.NewGuid().ToString("N")[..8],
            vehicle.VehicleId,
            vehicle.DriverId);
        using var response = await SendAsync(HttpMethod.Post, "jobs", request, new DeskCaller(vehicle.CompanyId, null), cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken)
    {
        var vehicle = vehicleOf(deviceId);
        using var response = await SendAsync(
            HttpMethod.Get, "jobs?vehicle_id=" + Uri.EscapeDataString(vehicle.VehicleId), null, DriverOf(vehicle), cancellationToken);
        var jobs = await response.Content.ReadFromJsonAsync<List<JobSummary>>(Json, cancellationToken) ?? [];
        return
        [
            .. jobs
                .Where(job => job.Kind == "delivery" && job.DriverId == vehicle.DriverId && UnderWay.Contains(job.Status))
                .OrderBy(job => job.CreatedAt)
                .Select(job => new DeliveryOrder(job.JobId, Point(job.Pickup), Point(job.Dropoff))),
        ];
    }

    public async Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var driver = DriverOf(vehicleOf(change.DeviceId));
        var path = "jobs/" + Uri.EscapeDataString(change.JobId);
        JobSummary? job;
        using (var response = await SendAsync(HttpMethod.Get, path, null, driver, cancellationToken))
        {
            job = await response.Content.ReadFromJsonAsync<JobSummary>(Json, cancellationToken);
        }

        var from = Array.IndexOf(DriverSteps, job?.Status);
        var to = Array.IndexOf(DriverSteps, change.Status);
        for (var step = from + 1; from >= 0 && step <= to; step++)
        {
            // Arrival is the backend's to detect; the driver confirms it only when it has not.
            var note = DriverSteps[step] == "arrived" ? "confirmed by the driver" : null;
            using var moved = await SendAsync(HttpMethod.Post, path + "/status", new ChangeStatus(DriverSteps[step], note), driver, cancellationToken);
        }
    }

    private static DeskCaller DriverOf(DeliveryVehicle vehicle) => new(vehicle.CompanyId, vehicle.DriverId);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, DeskCaller caller, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(apiBase, "api/" + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokenFor(caller, cancellationToken));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException(
                string.Create(CultureInfo.InvariantCulture, $"{method} /api/{path} as {caller.DriverId ?? "dispatcher"}: {(int)response.StatusCode} {problem}"),
                null,
                response.StatusCode);
        }

        return response;
    }

    private static StopBody Stop(GeoPoint point, string what) => new(
        Math.Round(point.Latitude, 6),
        Math.Round(point.Longitude, 6),
        string.Create(CultureInfo.InvariantCulture, $"{what} at {point.Latitude:F5}, {point.Longitude:F5}"));

    private static GeoPoint Point(StopBody stop) => new(stop.Latitude, stop.Longitude);

    private sealed record StopBody(double Latitude, double Longitude, string? Address);

    private sealed record CreateJob(string Kind, StopBody Pickup, StopBody Dropoff, string CustomerReference, string VehicleId, string DriverId);

    private sealed record ChangeStatus(string Status, string? Note);

    private sealed record JobSummary(
        string JobId, string Kind, string Status, StopBody Pickup, StopBody Dropoff, string? DriverId, DateTimeOffset CreatedAt);
}
