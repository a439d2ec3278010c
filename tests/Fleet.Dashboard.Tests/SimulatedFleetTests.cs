using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Dashboard.Tests.Support;
using Fleet.Core.Realtime;
using Fleet.LocalHost.Realtime;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>The local host with 40 simulated vehicles (20 per company) and a browser, shared by the tests of a class.</summary>
public sealed class SimulatedFleet : IAsyncLifetime
{
    public const int VehiclesPerCompany = 20;

    private LocalHostRig? _host;

    public LocalHostRig Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    public Browser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        // Dashboards every 5 s, so the KPI tiles live as they do with the product's 30 s schedule, only sooner.
        _host = await LocalHostRig.StartAsync("--simulate=40", "--Fleet:Demo:Vehicles=40", "--DashboardSchedule=*/5 * * * * *");
        await Browser.InitializeAsync();

        // The simulator has put every vehicle on the map before a test signs in.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await VehiclesAsync("c-acme")).Count(vehicle => vehicle.Latitude is not null) < VehiclesPerCompany)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The simulated vehicles did not all report within 30 s.");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A dispatcher's page, once it shows all of the company's vehicles: within 5 s of signing in.</summary>
    public async Task<DashboardPage> OpenWithVehiclesAsync(string userId, string companyId)
    {
        var page = await DashboardPage.OpenAsync(Browser, Host.BaseAddress, userId, companyId);
        await Assertions.Expect(page.Markers).ToHaveCountAsync(VehiclesPerCompany, new() { Timeout = 5_000 });
        return page;
    }

    public async Task<IReadOnlyList<(string VehicleId, double? Latitude, double? Longitude)>> VehiclesAsync(string companyId)
    {
        using var observer = await Host.ClientAsync("test-observer", companyId, "dispatcher");
        var vehicles = await observer.GetFromJsonAsync<JsonElement>("/api/vehicles");
        return [.. vehicles.EnumerateArray().Select(vehicle => (
            vehicle.GetProperty("vehicle_id").GetString()!,
            vehicle.GetProperty("latitude").ValueKind == JsonValueKind.Number ? vehicle.GetProperty("latitude").GetDouble() : (double?)null,
            vehicle.GetProperty("longitude").ValueKind == JsonValueKind.Number ? vehicle.GetProperty("longitude").GetDouble() : (double?)null))];
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>One simulated fleet for every class that needs one: starting it and letting it drive takes a while.</summary>
[CollectionDefinition(Name)]
public sealed class SimulatedFleetCollection : ICollectionFixture<SimulatedFleet>
{
    public const string Name = "simulated fleet";
}

[Collection(SimulatedFleetCollection.Name)]
public sealed class SimulatedFleetTests(SimulatedFleet fleet)
{
    private static bool IsAcme(string vehicleId) => int.Parse(vehicleId["v-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1;

    [Fact]
    public async Task A_dispatcher_sees_the_companys_20_simulated_vehicles_within_5_s_and_they_move()
    {
        var signIn = Stopwatch.StartNew();
        await using var page = await fleet.OpenWithVehiclesAsync("acme-dispatcher-markers", "c-acme");
        Assert.True(signIn.Elapsed < TimeSpan.FromSeconds(5), $"20 markers took {signIn.Elapsed.TotalSeconds:0.0} s from sign-in");

        var first = await page.MarkerPositionsAsync();
        Assert.All(first.Keys, vehicleId => Assert.True(IsAcme(vehicleId), $"{vehicleId} is not Acme's"));

        // Vehicles report every 5 s; most are driving.
        var moved = 0;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (moved < SimulatedFleet.VehiclesPerCompany / 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            var now = await page.MarkerPositionsAsync();
            moved = now.Count(pair => first.TryGetValue(pair.Key, out var before) && before != pair.Value);
        }

        Assert.True(moved >= SimulatedFleet.VehiclesPerCompany / 2, $"only {moved} markers moved in 15 s");
        Assert.Equal(SimulatedFleet.VehiclesPerCompany, await page.Page.Locator("#vehicle-list li[data-vehicle-id]").CountAsync());
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_page_of_company_b_never_shows_or_receives_a_vehicle_alert_or_kpi_of_company_a()
    {
        await using var page = await fleet.OpenWithVehiclesAsync("globex-dispatcher-isolation", "c-globex");

        // Long enough for every simulated vehicle to report and a dashboard to be sent.
        await Task.Delay(TimeSpan.FromSeconds(8));

        Assert.All((await page.MarkerPositionsAsync()).Keys, vehicleId => Assert.False(IsAcme(vehicleId), $"Acme's {vehicleId} on Globex's map"));
        foreach (var item in await page.Page.Locator("#vehicle-list li[data-vehicle-id]").AllAsync())
        {
            Assert.False(IsAcme((await item.GetAttributeAsync("data-vehicle-id"))!));
        }

        foreach (var alert in await page.Alerts.AllAsync())
        {
            var vehicleId = await alert.GetAttributeAsync("data-vehicle-id");
            Assert.True(string.IsNullOrEmpty(vehicleId) || !IsAcme(vehicleId), $"Acme's alert for {vehicleId} on Globex's page");
        }

        var envelopes = page.Frames.Envelopes;
        Assert.NotEmpty(envelopes);
        Assert.All(envelopes, envelope => Assert.Equal("c-globex", envelope.GetProperty("company_id").GetString()));
        var shown = await page.Page.EvaluateAsync<JsonElement>("() => window.fleetDashboard.vehicles().map(v => v.vehicle_id)");
        Assert.All(shown.EnumerateArray(), vehicleId => Assert.False(IsAcme(vehicleId.GetString()!)));
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task When_the_server_drops_the_connection_the_page_says_reconnecting_recovers_and_matches_the_api()
    {
        const string user = "acme-dispatcher-reconnect";
        await using var page = await fleet.OpenWithVehiclesAsync(user, "c-acme");

        // Every state the indicator passes through, however briefly.
        await page.Page.EvaluateAsync("""
            () => {
              const indicator = document.querySelector('#connection-state');
              window.connectionStates = [];
              new MutationObserver(() => window.connectionStates.push(indicator.dataset.state))
                .observe(indicator, { attributes: true, attributeFilter: ['data-state'] });
            }
            """);
        Assert.Equal(1, fleet.Host.Services.GetRequiredService<ConnectionCounter>().CloseAll(RealtimeUsers.Of("c-acme", user)));

        // The page learns of the drop a moment later: until then it still, rightly, says connected.
        await page.Page.WaitForFunctionAsync("() => window.connectionStates.includes('reconnecting')", null, new() { Timeout = 10_000 });
        await page.Page.WaitForFunctionAsync("() => window.connectionStates.at(-1) === 'connected'", null, new() { Timeout = 15_000 });
        await Assertions.Expect(page.ConnectionState).ToHaveAttributeAsync("data-state", "connected");
        await Assertions.Expect(page.ConnectionState).ToContainTextAsync("Connected");

        var api = (await fleet.VehiclesAsync("c-acme")).Where(vehicle => vehicle.Latitude is not null).ToDictionary(vehicle => vehicle.VehicleId);
        var shown = await page.MarkerPositionsAsync();
        Assert.Equal(api.Keys.Order(StringComparer.Ordinal), shown.Keys.Order(StringComparer.Ordinal));

        // Vehicles keep driving while this compares: within 500 m is the same place a few seconds apart.
        Assert.All(shown, pair => Assert.True(
            DistanceMeters(pair.Value, (api[pair.Key].Latitude!.Value, api[pair.Key].Longitude!.Value)) < 500,
            $"{pair.Key} is shown {DistanceMeters(pair.Value, (api[pair.Key].Latitude!.Value, api[pair.Key].Longitude!.Value)):0} m from where the API has it"));
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_screenshot_of_the_running_dashboard_is_written()
    {
        await using var page = await fleet.OpenWithVehiclesAsync("acme-dispatcher-screenshot", "c-acme");
        // Half a minute on, trips have started (after 200 m) and the scenarios have raised their first alerts.
        await Task.Delay(TimeSpan.FromSeconds(30));

        var path = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path });

        Assert.True(new FileInfo(path).Length > 20_000, "the screenshot is suspiciously small");
        Assert.Empty(page.Problems);
    }

    private static double DistanceMeters((double Latitude, double Longitude) a, (double Latitude, double Longitude) b) =>
        Fleet.Core.Geo.GeoMath.DistanceMeters(new Fleet.Core.Geo.GeoPoint(a.Latitude, a.Longitude), new Fleet.Core.Geo.GeoPoint(b.Latitude, b.Longitude));
}
