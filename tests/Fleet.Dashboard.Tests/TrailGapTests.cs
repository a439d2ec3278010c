using System.Net;
using System.Net.Sockets;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// Issue 18: the followed vehicle's trail drew a straight line across a stretch without fixes, as if the vehicle had
/// driven it. Where fixes are missing, the trail is two segments with a faint connector between them.
/// </summary>
public sealed class TrailGapTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Fact]
    public async Task A_followed_vehicle_silent_for_minutes_gets_a_trail_in_two_segments_not_a_line_across_the_gap()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-trail", "c-acme");
        await TrailTest.FollowAsync(page, "v-007");

        // v-007 reports every 5 s (the demo's interval), then nothing for two and a half minutes, then 1 km further on.
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await TrailTest.SendAsync(fleet.Host, TrailTest.Drive("sim-007", start, 25.12, 121.45));
        await TrailTest.WaitForLinesAsync(page, 1);
        await TrailTest.SendAsync(fleet.Host, TrailTest.Drive("sim-007", start.AddMinutes(3), 25.12, 121.46));

        await TrailTest.WaitForLinesAsync(page, 2);
        await Assertions.Expect(TrailTest.Segments(page)).ToHaveCountAsync(2);
        await Assertions.Expect(page.Page.Locator("path.trail-gap")).ToHaveCountAsync(1);
        Assert.Empty(page.Problems);
    }
}

/// <summary>The local host restarted under a dispatcher's page, on the same address, with its in-memory stores afresh.</summary>
public sealed class HostRestartTests : IAsyncLifetime
{
    private readonly Browser _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task After_a_host_restart_the_page_says_live_updates_resumed_and_the_followed_trail_shows_the_gap()
    {
        var address = $"--Urls=http://127.0.0.1:{FreePort()}";
        var first = await LocalHostRig.StartAsync(address);
        LocalHostRig? second = null;
        try
        {
            // The demo dispatcher, whose membership the restarted host seeds again, as a developer signs in.
            await using var page = await DashboardPage.OpenAsync(_browser, first.BaseAddress, "acme-dispatcher", "c-acme");
            await TrailTest.FollowAsync(page, "v-001");
            await TrailTest.SendAsync(first, TrailTest.Drive("sim-001", DateTimeOffset.UtcNow.AddSeconds(-40), 25.12, 121.45));
            await TrailTest.WaitForLinesAsync(page, 1);

            var refollowed = page.Page.WaitForResponseAsync(
                response => response.Url.EndsWith("/api/subscriptions", StringComparison.Ordinal) && response.Request.Method == "POST",
                new() { Timeout = 30_000 });
            await first.DisposeAsync();
            await Assertions.Expect(page.ConnectionState).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 10_000 });
            second = await LocalHostRig.StartAsync(address);
            await Assertions.Expect(page.ConnectionState).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 30_000 });
            Assert.True((await refollowed).Ok);
            await TrailTest.SendAsync(second, TrailTest.Drive("sim-001", DateTimeOffset.UtcNow.AddSeconds(-30), 25.13, 121.45));

            await TrailTest.WaitForLinesAsync(page, 2);
            await Assertions.Expect(TrailTest.Segments(page)).ToHaveCountAsync(2);
            await Assertions.Expect(page.Page.Locator("path.trail-gap")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Page.Locator("#messages")).ToContainTextAsync("Live updates were interrupted");
            await Assertions.Expect(page.Page.Locator("#activity")).ToContainTextAsync("Live updates resumed");
            // Requests to the stopped host failed, as they must; the page itself did not.
            Assert.DoesNotContain(page.Problems, problem => problem.StartsWith("page error", StringComparison.Ordinal));
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class TrailTest
{
    public static ILocator Segments(DashboardPage page) => page.Page.Locator("path.follow-trail");

    /// <summary>Selects the vehicle in the list and waits until the page follows it (its group sends every fix).</summary>
    public static async Task FollowAsync(DashboardPage page, string vehicleId)
    {
        var followed = await page.Page.RunAndWaitForResponseAsync(
            () => page.Page.Locator($"#vehicle-list li[data-vehicle-id='{vehicleId}'] button").ClickAsync(),
            response => response.Url.EndsWith("/api/subscriptions", StringComparison.Ordinal) && response.Request.Method == "POST");
        Assert.True(followed.Ok);
    }

    /// <summary>Six fixes 5 s apart, eastwards at 20 km/h.</summary>
    public static IEnumerable<string> Drive(string deviceId, DateTimeOffset start, double latitude, double longitude) =>
        Enumerable.Range(0, 6).Select(i => LocalHostRig.Fix(deviceId, start.AddSeconds(5 * i), latitude, longitude + (i * 0.00028), 20));

    public static async Task SendAsync(LocalHostRig host, IEnumerable<string> fixes)
    {
        using var sent = await host.SendBatchAsync(fixes);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }

    /// <summary>Until <paramref name="count"/> of the trail's segments are drawn as lines (a lone point has no "L" in its path).</summary>
    public static Task WaitForLinesAsync(DashboardPage page, int count) =>
        page.Page.WaitForFunctionAsync(
            "count => [...document.querySelectorAll('path.follow-trail')].filter(path => (path.getAttribute('d') ?? '').includes('L')).length >= count",
            count,
            new() { Timeout = 10_000 });
}
