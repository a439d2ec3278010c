using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>A customer's tracking link in the browser (DESIGN 5a): the one vehicle, live, until the job ends.</summary>
public sealed class TrackingPageTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Fact]
    public async Task A_customer_follows_the_delivery_live_and_sees_only_that_it_ended_once_completed()
    {
        using var admin = await fleet.Host.ClientAsync("acme-admin", "c-acme", "admin");
        // A driver's user must be a member of the company before the driver record may name them.
        await admin.PostAsJsonAsync("/api/users", new { user_id = "acme-driver-sam", role = "driver", vehicle_ids = new[] { "v-001" } });
        await admin.PostAsJsonAsync("/api/drivers", new { driver_id = "c-acme.d-sam", name = "Sam", user_id = "acme-driver-sam" });
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-tracking", "c-acme", "dispatcher");
        var jobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.100, 121.520, "12 Harbour Rd", vehicleId: "v-001", driverId: "c-acme.d-sam");
        await TestJobs.MoveAsync(dispatcher, jobId, "en_route");
        using var shared = await dispatcher.PostAsync($"/api/jobs/{jobId}/share", null);
        var trackingUrl = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tracking_url").GetString()!;

        var context = await fleet.Browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add(message.Text);
            }
        };
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url}");
        var frames = new RealtimeFrames(page);
        await page.GotoAsync(trackingUrl);
        await Assertions.Expect(page.Locator("#track-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#track-status")).ToHaveAttributeAsync("data-status", "en_route");
        Assert.DoesNotContain("grant=", page.Url, StringComparison.Ordinal);

        // The vehicle reports; the page follows it, and only it.
        var start = DateTimeOffset.UtcNow.AddSeconds(-20);
        await SendAsync(LocalHostRig.Fix("sim-001", start, 25.060, 121.540, 30), LocalHostRig.Fix("sim-003", start, 25.200, 121.600, 30));
        var marker = page.Locator(".vehicle-marker[data-vehicle-id='v-001']");
        await Assertions.Expect(marker).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        await SendAsync(LocalHostRig.Fix("sim-001", start.AddSeconds(10), 25.061, 121.540, 40));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Math.Abs(double.Parse((await marker.GetAttributeAsync("data-lat"))!, System.Globalization.CultureInfo.InvariantCulture) - 25.061) > 1e-6)
        {
            Assert.True(DateTime.UtcNow < deadline, "the marker did not follow the vehicle's new position");
            await Task.Delay(100);
        }
        await Assertions.Expect(page.Locator(".vehicle-marker")).ToHaveCountAsync(1);

        // Over: the page says so and shows no position any more.
        foreach (var status in new[] { "arrived", "in_progress", "completed" })
        {
            await TestJobs.MoveAsync(dispatcher, jobId, status);
        }

        await Assertions.Expect(page.Locator("#track-ended")).ToContainTextAsync("This job has ended", new() { Timeout = 5_000 });
        await Assertions.Expect(page.Locator("#track-status")).ToHaveAttributeAsync("data-status", "completed");
        await Assertions.Expect(page.Locator(".vehicle-marker")).ToHaveCountAsync(0);

        var locations = frames.Envelopes.Where(envelope => envelope.GetProperty("type").GetString() == "vehicle_location_update").ToList();
        Assert.NotEmpty(locations);
        Assert.All(frames.Envelopes, envelope => Assert.Equal(JsonValueKind.Null, envelope.GetProperty("seq").ValueKind));
        Assert.All(locations.SelectMany(envelope => envelope.GetProperty("data").EnumerateArray()), location =>
            Assert.Equal("v-001", location.GetProperty("vehicle_id").GetString()));
        Assert.Empty(problems);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Reloading_the_tracking_page_while_the_job_is_under_way_goes_on_tracking()
    {
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-reload", "c-acme", "dispatcher");
        var jobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.100, 121.520, "12 Harbour Rd", vehicleId: "v-003");
        await TestJobs.MoveAsync(dispatcher, jobId, "en_route");
        using var shared = await dispatcher.PostAsync($"/api/jobs/{jobId}/share", null);
        var trackingUrl = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tracking_url").GetString()!;
        var context = await fleet.Browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(trackingUrl);
        await Assertions.Expect(page.Locator("#track-status")).ToHaveAttributeAsync("data-status", "en_route", new() { Timeout = 10_000 });

        // Issue 18: the page takes the grant out of the address, so a reload once said the link was not valid.
        await page.ReloadAsync();

        await Assertions.Expect(page.Locator("#track-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#track-status")).ToHaveAttributeAsync("data-status", "en_route");
        Assert.DoesNotContain("grant=", page.Url, StringComparison.Ordinal);
        Assert.False(await page.Locator("#track-message").IsVisibleAsync());

        // Another tab of the same browser, without the link, is not let in.
        var other = await context.NewPageAsync();
        await other.GotoAsync(new Uri(new Uri(trackingUrl), "/track/").ToString());
        await Assertions.Expect(other.Locator("#track-message")).ToContainTextAsync("not valid", new() { Timeout = 5_000 });
        await context.DisposeAsync();
    }

    private async Task SendAsync(params string[] fixes)
    {
        using var sent = await fleet.Host.SendBatchAsync(fixes);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }
}
