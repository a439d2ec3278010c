using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>The HTTP API of DESIGN 3.4 on the real host: onboarding a fleet, reading it back, alerts, and who may do what.</summary>
public abstract class ApiTests : IAsyncLifetime
{
    protected abstract HostStores Stores { get; }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private LocalHostRig _host = null!;

    public async Task InitializeAsync() => _host = await LocalHostRig.StartAsync(Stores);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_admin_onboards_a_vehicle_whose_telemetry_then_shows_in_its_state_and_history()
    {
        using var admin = await _host.ClientAsync("u-admin", "c-acme", "admin");
        using var created = await admin.PostAsJsonAsync("/api/vehicles", new
        {
            vehicle_id = "c-acme.v-new", name = "Van 9", device_id = "dev-new", vehicle_class = "light_truck", speed_limit_kmh = 80, expected_report_interval_seconds = 10,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var start = DateTimeOffset.UtcNow.AddSeconds(-30);
        using var sent = await _host.SendBatchAsync(Enumerable.Range(0, 3).Select(i => LocalHostRig.Fix("dev-new", start.AddSeconds(5 * i), 25.1, 121.5 + i * 0.0005, 36)));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        var vehicle = await LocalHostRig.EventuallyAsync(admin, "/api/vehicles/c-acme.v-new", json => json.GetProperty("last_seen").ValueKind != JsonValueKind.Null, Wait);
        Assert.Equal("light_truck", vehicle.GetProperty("vehicle_class").GetString());
        Assert.Equal(121.501, vehicle.GetProperty("longitude").GetDouble(), 6);

        var from = Uri.EscapeDataString(start.AddMinutes(-1).ToString("O"));
        var to = Uri.EscapeDataString(start.AddMinutes(1).ToString("O"));
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/vehicles/c-acme.v-new/locations?from={from}&to={to}&limit=2");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var after = Uri.EscapeDataString(page.GetProperty("next_after").GetDateTimeOffset().ToString("O"));
        var rest = await admin.GetFromJsonAsync<JsonElement>($"/api/vehicles/c-acme.v-new/locations?from={from}&to={to}&limit=2&after={after}");
        Assert.Equal(121.501, Assert.Single(rest.GetProperty("items").EnumerateArray()).GetProperty("longitude").GetDouble(), 6);
    }

    [Fact]
    public async Task Only_admins_change_the_fleet_and_no_one_reads_another_companys_vehicle()
    {
        using var dispatcher = await _host.ClientAsync("u-dispatcher", "c-acme", "dispatcher");
        using var globex = await _host.ClientAsync("u-globex", "c-globex", "admin");

        using var refused = await dispatcher.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "v-x", name = "X", device_id = "dev-x" });
        using var foreign = await globex.GetAsync("/api/vehicles/v-001");
        using var takeOver = await globex.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-globex.v-1", name = "Mine now", device_id = "sim-001" });
        var globexVehicles = await globex.GetFromJsonAsync<JsonElement>("/api/vehicles");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, takeOver.StatusCode);
        Assert.All(globexVehicles.EnumerateArray(), vehicle => Assert.Equal(0, int.Parse(vehicle.GetProperty("vehicle_id").GetString()![2..], System.Globalization.CultureInfo.InvariantCulture) % 2));
    }

    [Fact]
    public async Task Geofences_are_created_from_GeoJSON_listed_refused_when_malformed_and_deleted()
    {
        using var admin = await _host.ClientAsync("u-admin", "c-globex", "admin");

        using var created = await admin.PostAsJsonAsync("/api/geofences", new
        {
            geofence_id = "yard", name = "Yard", geometry = new { type = "Polygon", coordinates = new[] { new[] { new[] { 121.50, 25.00 }, new[] { 121.51, 25.00 }, new[] { 121.51, 25.01 }, new[] { 121.50, 25.00 } } } },
            alert_on = "enter", severity = "high",
        });
        using var malformed = await admin.PostAsJsonAsync("/api/geofences", new { geofence_id = "bad", name = "Bad", geometry = new { type = "Point", coordinates = new[] { 121.5, 25.0 } } });
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/geofences");
        using var deleted = await admin.DeleteAsync("/api/geofences/yard");
        using var again = await admin.DeleteAsync("/api/geofences/yard");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("radius", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        var yard = Assert.Single(listed.EnumerateArray(), fence => fence.GetProperty("geofence_id").GetString() == "yard");
        Assert.Equal("Polygon", yard.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task A_speeding_vehicle_raises_exactly_one_alert_and_marking_it_read_tells_the_company()
    {
        await using var dispatcher = await _host.ConnectAsync("u-acme", "c-acme");
        using var http = await _host.ClientAsync("u-acme", "c-acme", "dispatcher");

        // 120 km/h against v-001's 90 km/h limit, far from the 50 km/h centre: 166.7 m every 5 s, for 30 s.
        var start = DateTimeOffset.UtcNow.AddSeconds(-40);
        const double degreesPerFix = 166.7 / 100_800;
        using var sent = await _host.SendBatchAsync(Enumerable.Range(0, 7).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.45 + i * degreesPerFix, 120)));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        var alert = await dispatcher.NextAsync(Wait, "alert");
        Assert.Equal("speed_violation", alert.Argument.GetProperty("data").GetProperty("type").GetString());
        Assert.DoesNotContain(await dispatcher.DrainAsync(TimeSpan.FromSeconds(1)), message => message.Target == "alert");

        var listed = await http.GetFromJsonAsync<JsonElement>("/api/alerts");
        var id = Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString()!;
        using var read = await http.PostAsync($"/api/alerts/{id}/read", null);
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);

        var readMessage = await dispatcher.NextAsync(Wait, "alert_read");
        Assert.Equal(id, readMessage.Argument.GetProperty("data").GetProperty("alert_id").GetString());
        Assert.Empty(await http.GetFromJsonAsync<JsonElement[]>("/api/alerts?unread=true") ?? []);
    }

    [Fact]
    public async Task Health_needs_no_token_and_reports_stores_queues_and_clients()
    {
        await using var dispatcher = await _host.ConnectAsync("u-health", "c-acme");

        // The hub counts a connection in OnConnectedAsync, which runs just after the client's handshake completes.
        var health = await LocalHostRig.EventuallyAsync(_host.Http, "/api/health", json => json.GetProperty("realtime").GetProperty("connected_clients").GetInt32() == 1, Wait);

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal("ok", health.GetProperty("database").GetString());
        Assert.Equal("ok", health.GetProperty("tables").GetString());
        Assert.Equal(1, health.GetProperty("realtime").GetProperty("connected_clients").GetInt32());
        Assert.Equal(4, health.GetProperty("partitions").GetArrayLength());
    }

    [Fact]
    public async Task Bad_input_is_a_400_problem_never_a_500()
    {
        using var admin = await _host.ClientAsync("u-admin", "c-acme", "admin");

        using var malformedJson = await admin.PostAsync("/api/subscriptions", new StringContent("{bad", System.Text.Encoding.UTF8, "application/json"));
        using var wrongType = await admin.PostAsync("/api/subscriptions", new StringContent("""{"vehicle_id": 5}""", System.Text.Encoding.UTF8, "application/json"));
        using var badQuery = await admin.GetAsync("/api/vehicles/v-001/locations?from=x&to=y");
        using var hugeExpiry = await admin.PostAsJsonAsync("/api/alerts", new { type = "system_error", severity = "low", title = "t", message = "m", expires_in_seconds = 1e20 });
        using var tinyInterval = await admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.v-tiny", name = "T", device_id = "dev-tiny", expected_report_interval_seconds = 1e-300 });

        Assert.All(
            new[] { malformedJson, wrongType, badQuery, hugeExpiry, tinyInterval },
            response => Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_routes()
    {
        var document = await _host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/vehicles/{id}/locations", out _));
        Assert.True(paths.TryGetProperty("/api/geofences", out _));
        foreach (var (path, method) in new[]
        {
            ("/api/me", "get"), ("/api/companies", "get"), ("/api/companies", "post"), ("/api/companies/{id}", "get"), ("/api/companies/{id}", "put"),
            ("/api/companies/{id}", "delete"), ("/api/users", "get"), ("/api/users", "post"), ("/api/users/{id}", "put"), ("/api/users/{id}", "delete"),
            ("/api/drivers/{id}", "get"), ("/api/geofences/{id}", "get"), ("/api/devices/{id}/credentials", "get"), ("/api/devices/{id}/credentials", "post"),
            ("/api/devices/{id}/credentials/{credentialId}", "delete"), ("/api/telemetry", "post"), ("/api/osmand", "get"), ("/api/osmand", "post"), ("/api/owntracks", "post"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var operations) && operations.TryGetProperty(method, out _), $"{method} {path} is not in the OpenAPI document");
        }
    }
}

public sealed class ApiTestsInMemory : ApiTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class ApiTestsOnServers : ApiTests
{
    protected override HostStores Stores => HostStores.Servers;
}
