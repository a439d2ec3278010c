using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>A dispatcher creating a job and sharing its tracking link from the dashboard.</summary>
public sealed class JobsPanelTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Fact]
    public async Task A_job_created_in_the_panel_is_stored_shows_live_and_yields_a_tracking_link_that_works()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-jobs", "c-acme");

        await page.Page.Locator("details.new-job summary").ClickAsync();
        await page.Page.Locator("#new-job-kind").SelectOptionAsync("delivery");
        await page.Page.Locator("#new-job-pickup-latitude").FillAsync("25.033");
        await page.Page.Locator("#new-job-pickup-longitude").FillAsync("121.565");
        await page.Page.Locator("#new-job-pickup-address").FillAsync("Depot");
        await page.Page.Locator("#new-job-dropoff-latitude").FillAsync("25.047");
        await page.Page.Locator("#new-job-dropoff-longitude").FillAsync("121.517");
        await page.Page.Locator("#new-job-dropoff-address").FillAsync("12 Harbour Rd");
        await page.Page.Locator("#new-job-reference").FillAsync("order-77");
        await page.Page.Locator("#new-job button[type=submit]").ClickAsync();

        var row = page.Page.Locator("#job-list li[data-job-id]", new() { HasText = "order-77" });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 5_000 });
        var jobId = (await row.GetAttributeAsync("data-job-id"))!;
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-jobs", "c-acme", "dispatcher");
        var stored = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal(("delivery", "12 Harbour Rd", "created"), (
            stored.GetProperty("kind").GetString(), stored.GetProperty("dropoff").GetProperty("address").GetString(), stored.GetProperty("status").GetString()));

        // Assigned by another dispatcher's API call: the panel shows it live.
        using var assigned = await dispatcher.PostAsJsonAsync($"/api/jobs/{jobId}/assign", new { vehicle_id = "v-001" });
        assigned.EnsureSuccessStatusCode();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "assigned", new() { Timeout = 5_000 });

        await row.Locator("button[data-action='share']").ClickAsync();
        var link = row.Locator("input.job-link-input");
        await Assertions.Expect(link).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("/track/#grant=jt_"), new() { Timeout = 5_000 });

        // The link opens the job's tracking view.
        using var customer = new HttpClient { BaseAddress = fleet.Host.BaseAddress };
        var token = (await link.InputValueAsync()).Split("#grant=")[1];
        customer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var view = await customer.GetFromJsonAsync<JsonElement>("/api/track");
        Assert.Equal((jobId, "assigned"), (view.GetProperty("job_id").GetString(), view.GetProperty("status").GetString()));
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task The_new_job_form_starts_the_pickup_at_the_map_centre_and_leaves_the_drop_off_to_the_dispatcher()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-form", "c-acme");

        await page.Page.Locator("details.new-job summary").ClickAsync();

        // Issue 18: both stops once started at the same point, a job the API now refuses.
        await Assertions.Expect(page.Page.Locator("#new-job-pickup-latitude")).Not.ToHaveValueAsync("", new() { Timeout = 5_000 });
        Assert.Equal(("", ""), (
            await page.Page.Locator("#new-job-dropoff-latitude").InputValueAsync(), await page.Page.Locator("#new-job-dropoff-longitude").InputValueAsync()));
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_job_under_way_shows_its_eta_from_the_vehicles_telemetry()
    {
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-eta", "c-acme", "dispatcher");
        var jobId = await TestJobs.CreateAsync(dispatcher, "delivery", 25.060, 121.565, "3 Hill St", "order-eta", "v-003");
        await TestJobs.MoveAsync(dispatcher, jobId, "en_route");
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-eta", "c-acme");
        var eta = page.Page.Locator($"#job-list li[data-job-id='{jobId}'] .job-eta");
        await Assertions.Expect(eta).ToHaveTextAsync("", new() { Timeout = 5_000 });

        // Heading north at 36 km/h, 2 km short of the drop-off: about three and a half minutes.
        var start = DateTimeOffset.UtcNow.AddSeconds(-20);
        using var sent = await fleet.Host.SendBatchAsync(
            Enumerable.Range(0, 3).Select(i => LocalHostRig.Fix("sim-003", start.AddSeconds(5 * i), 25.042 + (i * 0.00045), 121.565, 36)));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        await Assertions.Expect(eta).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^ETA about 3 min, around \\d{2}:\\d{2}\\b.* \\(1\\.9 km to drop-off\\)$"), new() { Timeout = 5_000 });
        Assert.Empty(page.Problems);
    }

    [Fact]
    public async Task A_job_is_assigned_to_a_vehicle_and_its_driver_from_the_panel()
    {
        using var dispatcher = await fleet.Host.ClientAsync("acme-dispatcher-assign", "c-acme", "dispatcher");
        var jobId = await TestJobs.CreateAsync(dispatcher, "shipment", 25.047, 121.517, "Harbour warehouse", "order-assign");
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-assign", "c-acme");
        var row = page.Page.Locator($"#job-list li[data-job-id='{jobId}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "created", new() { Timeout = 5_000 });

        await row.Locator("button[data-action='assign']").ClickAsync();
        await row.GetByLabel("Vehicle").SelectOptionAsync("v-003");
        await row.GetByLabel("Driver").SelectOptionAsync("drv-sim-003");
        await row.Locator("form.job-assign button[type=submit]").ClickAsync();

        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "assigned", new() { Timeout = 5_000 });
        await Assertions.Expect(row.Locator("form.job-assign")).ToHaveCountAsync(0);
        var stored = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        Assert.Equal(("assigned", "v-003", "drv-sim-003", "acme-dispatcher-assign"), (
            stored.GetProperty("status").GetString(), stored.GetProperty("vehicle_id").GetString(), stored.GetProperty("driver_id").GetString(),
            stored.GetProperty("history").EnumerateArray().Last().GetProperty("by").GetString()));
        Assert.Empty(page.Problems);
    }
}
