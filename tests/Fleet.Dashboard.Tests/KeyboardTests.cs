using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>A dispatcher working from the keyboard alone, on a fleet that has been driving for a while.</summary>
[Collection(SimulatedFleetCollection.Name)]
public sealed class KeyboardTests(SimulatedFleet fleet)
{
    [Fact]
    public async Task Every_control_has_a_name_and_a_vehicle_and_its_trip_path_are_reached_from_the_keyboard()
    {
        await using var page = await fleet.OpenWithVehiclesAsync("acme-dispatcher-keyboard", "c-acme");

        // What a screen reader would announce for each control: its label, text or aria-label.
        Assert.Empty(await page.UnnamedControlsAsync());

        // Tab from the top of the page to the first vehicle, as a keyboard user would.
        var firstVehicle = page.Page.Locator("#vehicle-list li[data-vehicle-id] button").First;
        var reached = false;
        for (var presses = 0; presses < 60 && !reached; presses++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
            reached = await firstVehicle.EvaluateAsync<bool>("button => button === document.activeElement");
        }

        Assert.True(reached, "the first vehicle was not reachable with Tab");
        await page.Page.Keyboard.PressAsync("Enter");

        // Trips start after 200 m, a few reports after the simulation starts: wait for the first one of this vehicle.
        var trip = page.Page.Locator("#trips li[data-trip-id] button").First;
        for (var attempt = 0; attempt < 12 && await trip.CountAsync() == 0; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            await firstVehicle.FocusAsync();
            await page.Page.Keyboard.PressAsync("Enter");
        }

        await trip.FocusAsync();
        await page.Page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Page.Locator(".trip-path")).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        Assert.Empty(page.Problems);
    }
}
