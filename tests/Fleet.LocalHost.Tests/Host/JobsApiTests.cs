using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>Jobs over HTTP on the real host (DESIGN 5a): the driver hears of the assignment, the company of every change.</summary>
public abstract class JobsApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private LocalHostRig _host = null!;

    protected abstract HostStores Stores { get; }

    public async Task InitializeAsync() => _host = await LocalHostRig.StartAsync(Stores);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_dispatched_delivery_reaches_its_driver_and_every_status_change_reaches_the_company()
    {
        using var admin = await _host.ClientAsync("u-admin", "c-acme", "admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/users", new { user_id = "u-sam", role = "driver", vehicle_ids = new[] { "v-001" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-sam", name = "Sam", user_id = "u-sam" })).StatusCode);
        await using var driverHub = await _host.ConnectAsync("u-sam", "c-acme", "driver", "v-001");
        await using var dispatcherHub = await _host.ConnectAsync("u-dispatch", "c-acme");
        using var dispatcher = await _host.ClientAsync("u-dispatch", "c-acme", "dispatcher");

        var jobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.047, 121.517, "12 Harbour Rd", "order-42");
        var createdUpdate = await dispatcherHub.NextAsync(Wait, "job_status_update");
        Assert.Equal((jobId, "created"), (createdUpdate.Argument.GetProperty("data").GetProperty("job_id").GetString(), createdUpdate.Argument.GetProperty("data").GetProperty("status").GetString()));

        using var assigned = await dispatcher.PostAsJsonAsync($"/api/jobs/{jobId}/assign", new { vehicle_id = "v-001", driver_id = "c-acme.d-sam" });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var assignment = await driverHub.NextAsync(Wait, "assignment_new");
        Assert.Equal(jobId, assignment.Argument.GetProperty("data").GetProperty("job_id").GetString());
        Assert.Equal("12 Harbour Rd", assignment.Argument.GetProperty("data").GetProperty("dropoff").GetProperty("address").GetString());

        var assignedUpdate = await dispatcherHub.NextAsync(Wait, "job_status_update");
        Assert.Equal("assigned", assignedUpdate.Argument.GetProperty("data").GetProperty("status").GetString());

        using var driver = await _host.ClientAsync("u-sam", "c-acme", "driver", "v-001");
        using var enRoute = await driver.PostAsJsonAsync($"/api/jobs/{jobId}/status", new { status = "en_route", note = "leaving the depot" });
        Assert.Equal(HttpStatusCode.OK, enRoute.StatusCode);
        var update = await dispatcherHub.NextAsync(Wait, "job_status_update");
        Assert.Equal(("en_route", "assigned", "u-sam", "leaving the depot"), (
            update.Argument.GetProperty("data").GetProperty("status").GetString(),
            update.Argument.GetProperty("data").GetProperty("previous_status").GetString(),
            update.Argument.GetProperty("data").GetProperty("by").GetString(),
            update.Argument.GetProperty("data").GetProperty("note").GetString()));

        // Skipping a step is a conflict with a problem detail, and changes nothing.
        using var skipped = await driver.PostAsJsonAsync($"/api/jobs/{jobId}/status", new { status = "completed" });
        Assert.Equal(HttpStatusCode.Conflict, skipped.StatusCode);
        var problem = await skipped.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A job that is en_route can go to arrived or cancelled, not completed.", problem.GetProperty("detail").GetString());

        var job = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal("en_route", job.GetProperty("status").GetString());
        Assert.Equal(["created", "assigned", "en_route"], job.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("status").GetString()));
        var listed = await dispatcher.GetFromJsonAsync<JsonElement>("/api/jobs?status=en_route&vehicle_id=v-001");
        Assert.Equal(jobId, Assert.Single(listed.EnumerateArray()).GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task A_driver_changing_another_drivers_job_is_forbidden_and_bad_requests_are_problems()
    {
        using var admin = await _host.ClientAsync("u-admin", "c-acme", "admin");
        await admin.PostAsJsonAsync("/api/users", new { user_id = "u-kim", role = "driver" });
        await admin.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-kim", name = "Kim", user_id = "u-kim" });
        using var dispatcher = await _host.ClientAsync("u-dispatch", "c-acme", "dispatcher");

        // Stops without addresses, which TestJobs always gives: the only API job here made with the optional fields left out.
        using var created = await dispatcher.PostAsJsonAsync("/api/jobs", new
        {
            kind = "ride",
            pickup = new { latitude = 25.033, longitude = 121.565 },
            dropoff = new { latitude = 25.047, longitude = 121.517 },
            vehicle_id = "v-003",
            driver_id = "c-acme.d-kim",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var jobId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;

        using var sam = await _host.ClientAsync("u-sam", "c-acme", "driver", "v-001");
        using var refused = await sam.PostAsJsonAsync($"/api/jobs/{jobId}/status", new { status = "en_route" });
        using var malformed = await dispatcher.PostAsync($"/api/jobs/{jobId}/status", new StringContent("{\"status\":", System.Text.Encoding.UTF8, "application/json"));
        using var unknownStatus = await dispatcher.GetAsync("/api/jobs?status=lost");
        using var globex = await _host.ClientAsync("u-globex", "c-globex", "admin");
        using var otherCompany = await globex.GetAsync($"/api/jobs/{jobId}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherCompany.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_tracking_link_follows_its_jobs_vehicle_until_the_job_ends_and_opens_nothing_else()
    {
        using var admin = await _host.ClientAsync("u-admin", "c-acme", "admin");
        await admin.PostAsJsonAsync("/api/users", new { user_id = "u-sam", role = "driver", vehicle_ids = new[] { "v-001" } });
        await admin.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-sam", name = "Sam", user_id = "u-sam" });
        using var dispatcher = await _host.ClientAsync("u-dispatch", "c-acme", "dispatcher");
        var jobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.047, 121.517, "12 Harbour Rd", vehicleId: "v-001", driverId: "c-acme.d-sam");
        var otherJobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.047, 121.517, "12 Harbour Rd");
        using var driver = await _host.ClientAsync("u-sam", "c-acme", "driver", "v-001");
        await TestJobs.MoveAsync(driver, jobId, "en_route");

        using var shared = await dispatcher.PostAsync($"/api/jobs/{jobId}/share", null);
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var share = await shared.Content.ReadFromJsonAsync<JsonElement>();
        var link = share.GetProperty("token").GetString()!;
        Assert.StartsWith(new Uri(_host.BaseAddress, "/track/#grant=jt_").ToString(), share.GetProperty("tracking_url").GetString(), StringComparison.Ordinal);
        using var customer = new HttpClient { BaseAddress = _host.BaseAddress };
        customer.DefaultRequestHeaders.Authorization = new("Bearer", link);

        // Live: the job's vehicle, on the job's group only.
        await using var customerHub = await LocalHostRig.ConnectNegotiatedAsync(await _host.NegotiateAsync(link));
        var start = DateTimeOffset.UtcNow.AddSeconds(-10);
        using var sent = await _host.SendBatchAsync([
            LocalHostRig.Fix("sim-001", start, 25.10, 121.450, 30), LocalHostRig.Fix("sim-003", start, 25.20, 121.600, 30)]);
        var location = await customerHub.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal(JsonValueKind.Null, location.Argument.GetProperty("seq").ValueKind);
        Assert.Equal("v-001", Assert.Single(location.Argument.GetProperty("data").EnumerateArray()).GetProperty("vehicle_id").GetString());
        var view = await LocalHostRig.EventuallyAsync(customer, "/api/track", json => json.GetProperty("vehicle").ValueKind == JsonValueKind.Object, Wait);
        Assert.Equal(("en_route", false, 25.10), (view.GetProperty("status").GetString(), view.GetProperty("ended").GetBoolean(), view.GetProperty("vehicle").GetProperty("latitude").GetDouble()));

        // A customer sees where the vehicle is and what it does: nothing of the driver, fuel, odometer or ignition.
        string[] tracked = ["fix_time", "heading_degrees", "latitude", "longitude", "speed_kmh", "status", "vehicle_id"];
        Assert.Equal(tracked, location.Argument.GetProperty("data")[0].EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        Assert.Equal(tracked, view.GetProperty("vehicle").EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));

        // Nothing else: not the company's data, not other jobs, not following other vehicles, not sharing.
        foreach (var (method, path) in new[]
        {
            ("GET", "/api/alerts"), ("GET", "/api/vehicles"), ("GET", "/api/vehicles/v-001/locations"), ("GET", "/api/dashboard"),
            ("GET", $"/api/jobs/{jobId}"), ("GET", $"/api/jobs/{otherJobId}"), ("GET", "/api/jobs"), ("POST", $"/api/jobs/{jobId}/share"),
        })
        {
            using var refused = await customer.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {refused.StatusCode}");
        }

        using var follow = await customer.PostAsJsonAsync("/api/subscriptions", new { vehicle_id = "v-003" });
        Assert.Equal(HttpStatusCode.Forbidden, follow.StatusCode);
        Assert.DoesNotContain(await customerHub.DrainAsync(TimeSpan.FromMilliseconds(500)), message =>
            message.Argument.TryGetProperty("seq", out var seq) && seq.ValueKind != JsonValueKind.Null);

        // Over: the link says so, and shows no position.
        foreach (var status in new[] { "arrived", "in_progress", "completed" })
        {
            await TestJobs.MoveAsync(driver, jobId, status);
        }

        var ended = await customer.GetFromJsonAsync<JsonElement>("/api/track");
        Assert.Equal(("completed", true, JsonValueKind.Null), (ended.GetProperty("status").GetString(), ended.GetProperty("ended").GetBoolean(), ended.GetProperty("vehicle").ValueKind));

        using var bogus = new HttpClient { BaseAddress = _host.BaseAddress };
        bogus.DefaultRequestHeaders.Authorization = new("Bearer", "jt_not-a-link");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bogus.GetAsync("/api/track")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.NegotiateAsync("jt_not-a-link")).StatusCode);
    }
}

public sealed class JobsApiTestsInMemory : JobsApiTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class JobsApiTestsOnServers : JobsApiTests
{
    protected override HostStores Stores => HostStores.Servers;
}
