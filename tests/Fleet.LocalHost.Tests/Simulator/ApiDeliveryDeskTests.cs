using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.LocalHost.Tests.Support;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>
/// The delivery scenario's desk against the real host's jobs API: the simulator dispatches as the company's
/// dispatcher, and each driver's app lists and moves only that driver's jobs, with the host's demo drivers.
/// </summary>
public sealed class ApiDeliveryDeskTests : IAsyncLifetime
{
    private static readonly GeoPoint Depot = new(25.033, 121.565);
    private static readonly GeoPoint Customer = new(25.047, 121.517);

    private LocalHostRig _host = null!;
    private ApiDeliveryDesk _desk = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
        _http = new HttpClient();
        _desk = new ApiDeliveryDesk(_http, _host.BaseAddress, DemoDesk.VehicleOf, (caller, _) => new ValueTask<string>(DemoDesk.TokenAsync(_host, caller)));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_dispatched_delivery_is_listed_for_its_driver_alone_and_moved_through_to_completed_by_them()
    {
        await _desk.DispatchAsync("sim-003", Depot, Customer, CancellationToken.None);

        var order = Assert.Single(await _desk.AssignedAsync("sim-003", CancellationToken.None));
        Assert.Equal((Depot, Customer), (order.Pickup, order.Dropoff));
        Assert.Empty(await _desk.AssignedAsync("sim-005", CancellationToken.None));

        await _desk.ReportAsync(new DriverStatusChange("sim-003", order.JobId, JobStatus.EnRoute, DateTimeOffset.UtcNow), CancellationToken.None);
        // No arrival came from telemetry here: the driver confirms it on the way to starting the handover.
        await _desk.ReportAsync(new DriverStatusChange("sim-003", order.JobId, JobStatus.InProgress, DateTimeOffset.UtcNow), CancellationToken.None);
        await _desk.ReportAsync(new DriverStatusChange("sim-003", order.JobId, JobStatus.Completed, DateTimeOffset.UtcNow), CancellationToken.None);

        using var dispatcher = await _host.ClientAsync("u-dispatch", "c-acme", "dispatcher");
        var job = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/jobs/{order.JobId}");
        Assert.Equal(("delivery", "v-003", "drv-sim-003"), (job.GetProperty("kind").GetString(), job.GetProperty("vehicle_id").GetString(), job.GetProperty("driver_id").GetString()));
        Assert.Equal(
            [
                ("created", "simulator"), ("assigned", "simulator"), ("en_route", "drv-sim-003"), ("arrived", "drv-sim-003"),
                ("in_progress", "drv-sim-003"), ("completed", "drv-sim-003"),
            ],
            job.GetProperty("history").EnumerateArray().Select(change => (change.GetProperty("status").GetString(), change.GetProperty("by").GetString())));
        Assert.Equal("confirmed by the driver", job.GetProperty("history")[3].GetProperty("note").GetString());
        Assert.Empty(await _desk.AssignedAsync("sim-003", CancellationToken.None));
    }

    [Fact]
    public async Task A_status_the_job_has_passed_already_is_not_set_again_and_a_cancelled_job_leaves_the_list()
    {
        await _desk.DispatchAsync("sim-003", Depot, Customer, CancellationToken.None);
        var order = Assert.Single(await _desk.AssignedAsync("sim-003", CancellationToken.None));
        using var dispatcher = await _host.ClientAsync("u-dispatch", "c-acme", "dispatcher");
        await TestJobs.MoveAsync(dispatcher, order.JobId, "en_route");
        await TestJobs.MoveAsync(dispatcher, order.JobId, "arrived");

        // The driver's app is behind: its en_route finds the job further on and leaves it there.
        await _desk.ReportAsync(new DriverStatusChange("sim-003", order.JobId, JobStatus.EnRoute, DateTimeOffset.UtcNow), CancellationToken.None);
        var job = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/jobs/{order.JobId}");
        Assert.Equal(("arrived", 4), (job.GetProperty("status").GetString(), job.GetProperty("history").GetArrayLength()));

        await TestJobs.MoveAsync(dispatcher, order.JobId, "cancelled");
        Assert.Empty(await _desk.AssignedAsync("sim-003", CancellationToken.None));
    }

    [Fact]
    public async Task A_refusal_names_the_call_and_carries_the_problem_detail()
    {
        await _desk.DispatchAsync("sim-003", Depot, Customer, CancellationToken.None);
        var order = Assert.Single(await _desk.AssignedAsync("sim-003", CancellationToken.None));

        // Vehicle 5's driver reporting on vehicle 3's job: the API refuses it.
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() =>
            _desk.ReportAsync(new DriverStatusChange("sim-005", order.JobId, JobStatus.EnRoute, DateTimeOffset.UtcNow), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.StartsWith($"GET /api/jobs/{order.JobId} as drv-sim-005: 403 ", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"\"detail\":\"Job '{order.JobId}' is not assigned to you.\"", refused.Message, StringComparison.Ordinal);
    }
}
