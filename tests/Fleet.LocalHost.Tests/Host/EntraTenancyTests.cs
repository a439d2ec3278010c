using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// A company's life on a deployment whose users sign in with Entra ID (DESIGN 3.5), on the real host: tokens carry who
/// the user is and nothing of ours; the operator creates the company and its first admin, the admin configures it and
/// adds people and vehicles, and the app's memberships alone decide who sees what.
/// </summary>
public abstract class EntraTenancyTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private EntraIdFake _entra = null!;
    private LocalHostRig _host = null!;

    protected abstract HostStores Stores { get; }

    public async Task InitializeAsync()
    {
        _entra = await EntraIdFake.StartAsync();
        _host = await LocalHostRig.StartAsync(Stores, _entra.HostSettings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _entra.DisposeAsync();
    }

    [Fact]
    public async Task An_operator_sets_up_a_company_whose_dispatcher_sees_its_fleet_alone_until_removed()
    {
        using var operatorApi = Client(_entra.AccessToken("0b5e0c1a-operator", "Olive Operator", EntraIdFake.OperatorRole));
        using var created = await operatorApi.PostAsJsonAsync("/api/companies", new { name = "Northwind Freight", time_zone = "Europe/Berlin", currency = "EUR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var company = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("company_id").GetString()!;
        Assert.StartsWith("c-", company, StringComparison.Ordinal);
        Assert.Equal("/api/companies/" + company, created.Headers.Location?.ToString());

        const string adminId = "7d1f6a40-admin";
        using (var firstAdmin = await operatorApi.PostAsJsonAsync("/api/users", new { company_id = company, user_id = adminId, role = "admin", display_name = "Ada Admin" }))
        {
            Assert.Equal(HttpStatusCode.Created, firstAdmin.StatusCode);
        }

        using var admin = Client(_entra.AccessToken(adminId, "Ada Admin"));
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.False(me.GetProperty("operator").GetBoolean());
        Assert.Equal(company, me.GetProperty("acting_company_id").GetString());
        Assert.Equal("admin", me.GetProperty("memberships")[0].GetProperty("role").GetString());

        using (var rules = await admin.PutAsJsonAsync($"/api/companies/{company}", new { fuel_price_per_liter = 1.85, rules = new { speeding = new { default_speed_limit_kmh = 80 } } }))
        {
            var settings = await rules.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, rules.StatusCode);
            Assert.Equal(1.85, settings.GetProperty("fuel_price_per_liter").GetDouble());
            Assert.Equal(80, settings.GetProperty("rules").GetProperty("speeding").GetProperty("default_speed_limit_kmh").GetDouble());
        }

        using var vehicle = await admin.PostAsJsonAsync("/api/vehicles", new { name = "Truck 1", device_id = "nw-tracker-1" });
        Assert.Equal(HttpStatusCode.Created, vehicle.StatusCode);
        var vehicleId = (await vehicle.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("vehicle_id").GetString()!;
        Assert.Equal("/api/vehicles/" + vehicleId, vehicle.Headers.Location?.ToString());

        const string dispatcherId = "3c9e2b77-dispatcher";
        using (var added = await admin.PostAsJsonAsync("/api/users", new { user_id = dispatcherId, role = "dispatcher" }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var dispatcherToken = _entra.AccessToken(dispatcherId, "Dan Dispatcher");
        using var dispatcher = Client(dispatcherToken);
        var vehicles = await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles");
        Assert.Equal([vehicleId], vehicles.EnumerateArray().Select(item => item.GetProperty("vehicle_id").GetString()));

        await using var dispatcherHub = await ConnectAsync(dispatcherToken);
        await using var adminHub = await ConnectAsync(_entra.AccessToken(adminId, "Ada Admin"));
        var start = DateTimeOffset.UtcNow.AddSeconds(-30);
        // A demo company's vehicle reports in the same batch: nothing of it may reach Northwind's dispatcher.
        await SendAsync(LocalHostRig.Fix("nw-tracker-1", start, 52.52, 13.40, 40), LocalHostRig.Fix("sim-002", start, 25.03, 121.56, 30));
        var location = await dispatcherHub.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal(company, location.Argument.GetProperty("company_id").GetString());
        Assert.All(await dispatcherHub.DrainAsync(TimeSpan.FromSeconds(1)), message => Assert.Equal(company, message.Argument.GetProperty("company_id").GetString()));

        using (var removed = await admin.DeleteAsync($"/api/users/{dispatcherId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        // The open connection is closed at once, not left to its token's expiry: the client must negotiate again.
        await dispatcherHub.WaitForCloseAsync(Wait);
        using var refused = await dispatcher.GetAsync("/api/vehicles");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not a member of any company", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        await adminHub.DrainAsync(TimeSpan.FromMilliseconds(300));
        await SendAsync(LocalHostRig.Fix("nw-tracker-1", start.AddSeconds(5), 52.521, 13.401, 40));
        await adminHub.NextAsync(Wait, "vehicle_location_update");
        Assert.DoesNotContain(await dispatcherHub.DrainAsync(TimeSpan.FromSeconds(1)), message => message.Target == "vehicle_location_update");
        using var renegotiate = await _host.NegotiateAsync(dispatcherToken);
        Assert.Equal(HttpStatusCode.Forbidden, renegotiate.StatusCode);
    }

    [Fact]
    public async Task A_valid_token_without_a_membership_is_refused_with_a_clear_detail_and_only_operators_create_companies()
    {
        using var stranger = Client(_entra.AccessToken("9f00aa11-stranger", "Sue Stranger"));

        using var vehicles = await stranger.GetAsync("/api/vehicles");
        using var companies = await stranger.PostAsJsonAsync("/api/companies", new { name = "Squatters Ltd" });
        var me = await stranger.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal(HttpStatusCode.Forbidden, vehicles.StatusCode);
        Assert.Equal(
            "User '9f00aa11-stranger' is not a member of any company; ask an administrator of your company to add you.",
            (await vehicles.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, companies.StatusCode);
        Assert.Equal(0, me.GetProperty("memberships").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("acting_company_id").ValueKind);
    }

    [Fact]
    public async Task A_token_of_another_tenant_is_not_accepted()
    {
        await using var otherTenant = await EntraIdFake.StartAsync();
        using var foreign = Client(otherTenant.AccessToken("0b5e0c1a-operator", "Olive Operator", EntraIdFake.OperatorRole));

        using var response = await foreign.GetAsync("/api/companies");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private HttpClient Client(string token) => _host.Client(token);

    private async Task<SignalRTestClient> ConnectAsync(string userToken) => await LocalHostRig.ConnectNegotiatedAsync(await _host.NegotiateAsync(userToken));

    private async Task SendAsync(params string[] fixes)
    {
        using var sent = await _host.SendBatchAsync(fixes);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }
}

public sealed class EntraTenancyTestsInMemory : EntraTenancyTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class EntraTenancyTestsOnServers : EntraTenancyTests
{
    protected override HostStores Stores => HostStores.Servers;
}
