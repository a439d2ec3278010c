using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Core.Api;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Telemetry;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>Regression tests of the findings of the outside security review (issue 15), on the real host.</summary>
public sealed class SecurityReviewTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private LocalHostRig _host = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
        _admin = await _host.ClientAsync("acme-admin-review", "c-acme", "admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/vehicles", """{"name":"Van","device_id":"dev-nan","speed_limit_kmh":"NaN"}""")]
    [InlineData("/api/vehicles", """{"name":"Van","device_id":"dev-inf","fuel_capacity_liters":"Infinity"}""")]
    [InlineData("/api/geofences", """{"name":"Zone","geometry":{"type":"Point","coordinates":[121.5,25.0]},"radius_meters":"-Infinity"}""")]
    [InlineData("/api/companies/c-acme", """{"fuel_price_per_liter":"NaN"}""")]
    public async Task Non_finite_numbers_are_refused_at_the_api(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = path.StartsWith("/api/companies", StringComparison.Ordinal) ? await _admin.PutAsync(path, content) : await _admin.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_non_finite_value_stored_before_the_fix_does_not_break_the_fleets_reads()
    {
        var configuration = _host.Services.GetRequiredService<IFleetConfiguration>();
        await configuration.SaveVehicleAsync(new VehicleProfile("v-bad", "c-acme", "Bad data", SpeedLimitKmh: double.NaN), [], CancellationToken.None);

        using var vehicles = await _admin.GetAsync("/api/vehicles");
        using var dashboard = await _admin.GetAsync("/api/dashboard");

        Assert.Equal(HttpStatusCode.OK, vehicles.StatusCode);
        var bad = (await vehicles.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single(vehicle => vehicle.GetProperty("vehicle_id").GetString() == "v-bad");
        Assert.Equal(JsonValueKind.Null, bad.GetProperty("speed_limit_kmh").ValueKind);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Geofences_are_bounded_in_vertices_in_number_and_in_request_size()
    {
        var ring = string.Join(',', Enumerable.Range(0, 5_001).Select(i => string.Create(
            CultureInfo.InvariantCulture, $"[{121.5 + 0.01 * Math.Cos(i * 2 * Math.PI / 5_001)},{25.0 + 0.01 * Math.Sin(i * 2 * Math.PI / 5_001)}]")));
        using var tooManyVertices = await _admin.PostAsJsonAsync("/api/geofences", new { name = "Huge", geometry = JsonDocument.Parse($$"""{"type":"Polygon","coordinates":[[{{ring}}]]}""").RootElement });
        using var tooLarge = await _admin.PostAsync("/api/geofences", new StringContent($$"""{"name":"{{new string('x', 1_100_000)}}"}""", Encoding.UTF8, "application/json"));

        var configuration = _host.Services.GetRequiredService<IFleetConfiguration>();
        for (var i = (await configuration.GeofencesOfAsync("c-acme", CancellationToken.None)).Count; i < 1_000; i++)
        {
            await configuration.SaveGeofenceAsync(new Geofence($"seed-{i}", "c-acme", "Seed", new CircleShape(new GeoPoint(25, 121.5), 100)), CancellationToken.None);
        }

        using var overCount = await _admin.PostAsJsonAsync("/api/geofences", new { name = "One more", geometry = new { type = "Point", coordinates = new[] { 121.5, 25.0 } }, radius_meters = 50 });
        using var replaced = await _admin.PostAsJsonAsync("/api/geofences", new { geofence_id = "seed-999", name = "Still fine", geometry = new { type = "Point", coordinates = new[] { 121.5, 25.0 } }, radius_meters = 50 });

        Assert.Equal(HttpStatusCode.BadRequest, tooManyVertices.StatusCode);
        Assert.Contains("at most 5000 vertices", (await tooManyVertices.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, overCount.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replaced.StatusCode);
    }

    [Fact]
    public async Task Users_of_two_companies_with_the_same_id_share_no_stream_no_negotiation_and_no_connection_cap()
    {
        await using var globex = await _host.ConnectAsync("same-subject", "c-globex", "dispatcher");
        var acmeViewers = new List<SignalRTestClient>();
        for (var i = 0; i < 5; i++)
        {
            acmeViewers.Add(await _host.ConnectAsync("same-subject", "c-acme", "viewer"));
        }

        using var globexAgain = await _host.NegotiateAsync(await _host.TokenAsync("same-subject", "c-globex", "dispatcher"));
        await SendAsync(LocalHostRig.Fix("sim-002", DateTimeOffset.UtcNow.AddSeconds(-5), 25.03, 121.56, 30));

        var location = await globex.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal("c-globex", location.Argument.GetProperty("company_id").GetString());
        Assert.Equal(HttpStatusCode.OK, globexAgain.StatusCode);
        foreach (var viewer in acmeViewers)
        {
            Assert.DoesNotContain(await viewer.DrainAsync(TimeSpan.FromMilliseconds(200)), message => message.Argument.GetProperty("company_id").GetString() == "c-globex");
            await viewer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_driver_record_cannot_name_a_user_of_another_company()
    {
        await _host.TokenAsync("globex-dispatcher-review", "c-globex", "dispatcher");

        using var foreign = await _admin.PostAsJsonAsync("/api/drivers", new { name = "Intruder's target", user_id = "globex-dispatcher-review" });

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("user_id", (await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task A_company_can_neither_take_nor_learn_of_another_companys_vehicle_and_driver_ids()
    {
        using var globex = await _host.ClientAsync("globex-admin-review", "c-globex", "admin");
        using var ownVehicle = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.truck-7", name = "Truck 7", device_id = "dev-truck-7" });
        using var ownDriver = await _admin.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-7", name = "Dee" });

        // Ids Acme holds and ids nobody holds get the same answer: neither can be taken, and which is which stays Acme's.
        var takenVehicle = await RefusalAsync(globex.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.truck-7", name = "Mine", device_id = "dev-globex-7" }));
        var freeVehicle = await RefusalAsync(globex.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.truck-8", name = "Mine", device_id = "dev-globex-8" }));
        var unscopedVehicle = await RefusalAsync(globex.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "truck-9", name = "Mine", device_id = "dev-globex-9" }));
        var takenDriver = await RefusalAsync(globex.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-7", name = "Mine" }));
        var freeDriver = await RefusalAsync(globex.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-8", name = "Mine" }));
        using var globexOwn = await globex.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-globex.truck-7", name = "Truck 7", device_id = "dev-globex-7" });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created), (ownVehicle.StatusCode, ownDriver.StatusCode, globexOwn.StatusCode));
        Assert.Equal(takenVehicle, freeVehicle);
        Assert.Equal(takenDriver, freeDriver);
        Assert.Equal((HttpStatusCode.BadRequest, "vehicle_id"), (takenVehicle.Status, takenVehicle.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "vehicle_id"), (unscopedVehicle.Status, unscopedVehicle.Field));
        Assert.Equal((HttpStatusCode.BadRequest, "driver_id"), (takenDriver.Status, takenDriver.Field));
        Assert.Contains("'c-globex.'", takenVehicle.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_company_id_cannot_hold_the_dot_that_scopes_the_ids_a_company_chooses()
    {
        using var operatorClient = await _host.IdentityClientAsync("fleet-operator");

        var dotted = await RefusalAsync(operatorClient.PostAsJsonAsync("/api/companies", new { company_id = "c-acme.x", name = "Prefix of Acme's ids" }));

        Assert.Equal((HttpStatusCode.BadRequest, "company_id"), (dotted.Status, dotted.Field));
    }

    private static async Task<(HttpStatusCode Status, string? Field, string Detail)> RefusalAsync(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var field = problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Single().Name : null;
        var detail = field is null ? problem.GetProperty("detail").GetString()! : errors.GetProperty(field).GetString()!;
        return (response.StatusCode, field, detail);
    }

    [Fact]
    public async Task Viewers_do_not_read_the_companys_geofences_while_drivers_and_dispatchers_do()
    {
        using var viewer = await _host.ClientAsync("customer-review", "c-acme", "viewer", "v-001");
        using var driver = await _host.ClientAsync("driver-review", "c-acme", "driver", "v-001");

        using var asViewer = await viewer.GetAsync("/api/geofences");
        using var asDriver = await driver.GetAsync("/api/geofences");

        Assert.Equal(HttpStatusCode.Forbidden, asViewer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asDriver.StatusCode);
    }

    [Fact]
    public async Task An_alert_raised_through_the_api_names_only_a_vehicle_of_the_company_and_bounded_text()
    {
        using var foreign = await _admin.PostAsJsonAsync("/api/alerts", new { type = "system_error", severity = "low", title = "Hi", message = "Globex's van", vehicle_id = "v-002" });
        using var huge = await _admin.PostAsJsonAsync("/api/alerts", new { type = "system_error", severity = "low", title = "Hi", message = new string('x', 5_000) });
        using var own = await _admin.PostAsJsonAsync("/api/alerts", new { type = "system_error", severity = "low", title = "Hi", message = "Our van", vehicle_id = "v-001" });

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task A_malformed_development_token_request_is_the_callers_400_with_a_problem()
    {
        using var malformed = await _host.Http.PostAsync("/api/dev/token", new StringContent("{\"user_id\":", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_development_token_request_stores_no_more_than_the_users_api_would()
    {
        using var longUserId = await _host.Http.PostAsJsonAsync("/api/dev/token", new { user_id = new string('u', UsersApiHandler.MaxUserIdLength + 1), company_id = "c-acme", role = "viewer" });
        using var manyGrants = await _host.Http.PostAsJsonAsync(
            "/api/dev/token", new { user_id = "many-grants", company_id = "c-acme", role = "viewer", vehicle_ids = Enumerable.Range(0, UsersApiHandler.MaxVehicleGrants + 1).Select(i => $"v-{i}") });

        Assert.Equal(HttpStatusCode.BadRequest, longUserId.StatusCode);
        Assert.Equal(["user_id"], (await ErrorsAsync(longUserId)).EnumerateObject().Select(error => error.Name));
        Assert.Equal(HttpStatusCode.BadRequest, manyGrants.StatusCode);
        Assert.Equal(["vehicle_ids"], (await ErrorsAsync(manyGrants)).EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task A_development_token_cannot_make_a_company_whose_id_would_share_acmes_chosen_ids()
    {
        using var dotted = await _host.Http.PostAsJsonAsync("/api/dev/token", new { user_id = "squatter", company_id = "c-acme.x", role = "admin" });

        Assert.Equal(HttpStatusCode.BadRequest, dotted.StatusCode);
        Assert.Equal(["company_id"], (await ErrorsAsync(dotted)).EnumerateObject().Select(error => error.Name));
    }

    [Theory]
    [InlineData("/api/dev/token")]
    [InlineData("/api/health")]
    public async Task A_request_for_another_host_name_is_refused_so_dns_rebinding_reaches_nothing(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "attacker.example:7071";

        using var response = await _host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Stored_text_of_jobs_vehicles_and_drivers_is_bounded()
    {
        using var dispatcher = await _host.ClientAsync("acme-dispatcher-review", "c-acme", "dispatcher");
        var longText = new string('x', 501);

        using var longAddress = await dispatcher.PostAsJsonAsync("/api/jobs", new
        {
            kind = "delivery",
            pickup = new { latitude = 25.03, longitude = 121.56, address = "Depot" },
            dropoff = new { latitude = 25.05, longitude = 121.57, address = longText },
        });
        using var longReference = await dispatcher.PostAsJsonAsync("/api/jobs", new
        {
            kind = "delivery",
            pickup = new { latitude = 25.03, longitude = 121.56 },
            dropoff = new { latitude = 25.05, longitude = 121.57 },
            customer_reference = longText,
        });

        using var longVehicleName = await _admin.PostAsJsonAsync("/api/vehicles", new { name = longText, device_id = "dev-long" });
        using var longDriverName = await _admin.PostAsJsonAsync("/api/drivers", new { name = longText });

        Assert.Equal(HttpStatusCode.BadRequest, longAddress.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longReference.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longVehicleName.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, longDriverName.StatusCode);
    }

    [Fact]
    public async Task A_vehicles_devices_and_a_devices_credentials_are_capped()
    {
        using (var created = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.v-cap", name = "Van", device_id = "dev-cap-1" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        for (var i = 2; i <= StoredLimits.MaxDevicesPerVehicle; i++)
        {
            using var added = await _admin.PutAsJsonAsync("/api/vehicles/c-acme.v-cap", new { name = "Van", device_id = $"dev-cap-{i}" });
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        for (var i = 0; i < StoredLimits.MaxActiveCredentialsPerDevice; i++)
        {
            using var credential = await _admin.PostAsJsonAsync("/api/devices/dev-cap-1/credentials", new { label = $"phone {i}" });
            Assert.Equal(HttpStatusCode.Created, credential.StatusCode);
        }

        using var oneDeviceMore = await _admin.PutAsJsonAsync("/api/vehicles/c-acme.v-cap", new { name = "Van", device_id = "dev-cap-extra" });
        using var oneCredentialMore = await _admin.PostAsJsonAsync("/api/devices/dev-cap-1/credentials", new { label = "one more" });

        Assert.Equal(HttpStatusCode.Conflict, oneDeviceMore.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, oneCredentialMore.StatusCode);
        var devices = (await _admin.GetFromJsonAsync<JsonElement>("/api/vehicles/c-acme.v-cap")).GetProperty("device_ids");
        Assert.Equal(StoredLimits.MaxDevicesPerVehicle, devices.GetArrayLength());
        Assert.Equal(StoredLimits.MaxActiveCredentialsPerDevice, (await _admin.GetFromJsonAsync<JsonElement>("/api/devices/dev-cap-1/credentials")).GetArrayLength());
    }

    [Fact]
    public async Task Overlong_device_event_names_alert_texts_and_job_notes_are_each_refused_by_name()
    {
        using var credential = await _admin.PostAsJsonAsync("/api/devices/sim-001/credentials", new { label = "tracker" });
        var token = (await credential.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var fix = LocalHostRig.Fix("sim-001", DateTimeOffset.UtcNow.AddSeconds(-5), 25.03, 121.56, 30);
        using var telemetry = new HttpRequestMessage(HttpMethod.Post, "/api/telemetry")
        {
            Content = new StringContent(fix[..^1] + $$""","events":["sos","{{new string('x', TelemetryParser.MaxDeviceEventNameLength + 1)}}"]}""", Encoding.UTF8, "application/json"),
        };
        telemetry.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var longEventName = await _host.Http.SendAsync(telemetry);

        using var longAlertMessage = await _admin.PostAsJsonAsync("/api/alerts", new { type = "system_error", severity = "low", title = "Hi", message = new string('x', 2_001) });

        using var dispatcher = await _host.ClientAsync("acme-dispatcher-review", "c-acme", "dispatcher");
        using var job = await dispatcher.PostAsJsonAsync("/api/jobs", new { kind = "delivery", pickup = new { latitude = 25.03, longitude = 121.56 }, dropoff = new { latitude = 25.05, longitude = 121.57 } });
        var jobId = (await job.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString();
        using var longNote = await dispatcher.PostAsJsonAsync($"/api/jobs/{jobId}/status", new { status = "cancelled", note = new string('x', 501) });

        Assert.Equal(HttpStatusCode.BadRequest, longEventName.StatusCode);
        Assert.StartsWith("invalid_field: events[1] is longer than 64", (await ErrorsAsync(longEventName)).GetProperty("event").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, longAlertMessage.StatusCode);
        Assert.Equal(["message"], (await ErrorsAsync(longAlertMessage)).EnumerateObject().Select(error => error.Name));
        Assert.Equal(HttpStatusCode.BadRequest, longNote.StatusCode);
        Assert.Equal(["note"], (await ErrorsAsync(longNote)).EnumerateObject().Select(error => error.Name));
    }

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

    private async Task SendAsync(params string[] fixes)
    {
        using var sent = await _host.SendBatchAsync(fixes);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }
}
