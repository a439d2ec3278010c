using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Fleet.Simulator;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// After a simulated hour of 20 vehicles, the dashboard's tiles agree with the API's figures of each vehicle (issue 18:
/// a reviewer saw 0.2 L of fuel after 164.8 km, a fixed cost per km, and "Trips today 2 · 20 vehicles used").
/// </summary>
public sealed partial class KpiAgreementTests : IAsyncLifetime
{
    private const int VehiclesPerCompany = 20;
    private const double AgreementRatio = 0.01;

    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task The_tiles_equal_the_sum_of_the_vehicles_figures_after_an_hour_of_driving()
    {
        await using var host = await LocalHostRig.StartAsync("--Fleet:Demo:Vehicles=40", "--DashboardSchedule=*/2 * * * * *");
        using var dispatcher = await host.ClientAsync("acme-dispatcher-kpis", "c-acme", "dispatcher");
        using var admin = await host.ClientAsync("acme-admin-kpis", "c-acme", "admin");
        await KeepTheHourWithinOneDayAsync(admin);
        var odometersBefore = Odometers(await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles"));

        // An hour of 40 vehicles (20 per company) in 40 s: the simulation ends now, its fixes dated over the past hour.
        var options = new SimulatorOptions
        {
            Endpoint = host.BaseAddress, Vehicles = 2 * VehiclesPerCompany, Speedup = 90, Duration = TimeSpan.FromSeconds(40), Seed = 18,
        };
        using var http = new HttpClient();
        await new FleetSimulator(options, http, TimeProvider.System, TextWriter.Null).RunAsync(CancellationToken.None);
        await host.WaitUntilProcessedAsync(TimeSpan.FromMinutes(2));

        var vehicles = await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles");
        var today = await dispatcher.GetFromJsonAsync<JsonElement>("/api/dashboard/vehicles");
        var odometerKm = Odometers(vehicles).Sum(vehicle => vehicle.Value - odometersBefore[vehicle.Key]);
        var trips = 0;
        var used = 0;
        foreach (var vehicleId in odometersBefore.Keys)
        {
            var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-2).ToString("O", CultureInfo.InvariantCulture));
            var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            var journeys = (await dispatcher.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vehicleId}/trips?from={from}&to={to}"))
                .EnumerateArray().Count(trip => trip.GetProperty("status").GetString() != "cancelled");
            trips += journeys;
            used += journeys > 0 ? 1 : 0;
        }

        var fuelLiters = today.EnumerateArray().Sum(vehicle => vehicle.GetProperty("fuel_used_liters").GetDouble());
        var moving = vehicles.EnumerateArray().Count(vehicle => vehicle.GetProperty("status").GetString() == "moving");
        Assert.True(odometerKm > 100, $"the fleet drove {odometerKm:F1} km");
        Assert.InRange(fuelLiters / odometerKm, 0.06, 0.12);

        await using var page = await DashboardPage.OpenAsync(_browser, host.BaseAddress, "acme-dispatcher-kpis", "c-acme");
        var distanceTile = page.Page.Locator("[data-kpi='distance_km_today'] .kpi-value");
        await Assertions.Expect(distanceTile).ToHaveTextAsync(NumberPattern(), new() { Timeout = 10_000 });

        AssertAgree(odometerKm, Number(await distanceTile.TextContentAsync()), "distance");
        AssertAgree(fuelLiters, Number(await page.Page.Locator("[data-kpi='fuel_liters_today'] .kpi-value").TextContentAsync()), "fuel");
        Assert.Equal(trips, (int)Number(await page.Page.Locator("[data-kpi='trips_today'] .kpi-value").TextContentAsync()));
        var detail = await page.Page.Locator("[data-kpi='trips_today'] .kpi-detail").TextContentAsync();
        Assert.Equal($"{used} vehicles used", detail);
        Assert.True(used <= trips && used > VehiclesPerCompany / 2, $"{used} vehicles used, {trips} trips");
        Assert.Equal($"{moving} moving of {VehiclesPerCompany}", await page.Page.Locator("[data-kpi='active_vehicles'] .kpi-detail").TextContentAsync());

        // Cost per km: the fixed cost plus fuel per km at the fuel price, in the company's currency.
        var kpis = await dispatcher.GetFromJsonAsync<JsonElement>("/api/dashboard");
        var company = await admin.GetFromJsonAsync<JsonElement>("/api/companies/c-acme");
        var expectedCost = company.GetProperty("fixed_cost_per_km").GetDouble() + (fuelLiters / odometerKm * company.GetProperty("fuel_price_per_liter").GetDouble());
        AssertAgree(expectedCost, kpis.GetProperty("cost_per_km").GetDouble(), "cost per km");
        Assert.Equal(company.GetProperty("currency").GetString(), kpis.GetProperty("currency").GetString());
        var costTile = await page.Page.Locator("[data-kpi='cost_per_km'] .kpi-value").TextContentAsync();
        Assert.EndsWith(" /km", costTile, StringComparison.Ordinal);
        AssertAgree(expectedCost, Number(costTile), "cost per km tile");
        Assert.Empty(page.Problems);
    }

    /// <summary>
    /// The demo company keeps Taipei time unless the hour just driven, or the minutes the test takes, cross its midnight;
    /// then it moves to a zone where they do not, so "today" holds the whole hour.
    /// </summary>
    private static async Task KeepTheHourWithinOneDayAsync(HttpClient admin)
    {
        var zone = new[] { "Asia/Taipei", "Europe/London", "America/New_York" }.First(id =>
        {
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(id)).TimeOfDay;
            return local > TimeSpan.FromMinutes(65) && local < TimeSpan.FromHours(23.75);
        });
        using var changed = await admin.PutAsJsonAsync("/api/companies/c-acme", new { time_zone = zone });
        changed.EnsureSuccessStatusCode();
    }

    private static Dictionary<string, double> Odometers(JsonElement vehicles) =>
        vehicles.EnumerateArray().ToDictionary(vehicle => vehicle.GetProperty("vehicle_id").GetString()!, vehicle => vehicle.GetProperty("odometer_km").GetDouble());

    private static void AssertAgree(double expected, double shown, string what) =>
        Assert.True(Math.Abs(shown - expected) <= Math.Max(AgreementRatio * Math.Abs(expected), 0.05), $"{what}: shown {shown}, the vehicles' figures sum to {expected}");

    private static double Number(string? text) =>
        double.Parse(NumberPattern().Match(text ?? string.Empty).Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\d[\d,]*(\.\d+)?")]
    private static partial Regex NumberPattern();
}
