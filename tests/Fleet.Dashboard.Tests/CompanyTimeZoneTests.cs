using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// Issue 18: a company's times are its own. The demo companies keep Taipei's time, and a browser elsewhere (New York,
/// twelve or thirteen hours behind) shows them in Taipei time, naming the zone, not in its own.
/// </summary>
public sealed class CompanyTimeZoneTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    private static readonly TimeZoneInfo Taipei = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");

    [Fact]
    public async Task A_dispatcher_in_another_zone_reads_a_Taipei_companys_alert_and_trip_times_in_Taipei_time()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-abroad", "c-acme", context: InNewYork());
        await Assertions.Expect(page.Page.Locator("#company-time")).ToContainTextAsync("Asia/Taipei (GMT+8)");

        using var admin = await fleet.Host.ClientAsync("acme-admin", "c-acme", "admin");
        using var raised = await admin.PostAsJsonAsync("/api/alerts", new { type = "system_error", severity = "low", title = "Depot clock check", message = "The gate clock was reset.", source_id = "clock-1" });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        var alertTime = page.Alerts.Filter(new() { HasText = "Depot clock check" }).Locator("time");
        await Assertions.Expect(alertTime).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        var eventTime = DateTimeOffset.Parse((await alertTime.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        Assert.EndsWith($"{InTaipei(eventTime, "HH:mm:ss")} GMT+8", await alertTime.TextContentAsync(), StringComparison.Ordinal);

        // v-005 drives 60 km/h for 40 s: 670 m, past the 200 m that start a trip.
        var start = DateTimeOffset.UtcNow.AddSeconds(-60);
        await SendAsync(Enumerable.Range(0, 9).Select(i => LocalHostRig.Fix("sim-005", start.AddSeconds(5 * i), 25.10, 121.45 + (i * 0.00083), 60)));
        await page.Page.Locator("#vehicle-list li[data-vehicle-id='v-005'] button").ClickAsync();
        var trip = page.Page.Locator("#trips li[data-trip-id]");
        await Assertions.Expect(trip).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-abroad", "c-acme", "dispatcher");
        var stored = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/trips/{await trip.GetAttributeAsync("data-trip-id")}");
        var started = stored.GetProperty("start_time").GetDateTimeOffset();
        await Assertions.Expect(trip.Locator(".trip-span")).ToContainTextAsync($"{InTaipei(started, "HH:mm:ss")} GMT+8 – ");
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_customer_and_a_dispatcher_in_another_zone_read_the_arrival_in_the_companys_time()
    {
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-arrival", "c-acme", "dispatcher");
        var jobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.060, 121.565, "3 Hill St", "order-arrival", "v-003");
        await TestJobs.MoveAsync(dispatcher, jobId, "en_route");
        using var shared = await dispatcher.PostAsync($"/api/jobs/{jobId}/share", null);
        var trackingUrl = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tracking_url").GetString()!;
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-arrival", "c-acme", context: InNewYork());
        var context = await fleet.Browser.Chromium.NewContextAsync(InNewYork());
        var customer = await context.NewPageAsync();
        var frames = new RealtimeFrames(customer);
        await customer.GotoAsync(trackingUrl);
        await Assertions.Expect(customer.Locator("#track-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });

        // Heading north at 36 km/h, 2 km short of the drop-off.
        var start = DateTimeOffset.UtcNow.AddSeconds(-20);
        await SendAsync(Enumerable.Range(0, 3).Select(i => LocalHostRig.Fix("sim-003", start.AddSeconds(5 * i), 25.042 + (i * 0.00045), 121.565, 36)));

        var eta = customer.Locator("#track-eta");
        await Assertions.Expect(eta).ToContainTextAsync("around", new() { Timeout = 5_000 });
        var arrival = frames.Envelopes.Last(envelope => envelope.GetProperty("type").GetString() == "job_eta_update")
            .GetProperty("data").GetProperty("eta_at").GetDateTimeOffset();
        await Assertions.Expect(eta).ToContainTextAsync($"around {InTaipei(arrival, "HH:mm")} GMT+8 · ");
        await Assertions.Expect(page.Page.Locator($"#job-list li[data-job-id='{jobId}'] .job-eta")).ToContainTextAsync($", around {InTaipei(arrival, "HH:mm")} GMT+8 (");
        Assert.Empty(page.Problems);
        await context.DisposeAsync();
    }

    // A reader in New York, on a 24-hour clock so that the expected text does not hang on the locale's AM and PM.
    private static BrowserNewContextOptions InNewYork() => new() { TimezoneId = "America/New_York", Locale = "en-GB" };

    private static string InTaipei(DateTimeOffset time, string format) => TimeZoneInfo.ConvertTime(time, Taipei).ToString(format, CultureInfo.InvariantCulture);

    private async Task SendAsync(IEnumerable<string> fixes)
    {
        using var sent = await fleet.Host.SendBatchAsync(fixes);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }
}
