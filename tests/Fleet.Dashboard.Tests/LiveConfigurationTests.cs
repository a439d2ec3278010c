using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// Issue 18: an open page kept what it read at sign-in. Jobs made by another client, and vehicles, drivers and geofences
/// an admin adds, changes or removes through the API, now reach the page as they happen, with no reload.
/// </summary>
public sealed class LiveConfigurationTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    private static readonly LocatorAssertionsToHaveCountOptions Soon = new() { Timeout = 5_000 };

    [Fact]
    public async Task Jobs_another_client_creates_appear_in_the_open_jobs_panel()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-live-jobs", "c-acme");
        await Assertions.Expect(page.Page.Locator("#jobs-empty")).ToBeVisibleAsync();
        using var otherDispatcher = await fleet.Host.ClientAsync("acme-dispatcher-elsewhere", "c-acme", "dispatcher");

        var waiting = await TestJobs.CreateAsync(otherDispatcher, "delivery", 25.047, 121.517, "12 Harbour Rd", "order-live-1");
        var assigned = await TestJobs.CreateAsync(otherDispatcher, "shipment", 25.060, 121.540, "Warehouse 4", "order-live-2", "v-009", "drv-sim-009");

        var waitingRow = page.Page.Locator($"#job-list li[data-job-id='{waiting}']");
        var assignedRow = page.Page.Locator($"#job-list li[data-job-id='{assigned}']");
        await Assertions.Expect(waitingRow).ToHaveCountAsync(1, Soon);
        await Assertions.Expect(assignedRow).ToHaveCountAsync(1, Soon);
        await Assertions.Expect(waitingRow).ToHaveAttributeAsync("data-status", "created");
        await Assertions.Expect(waitingRow.Locator(".job-route")).ToContainTextAsync("12 Harbour Rd");
        await Assertions.Expect(assignedRow).ToHaveAttributeAsync("data-status", "assigned");
        await Assertions.Expect(assignedRow.Locator(".job-who")).ToHaveTextAsync("Vehicle 9 · Driver 9");

        // A change to a job the page learnt of live is applied like any other.
        await TestJobs.MoveAsync(otherDispatcher, assigned, "en_route");
        await Assertions.Expect(assignedRow).ToHaveAttributeAsync("data-status", "en_route", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Page.Locator("#job-list li[data-job-id]")).ToHaveCountAsync(2);
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_vehicle_added_appears_in_the_open_list_of_its_company_alone()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-live-added", "c-acme");
        await using var globex = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "globex-dispatcher-live-added", "c-globex");
        using var admin = await fleet.Host.ClientAsync("acme-admin-live-added", "c-acme", "admin");

        using var created = await admin.PostAsJsonAsync("/api/vehicles", new { name = "Van 41", device_id = "live-tracker-41" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var vehicleId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("vehicle_id").GetString();

        var added = page.Page.Locator($"#vehicle-list li[data-vehicle-id='{vehicleId}']");
        await Assertions.Expect(added).ToHaveCountAsync(1, Soon);
        await Assertions.Expect(added).ToContainTextAsync("Van 41");
        await Assertions.Expect(added).ToContainTextAsync("No position yet");

        // Company B's page was told nothing of company A's fleet.
        await Assertions.Expect(globex.Page.Locator("#vehicle-list li[data-vehicle-id]", new() { HasText = "Van 41" })).ToHaveCountAsync(0);
        Assert.All(globex.Frames.Envelopes, envelope => Assert.Equal("c-globex", envelope.GetProperty("company_id").GetString()));
        Assert.Empty(page.Problems);
        Assert.Empty(globex.Problems);
    }

    [Fact]
    public async Task A_vehicle_deleted_leaves_the_open_list_and_map_and_is_no_longer_followed()
    {
        using var sent = await fleet.Host.SendBatchAsync([LocalHostRig.Fix("sim-005", DateTimeOffset.UtcNow.AddSeconds(-5), 25.04, 121.55, 30)]);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await fleet.Host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(10));
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-live-deleted", "c-acme");
        var row = page.Page.Locator("#vehicle-list li[data-vehicle-id='v-005']");
        var marker = page.Page.Locator(".vehicle-marker[data-vehicle-id='v-005']");
        await Assertions.Expect(marker).ToHaveCountAsync(1, Soon);
        await row.Locator("button").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("aria-current", "true");
        using var admin = await fleet.Host.ClientAsync("acme-admin-live-deleted", "c-acme", "admin");
        var unfollowed = page.Page.WaitForRequestAsync(
            request => request.Method == "DELETE" && request.Url.EndsWith("/api/subscriptions", StringComparison.Ordinal), new() { Timeout = 5_000 });

        using var deleted = await admin.DeleteAsync("/api/vehicles/v-005");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await Assertions.Expect(row).ToHaveCountAsync(0, Soon);
        await Assertions.Expect(marker).ToHaveCountAsync(0);
        await Assertions.Expect(page.Page.Locator("#trips-note")).ToHaveTextAsync("The selected vehicle was removed from the fleet.");
        Assert.Contains("v-005", (await unfollowed).PostData, StringComparison.Ordinal);
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_geofence_added_changed_and_deleted_is_drawn_redrawn_and_removed_on_the_open_map()
    {
        // A vehicle beside the fence, for the map to open on: Leaflet draws nothing of a fence out of view.
        using var sent = await fleet.Host.SendBatchAsync([LocalHostRig.Fix("sim-011", DateTimeOffset.UtcNow.AddSeconds(-5), 25.035, 121.555, 0)]);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await fleet.Host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(10));
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-live-fences", "c-acme");
        var fences = page.Page.Locator("#map path.geofence");
        await Assertions.Expect(fences).ToHaveCountAsync(2, Soon);
        using var admin = await fleet.Host.ClientAsync("acme-admin-live-fences", "c-acme", "admin");
        var yard = page.Page.Locator("#map path.geofence[data-geofence-id='yard-9']");

        await SaveFenceAsync(admin, "Yard 9", radiusMeters: 200);
        await Assertions.Expect(fences).ToHaveCountAsync(3, Soon);
        await Assertions.Expect(yard).ToHaveCountAsync(1);
        var drawn = await yard.GetAttributeAsync("d");

        await SaveFenceAsync(admin, "Yard 9, enlarged", radiusMeters: 900);
        await Assertions.Expect(yard).Not.ToHaveAttributeAsync("d", drawn!, new() { Timeout = 5_000 });
        await Assertions.Expect(fences).ToHaveCountAsync(3);

        using var deleted = await admin.DeleteAsync("/api/geofences/yard-9");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Assertions.Expect(yard).ToHaveCountAsync(0, Soon);
        await Assertions.Expect(fences).ToHaveCountAsync(2);
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_driver_added_gives_its_name_to_the_vehicle_reporting_its_id()
    {
        // The driver's id reaches the page with the vehicle's live position: the vehicle list holds no driver.
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-live-drivers", "c-acme");
        using var sent = await fleet.Host.SendBatchAsync([
            LocalHostRig.Fix("sim-007", DateTimeOffset.UtcNow.AddSeconds(-5), 25.03, 121.56, 20).Replace("\"ignition\"", "\"driver_id\":\"c-acme.drv-nadia\",\"ignition\"", StringComparison.Ordinal)]);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var driver = page.Page.Locator("#vehicle-list li[data-vehicle-id='v-007'] .vehicle-driver");
        await Assertions.Expect(driver).ToHaveTextAsync("c-acme.drv-nadia", new() { Timeout = 5_000 });
        using var admin = await fleet.Host.ClientAsync("acme-admin-live-drivers", "c-acme", "admin");

        using var created = await admin.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.drv-nadia", name = "Nadia Okafor" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await Assertions.Expect(driver).ToHaveTextAsync("Nadia Okafor", new() { Timeout = 5_000 });
        Assert.Empty(page.Problems);
    }

    private static async Task SaveFenceAsync(HttpClient admin, string name, double radiusMeters)
    {
        using var saved = await admin.PostAsJsonAsync(
            "/api/geofences",
            new { geofence_id = "yard-9", name, geometry = new { type = "Point", coordinates = new[] { 121.556, 25.036 } }, radius_meters = radiusMeters });
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
    }
}
