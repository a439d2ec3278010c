using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Core.Api;
using Fleet.Core.Geo;
using Fleet.Core.Jobs;

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
    private static readonly string DeliveryKind = JobKind.Delivery.ToCode();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken)
    {
        var vehicle = vehicleOf(deviceId);
        // Due now: scheduled_for is optional, and the API reads its null as it would its absence.
        var request = new JobRequest(
            DeliveryKind,
            Stop(pickup, "Pickup"),
            Stop(dropoff, "Drop-off"),
            "sim-" + Guid.NewGuid().ToString("N")[..8],
            ScheduledFor: null,
            vehicle.VehicleId,
            vehicle.DriverId);
        using var response = await SendAsync(HttpMethod.Post, "jobs", request, new DeskCaller(vehicle.CompanyId, null), cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken)
    {
        var vehicle = vehicleOf(deviceId);
        using var response = await SendAsync(
            HttpMethod.Get, "jobs?vehicle_id=" + Uri.EscapeDataString(vehicle.VehicleId), null, DriverOf(vehicle), cancellationToken);
        var jobs = await response.Content.ReadFromJsonAsync<List<JobView>>(Json, cancellationToken) ?? [];
        return
        [
            .. jobs
                .Where(job => job.Kind == DeliveryKind && job.DriverId == vehicle.DriverId)
                .Where(job => JobLifecycle.TryParse(job.Status, out var status) && IsUnderWay(status))
                .OrderBy(job => job.CreatedAt)
                .Select(job => new DeliveryOrder(job.JobId, Point(job.Pickup), Point(job.Dropoff))),
        ];
    }

    public async Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var driver = DriverOf(vehicleOf(change.DeviceId));
        var path = "jobs/" + Uri.EscapeDataString(change.JobId);
        JobView? job;
        using (var response = await SendAsync(HttpMethod.Get, path, null, driver, cancellationToken))
        {
            job = await response.Content.ReadFromJsonAsync<JobView>(Json, cancellationToken);
        }

        // A job not under way (created, completed, cancelled) is not the driver's to move; nor is it moved back.
        if (!JobLifecycle.TryParse(job?.Status, out var from) || !IsUnderWay(from) || !IsDriverStep(change.Status))
        {
            return;
        }

        // The lifecycle runs in the enum's order, so the statuses between are the values between.
        for (var step = from + 1; step <= change.Status; step++)
        {
            // Arrival is the backend's to detect; the driver confirms it only when it has not.
            var note = step == JobStatus.Arrived ? "confirmed by the driver" : null;
            using var moved = await SendAsync(HttpMethod.Post, path + "/status", new JobStatusRequest(step.ToCode(), note), driver, cancellationToken);
        }
    }

    /// <summary>Assigned to a driver and not over: theirs to tap on through.</summary>
    private static bool IsUnderWay(JobStatus status) => status == JobStatus.Assigned || JobLifecycle.IsActive(status);

    /// <summary>A status the driver taps: the ones under way, and the completion at the end.</summary>
    private static bool IsDriverStep(JobStatus status) => IsUnderWay(status) || status == JobStatus.Completed;

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

    private static JobStopRequest Stop(GeoPoint point, string what) => new(
        Math.Round(point.Latitude, 6),
        Math.Round(point.Longitude, 6),
        string.Create(CultureInfo.InvariantCulture, $"{what} at {point.Latitude:F5}, {point.Longitude:F5}"));

    private static GeoPoint Point(JobStopView stop) => new(stop.Latitude, stop.Longitude);
}
