using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// A trip under way in the trips panel (issue 18): a reviewer saw open trips at 0.0 km with a frozen top speed and a
/// frozen duration.
/// </summary>
public sealed class OpenTripTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Fact]
    public async Task A_trip_under_way_shows_its_distance_so_far_and_its_duration_advances_with_the_clock()
    {
        // v-009 drives east at 40 km/h for two minutes, starting three minutes ago: about 1.3 km.
        var start = DateTimeOffset.UtcNow.AddMinutes(-3);
        var fixes = Enumerable.Range(0, 25).Select(i => LocalHostRig.Fix("sim-009", start.AddSeconds(5 * i), 25.2, 121.4 + (i * 0.000537), 40));
        using (var sent = await fleet.Host.SendBatchAsync(fixes))
        {
            sent.EnsureSuccessStatusCode();
        }

        await fleet.Host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(30));
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-open-trip", "c-acme");
        await page.Page.Locator("#vehicle-list li[data-vehicle-id='v-009'] button").ClickAsync();

        var trip = page.Page.Locator("#trips li[data-status='started'] .trip-facts");
        await Assertions.Expect(trip).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^1\.[0-2] km · 3 min · max 40 km/h$"), new() { Timeout = 5_000 });

        // Ten minutes later by the page's clock, with no news: the duration has gone on.
        await page.Page.Clock.SetSystemTimeAsync(DateTime.UtcNow.AddMinutes(10));
        await Assertions.Expect(trip).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^1\.[0-2] km · 13 min · max 40 km/h$"), new() { Timeout = 10_000 });
    }
}
