using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Issue 18: alerts are listed by when they were raised. A silent vehicle's offline alert tells of its last fix, minutes
/// old, yet it is the newest alert, and must not sink under the alerts raised before it.
/// </summary>
public abstract class AlertOrderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected abstract HostStores Stores { get; }

    [Fact]
    public async Task A_silent_vehicles_offline_alert_lists_and_pages_above_an_alert_raised_before_it_about_a_newer_fix()
    {
        // The host's own clock, moved on by hand (silence is measured from when the host received the last event), and
        // the offline sweep every second.
        var clock = new ShiftedClock();
        await using var host = await LocalHostRig.StartAsync(Stores, clock, "--OfflineSweepSchedule=* * * * * *");
        await using var dispatcher = await host.ConnectAsync("u-acme-live", "c-acme");
        using var http = await host.ClientAsync("u-acme", "c-acme", "dispatcher");
        await SendAsync(host, [LocalHostRig.Fix("sim-003", clock.GetUtcNow().AddSeconds(-1), 25.05, 121.55, 0)]);

        // Four minutes on, v-001 speeds: 120 km/h against its 90 km/h limit, far from the 50 km/h centre, for 30 s.
        clock.Shift(TimeSpan.FromMinutes(4));
        var start = clock.GetUtcNow().AddSeconds(-40);
        const double degreesPerFix = 166.7 / 100_800;
        await SendAsync(
            host, Enumerable.Range(0, 7).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.45 + i * degreesPerFix, 120)));
        var speeding = (await dispatcher.NextAsync(Wait, "alert")).Argument.GetProperty("data");

        // Two minutes more: v-003 has been silent for six, and the sweep takes it offline.
        clock.Shift(TimeSpan.FromMinutes(2));
        var offline = (await dispatcher.NextAsync(Wait, "alert")).Argument.GetProperty("data");

        var listed = await http.GetFromJsonAsync<JsonElement[]>("/api/alerts") ?? [];
        var pages = await PagesAsync(http, "/api/alerts?limit=1");

        Assert.Equal(("speed_violation", "vehicle_offline"), (Text(speeding, "type"), Text(offline, "type")));
        Assert.True(Time(offline, "event_time") < Time(speeding, "event_time"), "the offline alert tells of an older fix");
        Assert.Equal([Text(offline, "id"), Text(speeding, "id")], listed.Select(alert => Text(alert, "id")));
        Assert.Equal([[Text(offline, "id")], [Text(speeding, "id")]], pages);
        Assert.Equal(Time(offline, "event_time"), Time(listed[0], "event_time"));
    }

    [Fact]
    public async Task An_alert_sent_again_by_its_source_id_stays_one_alert_where_it_was_first_raised()
    {
        var clock = new ShiftedClock();
        await using var host = await LocalHostRig.StartAsync(Stores, clock);
        using var admin = await host.ClientAsync("u-acme-admin", "c-acme", "admin");
        await RaiseAsync(admin, "Depot gate jammed", "gate-1");
        clock.Shift(TimeSpan.FromMinutes(1));
        await RaiseAsync(admin, "Invoice paid", sourceId: null);
        clock.Shift(TimeSpan.FromMinutes(1));

        await RaiseAsync(admin, "Depot gate still jammed", "gate-1");

        var listed = await admin.GetFromJsonAsync<JsonElement[]>("/api/alerts") ?? [];
        Assert.Equal(["Invoice paid", "Depot gate still jammed"], listed.Select(alert => Text(alert, "title")));
    }

    private static async Task SendAsync(LocalHostRig host, IEnumerable<string> fixes)
    {
        using var response = await host.SendBatchAsync(fixes);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await host.WaitUntilProcessedAsync(Wait);
    }

    private static async Task RaiseAsync(HttpClient admin, string title, string? sourceId)
    {
        using var response = await admin.PostAsJsonAsync(
            "/api/alerts", new { type = "system_error", severity = "high", title, message = "From the depot system.", source_id = sourceId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The ids of every page, each read from the next link of the one before.</summary>
    private static async Task<List<List<string>>> PagesAsync(HttpClient http, string path)
    {
        var pages = new List<List<string>>();
        Uri? next = new(http.BaseAddress!, path);
        while (next is not null && pages.Count < 10)
        {
            using var response = await http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pages.Add([.. (await response.Content.ReadFromJsonAsync<JsonElement[]>() ?? []).Select(alert => Text(alert, "id"))]);
            next = response.Headers.TryGetValues("Link", out var links)
                ? new Uri(response.RequestMessage!.RequestUri!, links.Single().Split('>')[0].TrimStart('<'))
                : null;
        }

        return pages;
    }

    private static string Text(JsonElement alert, string property) => alert.GetProperty(property).GetString()!;

    private static DateTimeOffset Time(JsonElement alert, string property) => alert.GetProperty(property).GetDateTimeOffset();
}

public sealed class AlertOrderTestsInMemory : AlertOrderTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class AlertOrderTestsOnServers : AlertOrderTests
{
    protected override HostStores Stores => HostStores.Servers;
}
