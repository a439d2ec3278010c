using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// Setting up a company from the browser (DESIGN 3.5): the operator creates it and its first admin, the admin sets its
/// fuel price and a speed threshold, adds a vehicle and a dispatcher, and the dispatcher then sees the vehicle.
/// </summary>
public sealed class AdministrationTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    private static readonly LocatorAssertionsToBeVisibleOptions Shown = new() { Timeout = 10_000 };

    [Fact]
    public async Task An_operator_creates_a_company_whose_admin_sets_it_up_and_whose_dispatcher_then_sees_its_vehicle()
    {
        await using var operatorPage = await DashboardPage.OpenAsUserAsync(fleet.Browser, fleet.Host.BaseAddress, "fleet-operator");
        var page = operatorPage.Page;
        await Assertions.Expect(page.Locator("#company-list li", new() { HasText = "Acme Logistics" })).ToBeVisibleAsync(Shown);

        // A bad field is named next to itself, and nothing is created.
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Northwind Freight");
        await page.GetByLabel("Time zone (IANA, e.g. Europe/Berlin)").FillAsync("Mars/Olympus");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create company" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-company-time-zone-error")).ToContainTextAsync("IANA time zone");
        await Assertions.Expect(page.Locator("#new-company-time-zone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#new-company-time-zone")).ToBeFocusedAsync();

        await page.GetByLabel("Time zone (IANA, e.g. Europe/Berlin)").FillAsync("Europe/Berlin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create company" }).ClickAsync();
        var northwind = page.Locator("#company-list li", new() { HasText = "Northwind Freight" });
        await Assertions.Expect(northwind).ToBeVisibleAsync(Shown);
        var companyId = (await northwind.GetAttributeAsync("data-company-id"))!;
        Assert.Empty(await operatorPage.UnnamedControlsAsync());

        await page.Locator("#first-admin-company-id").SelectOptionAsync(companyId);
        await page.Locator("#first-admin-user-id").FillAsync("ada-northwind");
        await page.Locator("#first-admin-display-name").FillAsync("Ada");
        await page.Locator("#first-admin-display-name").PressAsync("Enter");
        await Assertions.Expect(page.Locator("#messages")).ToContainTextAsync("Admin added.");

        await using (var adminPage = await DashboardPage.OpenAsUserAsync(fleet.Browser, fleet.Host.BaseAddress, "ada-northwind"))
        {
            var admin = adminPage.Page;
            await Assertions.Expect(admin.Locator("#signed-in-as")).ToContainTextAsync("(admin) · Northwind Freight", new() { Timeout = 10_000 });
            await admin.GetByRole(AriaRole.Button, new() { Name = "Administration" }).ClickAsync();

            await admin.Locator("#settings-fuel-price-per-liter").FillAsync("1.85");
            await admin.GetByLabel("Default speed limit (km/h)").FillAsync("80");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            await Assertions.Expect(admin.Locator("#messages")).ToContainTextAsync("Company settings saved.");

            await admin.Locator("#new-vehicle-name").FillAsync("Truck 1");
            await admin.Locator("#new-vehicle-device-id").FillAsync("nw-tracker-1");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Add vehicle" }).ClickAsync();
            await Assertions.Expect(admin.Locator("#admin-vehicle-list li", new() { HasText = "Truck 1" })).ToContainTextAsync("devices nw-tracker-1");

            await admin.Locator("#new-user-user-id").FillAsync("dan-northwind");
            await admin.Locator("#new-user-role").SelectOptionAsync("dispatcher");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
            await Assertions.Expect(admin.Locator("#admin-user-list li[data-user-id='dan-northwind'] select")).ToHaveValueAsync("dispatcher");
            Assert.Empty(await adminPage.UnnamedControlsAsync());
            Assert.Empty(adminPage.Problems);
        }

        await using var dispatcherPage = await DashboardPage.OpenAsUserAsync(fleet.Browser, fleet.Host.BaseAddress, "dan-northwind");
        await Assertions.Expect(dispatcherPage.ConnectionState).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        await Assertions.Expect(dispatcherPage.Page.Locator("#vehicle-list li[data-vehicle-id]")).ToHaveCountAsync(1);
        await Assertions.Expect(dispatcherPage.Page.Locator("#vehicle-list")).ToContainTextAsync("Truck 1");
        await Assertions.Expect(dispatcherPage.Page.GetByRole(AriaRole.Button, new() { Name = "Administration" })).ToBeHiddenAsync();

        using var operatorApi = await fleet.Host.IdentityClientAsync("fleet-operator");
        var settings = await operatorApi.GetFromJsonAsync<JsonElement>($"/api/companies/{companyId}");
        Assert.Equal(1.85, settings.GetProperty("fuel_price_per_liter").GetDouble());
        Assert.Equal(80, settings.GetProperty("rules").GetProperty("speeding").GetProperty("default_speed_limit_kmh").GetDouble());
        Assert.Equal("Europe/Berlin", settings.GetProperty("time_zone").GetString());
        // The browser logs the refused company (the bad time zone) as a failed resource; nothing else went wrong.
        Assert.Contains("status of 400", Assert.Single(operatorPage.Problems), StringComparison.Ordinal);
        Assert.Empty(dispatcherPage.Problems);
    }

    [Fact]
    public async Task A_user_of_two_companies_switches_between_them_and_each_shows_only_its_own_fleet()
    {
        await fleet.Host.TokenAsync("pat-both", "c-acme", "dispatcher");
        await fleet.Host.TokenAsync("pat-both", "c-globex", "dispatcher");
        await using var both = await DashboardPage.OpenAsUserAsync(fleet.Browser, fleet.Host.BaseAddress, "pat-both");
        var vehicles = both.Page.Locator("#vehicle-list li[data-vehicle-id]");
        await Assertions.Expect(both.ConnectionState).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        await Assertions.Expect(both.Page.Locator("#signed-in-as")).ToContainTextAsync("Acme Logistics");
        await Assertions.Expect(vehicles.First).ToBeVisibleAsync(Shown);
        var acme = await VehicleIdsAsync(vehicles);

        await both.Page.GetByLabel("Company", new() { Exact = true }).SelectOptionAsync("c-globex");

        await Assertions.Expect(both.Page.Locator("#signed-in-as")).ToContainTextAsync("Globex Couriers");
        await Assertions.Expect(both.ConnectionState).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        await Assertions.Expect(vehicles.First).ToBeVisibleAsync(Shown);
        var globex = await VehicleIdsAsync(vehicles);
        using var globexApi = await fleet.Host.ClientAsync("globex-only", "c-globex", "dispatcher");
        var globexFleet = (await globexApi.GetFromJsonAsync<JsonElement>("/api/vehicles")).EnumerateArray().Select(vehicle => vehicle.GetProperty("vehicle_id").GetString()!);
        Assert.NotEmpty(acme);
        Assert.Empty(acme.Intersect(globex));
        Assert.Equal(globexFleet.Order(StringComparer.Ordinal), globex.Order(StringComparer.Ordinal));
        Assert.Empty(both.Problems);
    }

    [Fact]
    public async Task The_demo_operator_signs_in_from_the_development_list_to_the_companies_area()
    {
        await using var signIn = await DashboardPage.OpenAtAsync(fleet.Browser, fleet.Host.BaseAddress, "/");
        await signIn.Page.GetByLabel("Demo user").SelectOptionAsync(new SelectOptionValue { Label = "Olive, platform operator (operator)" });
        await signIn.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Assertions.Expect(signIn.Page.Locator("#company-list li", new() { HasText = "Globex Couriers" })).ToBeVisibleAsync(Shown);
        await Assertions.Expect(signIn.Page.Locator("#signed-in-as")).ToHaveTextAsync("fleet-operator · platform operator");
        await Assertions.Expect(signIn.Page.Locator("#dashboard")).ToBeHiddenAsync();
        Assert.Empty(signIn.Problems);
    }

    [Fact]
    public async Task An_admin_creates_a_device_credential_shown_once_with_the_app_settings_and_revokes_it()
    {
        await using var adminPage = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-admin-credentials", "c-acme", "admin");
        var admin = adminPage.Page;
        await admin.GetByRole(AriaRole.Button, new() { Name = "Administration" }).ClickAsync();
        await admin.Locator("#credentials-device").SelectOptionAsync("sim-001");
        await admin.Locator("#new-credential-label").FillAsync("Sam's phone");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create credential" }).ClickAsync();

        var secret = admin.Locator(".credential-secret");
        await Assertions.Expect(secret).ToBeVisibleAsync(Shown);
        await Assertions.Expect(secret).ToBeFocusedAsync();
        var token = await secret.Locator(".credential-setting", new() { HasText = "Device identifier" }).Locator("code").InnerTextAsync();
        Assert.StartsWith("fdk_", token, StringComparison.Ordinal);
        await Assertions.Expect(secret.Locator(".credential-setting", new() { HasText = "Server URL" }).Locator("code"))
            .ToHaveTextAsync(new Uri(fleet.Host.BaseAddress, "api/osmand").ToString());
        await Assertions.Expect(secret.Locator(".credential-setting", new() { HasText = "User ID" }).Locator("code")).ToHaveTextAsync("sim-001");
        Assert.StartsWith("data:image/gif;base64,", await secret.Locator("img.credential-qr").GetAttributeAsync("src"), StringComparison.Ordinal);
        Assert.Empty(await adminPage.UnnamedControlsAsync());

        // The token works as Traccar Client sends it; the list never shows it.
        var osmAnd = $"/api/osmand?id={token}&timestamp={DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeSeconds()}&lat=25.05&lon=121.55&speed=5";
        using (var sent = await fleet.Host.Http.PostAsync(osmAnd, null))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        var row = admin.Locator("#credential-list li", new() { HasText = "Sam's phone" });
        Assert.DoesNotContain(token, await admin.Locator("#credential-list").InnerTextAsync(), StringComparison.Ordinal);
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Sam's phone" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#credential-list li[data-revoked='true']", new() { HasText = "Sam's phone" })).ToBeVisibleAsync(Shown);
        await Assertions.Expect(admin.Locator(".credential-secret")).ToHaveCountAsync(0);
        using var refused = await fleet.Host.Http.PostAsync(osmAnd, null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(adminPage.Problems);
    }

    private static async Task<string[]> VehicleIdsAsync(ILocator rows) =>
        [.. await Task.WhenAll((await rows.AllAsync()).Select(async row => (await row.GetAttributeAsync("data-vehicle-id"))!))];
}
