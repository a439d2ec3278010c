using Fleet.Dashboard.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// Moving a device from the administration area (issue 18): a device another vehicle holds is refused, naming that
/// vehicle, until the admin asks for the move.
/// </summary>
public sealed class DeviceMovePageTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Fact]
    public async Task Adding_a_vehicle_with_a_device_in_use_names_its_vehicle_and_moves_it_only_when_asked()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-admin-move", "c-acme", "admin");
        var admin = page.Page;
        await admin.GetByRole(AriaRole.Button, new() { Name = "Administration" }).ClickAsync();

        await admin.Locator("#new-vehicle-name").FillAsync("Spare van");
        await admin.Locator("#new-vehicle-device-id").FillAsync("sim-011");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add vehicle" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-vehicles .form-error")).ToContainTextAsync("reports for vehicle 'v-011'", new() { Timeout = 5_000 });
        await Assertions.Expect(admin.Locator("#admin-vehicle-list li", new() { HasText = "Spare van" })).ToHaveCountAsync(0);

        await admin.GetByLabel("Take the device from the vehicle that has it").CheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add vehicle" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#admin-vehicle-list li", new() { HasText = "Spare van" })).ToContainTextAsync("devices sim-011", new() { Timeout = 5_000 });
        await Assertions.Expect(admin.Locator("#admin-vehicle-list li[data-vehicle-id='v-011']")).ToContainTextAsync("no device");

        // The browser logs the refused request itself; nothing else went wrong.
        Assert.Equal(["console: Failed to load resource: the server responded with a status of 409 (Conflict)"], page.Problems);
    }
}
