using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Devices sending through the gateway on the real host (DESIGN 3.5): requests as Traccar Client (both forms) and
/// OwnTracks send them, reaching a dispatcher of the device's company live and its history; refusals of bad, revoked
/// and foreign credentials, of events naming another device, and of malformed or oversized requests.
/// </summary>
public abstract class DeviceGatewayTests : IAsyncLifetime
{
    private const string Device = "sim-001";
    private const string Vehicle = "v-001";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private LocalHostRig _host = null!;
    private HttpClient _admin = null!;

    protected abstract HostStores Stores { get; }

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync(Stores);
        _admin = await _host.ClientAsync("acme-admin-devices", "c-acme", "admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Traccar_Client_both_forms_and_OwnTracks_requests_reach_the_company_live_and_its_history_in_km_per_hour()
    {
        var token = await CredentialAsync(Device, "Sam's phone");
        await using var dispatcher = await _host.ConnectAsync("acme-dispatcher-devices", "c-acme");
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);

        // Traccar Client's OsmAnd form: everything in the query string of an empty POST; speed in knots.
        var osmAnd = $"/api/osmand?id={token}&timestamp={start.ToUnixTimeSeconds()}&lat=25.05&lon=121.55&speed=10.0&bearing=90.0&altitude=12.0&accuracy=5.0&batt=87.0";
        using (var sent = await _host.Http.PostAsync(osmAnd, null))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Equal("", await sent.Content.ReadAsStringAsync());
        }

        Assert.Equal(18.52, await LiveSpeedAsync(dispatcher), 2);

        // The same protocol as a form, as other OsmAnd senders post it.
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = token, ["timestamp"] = start.AddSeconds(15).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ["lat"] = "25.0505",
            ["lon"] = "121.5505", ["speed"] = "20", ["bearing"] = "80",
        });
        using (var sent = await _host.Http.PostAsync("/api/osmand", form))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        Assert.Equal(37.04, await LiveSpeedAsync(dispatcher), 2);

        // Traccar Client 9: JSON with the token as device_id; speed in m/s, battery as a fraction.
        var traccar = $$$"""
            {"location":{"timestamp":"{{{start.AddSeconds(30).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}}","coords":{"latitude":25.051,"longitude":121.551,"accuracy":4.5,"speed":5,"heading":45,"altitude":13},"is_moving":true,"odometer":1500,"event":"motionchange","battery":{"level":0.87,"is_charging":false},"activity":{"type":"in_vehicle"},"extras":{}},"device_id":"{{{token}}}"}
            """;
        using (var sent = await _host.Http.PostAsync("/api/osmand", new StringContent(traccar, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        Assert.Equal(18.0, await LiveSpeedAsync(dispatcher), 2);

        // OwnTracks: Basic authentication with the device id and its token; speed in km/h; answered with no commands.
        using var ownTracks = new HttpRequestMessage(HttpMethod.Post, "/api/owntracks")
        {
            Content = new StringContent(
                $$"""{"_type":"location","lat":25.052,"lon":121.552,"tst":{{start.AddSeconds(60).ToUnixTimeSeconds()}},"vel":30,"cog":180,"alt":14,"acc":10,"batt":80,"tid":"sa"}""",
                Encoding.UTF8,
                "application/json"),
        };
        ownTracks.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Device}:{token}")));
        using (var sent = await _host.Http.SendAsync(ownTracks))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Equal("[]", await sent.Content.ReadAsStringAsync());
        }

        Assert.Equal(30.0, await LiveSpeedAsync(dispatcher), 2);

        await _host.WaitUntilProcessedAsync(Wait);
        var history = await _admin.GetFromJsonAsync<JsonElement>(
            $"/api/vehicles/{Vehicle}/locations?from={Uri.EscapeDataString(start.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))}");
        Assert.Equal([18.52, 37.04, 18.0, 30.0], history.GetProperty("items").EnumerateArray().Select(item => Math.Round(item.GetProperty("speed_kmh").GetDouble(), 2)));
        var listed = await _admin.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/credentials");
        Assert.NotEqual(JsonValueKind.Null, listed[0].GetProperty("last_used_at").ValueKind);
    }

    [Fact]
    public async Task An_array_takes_its_valid_events_and_names_each_refused_one_with_its_reason()
    {
        var token = await CredentialAsync(Device);
        var now = DateTimeOffset.UtcNow.AddSeconds(-20);
        var body = $"[{LocalHostRig.Fix(Device, now, 25.06, 121.56, 20)},{LocalHostRig.Fix("sim-003", now, 25.06, 121.56, 20)},{{\"device_id\":\"{Device}\",\"timestamp\":\"{now:O}\",\"longitude\":121.5}}]";

        using var sent = await SendJsonAsync("/api/telemetry", body, token);

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var receipt = await sent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(
            [(1, "publisher_mismatch"), (2, "missing_field")],
            receipt.GetProperty("refused").EnumerateArray().Select(refusal => (refusal.GetProperty("index").GetInt32(), refusal.GetProperty("reason").GetString())));
    }

    [Fact]
    public async Task Unknown_wrong_and_revoked_credentials_are_refused_and_rotation_keeps_the_other_working()
    {
        var first = await CredentialAsync(Device, "old phone");
        var second = await CredentialAsync(Device, "new phone");
        var wrongSecret = first[..^4] + (first.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var fix = LocalHostRig.Fix(Device, DateTimeOffset.UtcNow.AddSeconds(-10), 25.07, 121.57, 10);

        Assert.Equal(HttpStatusCode.OK, (await SendJsonAsync("/api/telemetry", fix, first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendJsonAsync("/api/telemetry", fix, second)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendJsonAsync("/api/telemetry", fix, wrongSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendJsonAsync("/api/telemetry", fix, "fdk_dc-unknown_" + new string('x', 43))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendJsonAsync("/api/telemetry", fix, null)).StatusCode);

        var credentials = await _admin.GetFromJsonAsync<JsonElement>($"/api/devices/{Device}/credentials");
        var oldId = credentials.EnumerateArray().Single(item => item.GetProperty("label").GetString() == "old phone").GetProperty("credential_id").GetString();
        Assert.DoesNotContain("fdk_", credentials.GetRawText(), StringComparison.Ordinal);
        using (var revoked = await _admin.DeleteAsync($"/api/devices/{Device}/credentials/{oldId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var afterRevoke = await SendJsonAsync("/api/telemetry", fix, first);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendJsonAsync("/api/telemetry", fix, second)).StatusCode);
    }

    [Fact]
    public async Task Malformed_oversized_and_foreign_requests_are_told_what_is_wrong()
    {
        var token = await CredentialAsync(Device);
        using var globexAdmin = await _host.ClientAsync("globex-admin-devices", "c-globex", "admin");

        using var notJson = await SendJsonAsync("/api/telemetry", "{\"device_id\":", token);
        using var tooLarge = await SendJsonAsync("/api/telemetry", "[" + string.Join(',', Enumerable.Repeat("{\"pad\":\"" + new string('x', 1000) + "\"}", 1100)) + "]", token);
        using var osmAndMissing = await _host.Http.PostAsync($"/api/osmand?id={token}&lat=25.0", null);
        using var foreignDevice = await globexAdmin.PostAsJsonAsync($"/api/devices/{Device}/credentials", new { label = "squatter" });

        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, osmAndMissing.StatusCode);
        Assert.Equal("lat, lon and timestamp are required.", (await osmAndMissing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, foreignDevice.StatusCode);
    }

    [Fact]
    public async Task A_disabled_companys_devices_are_refused()
    {
        using var globexAdmin = await _host.ClientAsync("globex-admin-devices", "c-globex", "admin");
        using var created = await globexAdmin.PostAsJsonAsync("/api/devices/sim-002/credentials", new { label = "van" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var operatorApi = await _host.IdentityClientAsync("fleet-operator");
        using (var disabled = await operatorApi.DeleteAsync("/api/companies/c-globex"))
        {
            Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        }

        var partitions = _host.Services.GetRequiredService<Fleet.LocalHost.Ingestion.ILocalEventLog>();
        var enqueuedBefore = partitions.Status().Sum(partition => partition.LastSequenceNumber);
        var sentAt = DateTimeOffset.UtcNow.AddSeconds(-5);
        using var refused = await SendJsonAsync("/api/telemetry", LocalHostRig.Fix("sim-002", sentAt, 25.0, 121.5, 10), token);
        using var wrongSecret = await SendJsonAsync("/api/telemetry", LocalHostRig.Fix("sim-002", sentAt.AddSeconds(1), 25.0, 121.5, 10), token[..^2] + "xx");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        // Nothing from a refused device reaches the stream, not even as a dead letter.
        Assert.Equal(enqueuedBefore, partitions.Status().Sum(partition => partition.LastSequenceNumber));
    }

    // Each send is waited for before the next, so every position arrives as its own message.
    private static async Task<double> LiveSpeedAsync(SignalRTestClient dispatcher)
    {
        var live = await dispatcher.NextAsync(Wait, "vehicle_location_update");
        var position = live.Argument.GetProperty("data")[0];
        Assert.Equal(Vehicle, position.GetProperty("vehicle_id").GetString());
        return position.GetProperty("speed_kmh").GetDouble();
    }

    private async Task<string> CredentialAsync(string deviceId, string? label = null)
    {
        using var created = await _admin.PostAsJsonAsync($"/api/devices/{deviceId}/credentials", new { label });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private async Task<HttpResponseMessage> SendJsonAsync(string path, string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _host.Http.SendAsync(request);
    }
}

public sealed class DeviceGatewayTestsInMemory : DeviceGatewayTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class DeviceGatewayTestsOnServers : DeviceGatewayTests
{
    protected override HostStores Stores => HostStores.Servers;
}
