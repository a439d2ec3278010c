using System.Net;
using System.Text.RegularExpressions;
using Fleet.Core.Timers;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// A host whose clock the tests move on, sending a dashboard every second: a page whose own clock jumps ahead then still
/// hears from the server within the live connection's timeout.
/// </summary>
public sealed class ClockedFleet : IAsyncLifetime
{
    private LocalHostRig? _host;

    public ShiftedClock Clock { get; } = new();

    public LocalHostRig Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    public Browser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync(HostStores.InMemory, Clock, "--DashboardSchedule=* * * * * *");
        await Browser.InitializeAsync();
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

/// <summary>A vehicle whose reports stop, as a dispatcher's open page shows it (issue 18).</summary>
public sealed class SilentVehicleTests(ClockedFleet fleet) : IClassFixture<ClockedFleet>
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_moving_vehicle_that_falls_silent_shows_no_recent_data_on_the_open_page_and_no_speed_once_offline()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-silence", "c-acme", drivenClock: true);
        var snapshots = 0;
        page.Page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/api/vehicles")
            {
                Interlocked.Increment(ref snapshots);
            }
        };
        var row = page.Page.Locator("#vehicle-list li[data-vehicle-id='v-001']");
        var marker = page.Page.Locator(".vehicle-marker[data-vehicle-id='v-001']");
        var movingKpi = page.Page.Locator("[data-kpi='active_vehicles'] .kpi-detail");

        // East at 35 km/h, a fix every 10 s for 100 s (97 m apart).
        var start = fleet.Clock.GetUtcNow().AddSeconds(-101);
        using (var sent = await fleet.Host.SendBatchAsync(Enumerable.Range(0, 11).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(10 * i), 25.1, 121.5 + i * 0.000965, 35))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await Assertions.Expect(row.Locator(".vehicle-status")).ToHaveTextAsync("Moving", new() { Timeout = 5_000 });
        await Assertions.Expect(row.Locator(".vehicle-speed")).ToHaveTextAsync("35 km/h");
        await Assertions.Expect(movingKpi).ToHaveTextAsync(new Regex("^1 moving of "), new() { Timeout = 5_000 });
        var vehicleNews = VehicleNews(page);
        var snapshotsBefore = Volatile.Read(ref snapshots);

        // A minute of silence on both clocks, 20 s at a time, each step once the next dashboard has kept the link alive.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(1); elapsed += Step)
        {
            var dashboards = page.Frames.Envelopes.Count(envelope => envelope.GetProperty("type").GetString() == "fleet_dashboard_update");
            fleet.Clock.Shift(Step);
            await page.Page.Clock.FastForwardAsync((long)Step.TotalMilliseconds);
            await EventuallyAsync(() => page.Frames.Envelopes.Count(envelope => envelope.GetProperty("type").GetString() == "fleet_dashboard_update") > dashboards);
        }

        // Issue 18: it read "Moving, 35 km/h" until the offline alert, five minutes on.
        await Assertions.Expect(row.Locator(".vehicle-status")).ToHaveTextAsync("No recent data");
        await Assertions.Expect(row.Locator(".vehicle-speed")).ToHaveTextAsync("");
        await Assertions.Expect(row.Locator(".vehicle-last-seen")).ToHaveTextAsync(new Regex("last seen 1 min ago$"));
        await Assertions.Expect(row.Locator(".vehicle-last-seen-label")).Not.ToHaveClassAsync(new Regex("visually-hidden"));
        await Assertions.Expect(marker).ToHaveAttributeAsync("aria-label", new Regex("no recent data"));
        await Assertions.Expect(marker).Not.ToHaveAttributeAsync("aria-label", new Regex("km/h"));
        await Assertions.Expect(movingKpi).ToHaveTextAsync(new Regex("^0 moving of "));

        // The page's clock told it so: no news of the vehicle came, and the page read nothing again.
        Assert.Equal(vehicleNews, VehicleNews(page));
        Assert.Equal(snapshotsBefore, Volatile.Read(ref snapshots));
        await Assertions.Expect(page.ConnectionState).ToHaveAttributeAsync("data-state", "connected");

        // Five minutes on the host's sweep finds it offline: it still has a place on the map, but no speed anywhere.
        fleet.Clock.Shift(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await fleet.Host.Services.GetRequiredService<OfflineSweepHandler>().SweepAsync(CancellationToken.None)).VehiclesMarkedOffline);

        await Assertions.Expect(row.Locator(".vehicle-status")).ToHaveTextAsync("Offline", new() { Timeout = 5_000 });
        await Assertions.Expect(row.Locator(".vehicle-speed")).ToHaveTextAsync("");
        await Assertions.Expect(marker).ToHaveAttributeAsync("aria-label", new Regex("offline$"));
        Assert.Empty(page.Problems);
    }

    /// <summary>How many positions and status changes of v-001 the page was sent.</summary>
    private static int VehicleNews(DashboardPage page) => page.Frames.Envelopes
        .Where(envelope => envelope.GetProperty("type").GetString() is "vehicle_location_update" or "vehicle_status_update")
        .Select(envelope => envelope.GetProperty("data"))
        .Sum(data => data.ValueKind == System.Text.Json.JsonValueKind.Array
            ? data.EnumerateArray().Count(item => item.GetProperty("vehicle_id").GetString() == "v-001")
            : data.GetProperty("vehicle_id").GetString() == "v-001" ? 1 : 0);

    /// <summary>
    /// A dashboard comes every second; the deadline only bounds a wait that a busy machine (a build beside the tests)
    /// has been seen to stretch past 5 s.
    /// </summary>
    private static async Task EventuallyAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "no dashboard arrived within 15 s");
            await Task.Delay(50);
        }
    }
}
