using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// A user with memberships in two companies (the demo's Acme and Globex): every request and every connection acts for
/// exactly one of them, chosen by the request, and never mixes the two.
/// </summary>
public sealed class MultiCompanyTests : IAsyncLifetime
{
    private const string User = "u-both";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private LocalHostRig _host = null!;
    private HttpClient _both = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
        await _host.TokenAsync(User, "c-acme", "dispatcher");
        await _host.TokenAsync(User, "c-globex", "dispatcher");

        _both = await _host.IdentityClientAsync(User);
    }

    public async Task DisposeAsync()
    {
        _both.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_request_acts_for_the_company_it_names_and_one_naming_none_is_told_to_choose()
    {
        using var acme = await _host.ClientAsync("acme-only", "c-acme", "dispatcher");
        using var globex = await _host.ClientAsync("globex-only", "c-globex", "dispatcher");
        var acmeVehicles = await VehicleIdsAsync(acme, "/api/vehicles");
        var globexVehicles = await VehicleIdsAsync(globex, "/api/vehicles");

        using var unchosen = await _both.GetAsync("/api/vehicles");
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, "/api/vehicles") { Headers = { { "X-Fleet-Company", "c-acme" } } };
        var chosenByHeader = await VehicleIdsAsync(await _both.SendAsync(byHeader));
        var chosenByQuery = await VehicleIdsAsync(_both, "/api/vehicles?company_id=c-globex");
        var me = await _both.GetFromJsonAsync<JsonElement>("/api/me");

        Assert.Equal(HttpStatusCode.BadRequest, unchosen.StatusCode);
        Assert.Equal(
            "You are a member of several companies (c-acme, c-globex): choose one with the X-Fleet-Company header or the company_id query parameter.",
            (await unchosen.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.NotEmpty(acmeVehicles);
        Assert.Empty(acmeVehicles.Intersect(globexVehicles));
        Assert.Equal(acmeVehicles, chosenByHeader);
        Assert.Equal(globexVehicles, chosenByQuery);
        Assert.Equal(["c-acme", "c-globex"], me.GetProperty("memberships").EnumerateArray().Select(item => item.GetProperty("company_id").GetString()));
    }

    [Fact]
    public async Task Two_connections_of_one_user_each_carry_only_the_company_they_were_negotiated_for()
    {
        await using var acme = await ConnectAsync("/api/negotiate?company_id=c-acme");
        await using var globex = await ConnectAsync("/api/negotiate?company_id=c-globex");
        using var unchosen = await _both.PostAsync("/api/negotiate", null);

        var now = DateTimeOffset.UtcNow.AddSeconds(-10);
        using var sent = await _host.SendBatchAsync([LocalHostRig.Fix("sim-001", now, 25.03, 121.56, 30), LocalHostRig.Fix("sim-002", now, 25.04, 121.57, 30)]);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await acme.NextAsync(Wait, "vehicle_location_update");
        await globex.NextAsync(Wait, "vehicle_location_update");
        var acmeMessages = await acme.DrainAsync(TimeSpan.FromSeconds(1));
        var globexMessages = await globex.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.BadRequest, unchosen.StatusCode);
        Assert.All(acmeMessages, message => Assert.Equal("c-acme", message.Argument.GetProperty("company_id").GetString()));
        Assert.All(globexMessages, message => Assert.Equal("c-globex", message.Argument.GetProperty("company_id").GetString()));
    }

    private async Task<SignalRTestClient> ConnectAsync(string negotiatePath) => await LocalHostRig.ConnectNegotiatedAsync(await _both.PostAsync(negotiatePath, null));

    private static async Task<string[]> VehicleIdsAsync(HttpClient http, string path) => await VehicleIdsAsync(await http.GetAsync(path));

    private static async Task<string[]> VehicleIdsAsync(HttpResponseMessage response)
    {
        using (response)
        {
            response.EnsureSuccessStatusCode();
            var vehicles = await response.Content.ReadFromJsonAsync<JsonElement>();
            return [.. vehicles.EnumerateArray().Select(vehicle => vehicle.GetProperty("vehicle_id").GetString()!)];
        }
    }
}
