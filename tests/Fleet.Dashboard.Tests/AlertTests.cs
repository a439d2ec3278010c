using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>The local host with the demo fleet and no simulation, so the only telemetry is what a test sends.</summary>
public sealed class QuietFleet : IAsyncLifetime
{
    private LocalHostRig? _host;

    public LocalHostRig Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    public Browser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
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

public sealed class AlertTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Fact]
    public async Task A_speeding_alert_shows_within_2_s_and_marking_it_read_reaches_a_second_dispatcher_but_never_company_b()
    {
        await using var first = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-1", "c-acme");
        await using var second = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-2", "c-acme");
        await using var globex = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "globex-dispatcher", "c-globex");

        // 120 km/h against v-001's 90 km/h limit, away from the 50 km/h centre: 166.7 m every 5 s, for 30 s.
        var start = DateTimeOffset.UtcNow.AddSeconds(-40);
        const double degreesPerFix = 166.7 / 100_800;
        using var sent = await fleet.Host.SendBatchAsync(Enumerable.Range(0, 7).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.45 + i * degreesPerFix, 120)));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var shown = Stopwatch.StartNew();

        await Assertions.Expect(first.Alerts).ToHaveCountAsync(1, new() { Timeout = 2_000 });
        Assert.True(shown.Elapsed < TimeSpan.FromSeconds(2), $"the alert took {shown.Elapsed.TotalSeconds:0.0} s");
        await Assertions.Expect(first.Alerts.First).ToHaveAttributeAsync("data-vehicle-id", "v-001");
        await Assertions.Expect(first.Alerts.First).ToHaveAttributeAsync("data-read", "false");
        await Assertions.Expect(second.Alerts).ToHaveCountAsync(1);
        await Assertions.Expect(second.Alerts.First).ToHaveAttributeAsync("data-read", "false");

        await first.Alerts.First.Locator("button[data-action='read']").ClickAsync();

        await Assertions.Expect(second.Alerts.First).ToHaveAttributeAsync("data-read", "true", new() { Timeout = 5_000 });
        await Assertions.Expect(first.Alerts.First).ToHaveAttributeAsync("data-read", "true");

        // Company B: nothing of it on the page, and nothing of company A on the wire.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Assertions.Expect(globex.Alerts).ToHaveCountAsync(0);
        await Assertions.Expect(globex.Markers).ToHaveCountAsync(0);
        Assert.All(globex.Frames.Envelopes, envelope => Assert.Equal("c-globex", envelope.GetProperty("company_id").GetString()));
        Assert.Empty(first.Problems);
        Assert.Empty(second.Problems);
        Assert.Empty(globex.Problems);
    }

    [Fact]
    public async Task A_silent_vehicles_offline_alert_arriving_live_goes_above_the_alert_raised_before_it_about_a_newer_fix()
    {
        // A host of its own on a clock the test moves on (silence is measured from when the host received the last
        // event), sweeping for silent vehicles every second.
        var clock = new ShiftedClock();
        await using var host = await LocalHostRig.StartAsync(HostStores.InMemory, clock, "--OfflineSweepSchedule=* * * * * *");
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, host.BaseAddress, "acme-dispatcher-order", "c-acme");
        using (var once = await host.SendBatchAsync([LocalHostRig.Fix("sim-003", clock.GetUtcNow().AddSeconds(-1), 25.05, 121.55, 0)]))
        {
            Assert.Equal(HttpStatusCode.Created, once.StatusCode);
        }

        await host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(10));

        // Four minutes on, v-001 speeds (120 km/h against its 90 km/h limit, for 30 s); two more, and v-003 goes offline.
        clock.Shift(TimeSpan.FromMinutes(4));
        var start = clock.GetUtcNow().AddSeconds(-40);
        const double degreesPerFix = 166.7 / 100_800;
        var fixes = Enumerable.Range(0, 7).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.45 + i * degreesPerFix, 120));
        using (var speeding = await host.SendBatchAsync(fixes))
        {
            Assert.Equal(HttpStatusCode.Created, speeding.StatusCode);
        }

        await Assertions.Expect(page.Alerts).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        clock.Shift(TimeSpan.FromMinutes(2));

        await Assertions.Expect(page.Alerts).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Assertions.Expect(page.Alerts.Nth(0)).ToHaveAttributeAsync("data-vehicle-id", "v-003");
        await Assertions.Expect(page.Alerts.Nth(1)).ToHaveAttributeAsync("data-vehicle-id", "v-001");

        // The offline alert names the last report it is about, six minutes old, and says it was raised just now.
        await Assertions.Expect(page.Alerts.Nth(0).Locator(".alert-raised")).ToContainTextAsync("raised ");
        await Assertions.Expect(page.Alerts.Nth(1).Locator(".alert-raised")).ToHaveCountAsync(0);
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task Deleting_an_alert_in_one_page_removes_it_from_another_dispatchers_page()
    {
        await using var first = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-3", "c-acme");
        await using var second = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-4", "c-acme");
        var before = await first.Alerts.CountAsync();
        using var admin = await fleet.Host.ClientAsync("acme-admin", "c-acme", "admin");
        using var raised = await admin.PostAsJsonAsync(
            "/api/alerts", new { type = "system_error", severity = "high", title = "Depot gate jammed", message = "Vehicles cannot leave the depot.", source_id = "gate-1" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);

        var jammed = second.Page.Locator("#alerts li[data-alert-id]", new() { HasText = "Depot gate jammed" });
        await Assertions.Expect(jammed).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        await Assertions.Expect(jammed).ToHaveAttributeAsync("data-severity", "high");
        await first.Page.Locator("#alerts li[data-alert-id]", new() { HasText = "Depot gate jammed" }).Locator("button[data-action='delete']").ClickAsync();

        await Assertions.Expect(jammed).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await Assertions.Expect(first.Alerts).ToHaveCountAsync(before);
        Assert.Empty(first.Problems);
        Assert.Empty(second.Problems);
    }
}
