using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Core.Geo;
using Fleet.Core.Ports;
using Fleet.Core.Trips;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Every list endpoint on the real host a small page at a time (issue 15): walking the <c>Link: rel="next"</c> headers
/// shows every item exactly once and no other company's, and a bad <c>limit</c> or <c>after</c> is a 400 naming it.
/// </summary>
public abstract partial class PagingTests : IAsyncLifetime
{
    // Companies of their own, so the demo fleet's vehicles and users do not count.
    private const string Ours = "c-paging";
    private const string Theirs = "c-paging-other";

    private LocalHostRig _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _otherAdmin = null!;

    protected abstract HostStores Stores { get; }

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync(Stores);
        _admin = await _host.ClientAsync("paging-admin", Ours, "admin");
        _otherAdmin = await _host.ClientAsync("paging-other-admin", Theirs, "admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _otherAdmin.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Vehicles_walked_by_their_next_links_each_appear_once_and_a_viewer_walks_their_own_alone()
    {
        // Chosen vehicle and driver ids start with their company's id.
        string[] ours = [.. new[] { 7, 1, 5, 3, 2, 6, 4 }.Select(number => $"{Ours}.v-pg-{number}")];
        foreach (var vehicleId in ours)
        {
            await PostAsync(_admin, "/api/vehicles", new { vehicle_id = vehicleId, name = "Van " + vehicleId, device_id = "dev-" + vehicleId });
        }

        foreach (var vehicleId in new[] { $"{Theirs}.v-pg-0", $"{Theirs}.v-pg-8", $"{Theirs}.v-pg-55" })
        {
            await PostAsync(_otherAdmin, "/api/vehicles", new { vehicle_id = vehicleId, name = "Theirs", device_id = "dev-" + vehicleId });
        }

        using var viewer = await _host.ClientAsync("paging-viewer", Ours, "viewer", $"{Ours}.v-pg-6", $"{Ours}.v-pg-2", $"{Ours}.v-pg-4", $"{Theirs}.v-pg-8");

        var pages = await WalkAsync(_admin, "/api/vehicles?limit=3", "vehicle_id");
        var viewersPages = await WalkAsync(viewer, "/api/vehicles?limit=2", "vehicle_id");

        Assert.Equal(ours.Order(StringComparer.Ordinal), pages.SelectMany(page => page));
        Assert.Equal([3, 3, 1], pages.Select(page => page.Count));
        Assert.Equal([$"{Ours}.v-pg-2", $"{Ours}.v-pg-4", $"{Ours}.v-pg-6"], viewersPages.SelectMany(page => page));
        Assert.Equal([2, 1], viewersPages.Select(page => page.Count));
        Assert.Equal(ours.Order(StringComparer.Ordinal), (await WalkAsync(_admin, "/api/vehicles", "vehicle_id")).Single());
    }

    [Fact]
    public async Task Drivers_and_users_walked_by_their_next_links_each_appear_once_and_only_the_companys()
    {
        for (var i = 1; i <= 5; i++)
        {
            await PostAsync(_admin, "/api/drivers", new { driver_id = $"{Ours}.d-pg-{i}", name = $"Driver {i}" });
            await PostAsync(_admin, "/api/users", new { user_id = $"u-pg-{i}", role = "viewer" });
            await PostAsync(_otherAdmin, "/api/drivers", new { driver_id = $"{Theirs}.d-pg-{i}", name = $"Theirs {i}" });
            await PostAsync(_otherAdmin, "/api/users", new { user_id = $"u-pg-theirs-{i}", role = "viewer" });
        }

        var drivers = await WalkAsync(_admin, "/api/drivers?limit=2", "driver_id");
        var users = await WalkAsync(_admin, "/api/users?limit=2", "user_id");

        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"{Ours}.d-pg-{i}"), drivers.SelectMany(page => page));
        Assert.Equal([2, 2, 1], drivers.Select(page => page.Count));
        Assert.Equal(["paging-admin", "u-pg-1", "u-pg-2", "u-pg-3", "u-pg-4", "u-pg-5"], users.SelectMany(page => page));
        Assert.Equal([2, 2, 2], users.Select(page => page.Count));
    }

    [Fact]
    public async Task An_operator_walks_every_company_once_with_the_company_named_in_the_query_kept_in_the_links()
    {
        using var @operator = await _host.IdentityClientAsync("fleet-operator");
        foreach (var suffix in new[] { "c", "a", "b" })
        {
            await PostAsync(@operator, "/api/companies", new { company_id = "c-pg-" + suffix, name = "Paging " + suffix });
        }

        var companies = await WalkAsync(@operator, "/api/companies?limit=2", "company_id");
        var members = await WalkAsync(@operator, $"/api/users?company_id={Ours}&limit=1", "user_id");

        string[] expected = ["c-acme", "c-globex", Ours, Theirs, "c-pg-a", "c-pg-b", "c-pg-c"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), companies.SelectMany(page => page));
        Assert.All(companies.SkipLast(1), page => Assert.Equal(2, page.Count));
        Assert.Equal(["paging-admin"], members.SelectMany(page => page));
    }

    [Fact]
    public async Task Jobs_walked_by_their_next_links_come_newest_first_each_once_with_their_filters_kept()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await TestJobs.CreateAsync(_admin, "delivery", 25.04, 121.52, $"Stop {i}"));
        }

        await TestJobs.CreateAsync(_otherAdmin, "delivery", 25.04, 121.52, "Theirs");
        using (var cancelled = await _admin.PostAsJsonAsync($"/api/jobs/{created[2]}/status", new { status = "cancelled" }))
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        }

        var pages = await WalkAsync(_admin, "/api/jobs?limit=2", "job_id");
        var open = await WalkAsync(_admin, "/api/jobs?status=created&limit=2", "job_id");

        var newestFirst = (await WalkAsync(_admin, "/api/jobs", "job_id")).Single();
        Assert.Equal(created.Order(StringComparer.Ordinal), newestFirst.Order(StringComparer.Ordinal));
        Assert.Equal(newestFirst, pages.SelectMany(page => page));
        Assert.Equal([2, 2, 1], pages.Select(page => page.Count));
        Assert.Equal(newestFirst.Where(jobId => jobId != created[2]), open.SelectMany(page => page));
    }

    [Fact]
    public async Task Alerts_walked_by_their_next_links_come_newest_first_each_once_and_only_the_companys()
    {
        for (var i = 0; i < 5; i++)
        {
            await PostAsync(_admin, "/api/alerts", new { type = "system_error", severity = "low", title = $"Ours {i}", message = "m", source_id = $"pg-{i}" });
            await PostAsync(_otherAdmin, "/api/alerts", new { type = "system_error", severity = "low", title = $"Theirs {i}", message = "m", source_id = $"pg-{i}" });
        }

        var pages = await WalkAsync(_admin, "/api/alerts?unread=true&limit=2", "title");

        var newestFirst = (await WalkAsync(_admin, "/api/alerts?unread=true", "title")).Single();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Ours {i}"), newestFirst.Order(StringComparer.Ordinal));
        Assert.Equal(newestFirst, pages.SelectMany(page => page));
        Assert.Equal([2, 2, 1], pages.Select(page => page.Count));
    }

    [Fact]
    public async Task A_vehicles_trips_walked_by_their_next_links_come_oldest_first_each_once_with_from_and_to_kept()
    {
        const string Vehicle = Ours + ".v-pg-trips";
        await PostAsync(_admin, "/api/vehicles", new { vehicle_id = Vehicle, name = "Van with trips", device_id = "dev-v-pg-trips" });
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

        // Trip ids are unique across companies; three of these trips start together, so only their ids order them.
        var run = Guid.NewGuid().ToString("N")[..8];
        var trips = new[] { (Id: "c", Minutes: 0), (Id: "b", Minutes: 30), (Id: "a", Minutes: 30), (Id: "d", Minutes: 30), (Id: "e", Minutes: 90), (Id: "before", Minutes: -600) }
            .Select(trip => new TripRecord(
                $"t-pg-{run}-{trip.Id}", Vehicle, Ours, null, TripStatus.Completed, start.AddMinutes(trip.Minutes), new GeoPoint(25.03, 121.56),
                start.AddMinutes(trip.Minutes + 20), new GeoPoint(25.04, 121.57), 3.2, 72.5, null))
            .ToList();
        await _host.Services.GetRequiredService<ITelemetryStore>().CommitAsync(new TelemetryCommit([], [], trips, [], [], [], new Dictionary<string, int>(), DateTimeOffset.UnixEpoch), CancellationToken.None);

        const string Range = $"/api/vehicles/{Vehicle}/trips?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z";
        var pages = await WalkAsync(_admin, Range + "&limit=2", "trip_id");

        var oldestFirst = (await WalkAsync(_admin, Range, "trip_id")).Single();
        Assert.Equal(["c", "a", "b", "d", "e"], oldestFirst.Select(tripId => tripId[$"t-pg-{run}-".Length..]));
        Assert.Equal(oldestFirst, pages.SelectMany(page => page));
        Assert.Equal([2, 2, 1], pages.Select(page => page.Count));
    }

    [Theory]
    [InlineData("/api/vehicles?limit=0", "limit")]
    [InlineData("/api/vehicles?limit=1001", "limit")]
    [InlineData("/api/vehicles?limit=many", "limit")]
    [InlineData("/api/drivers?limit=-1", "limit")]
    [InlineData("/api/drivers?limit=1001", "limit")]
    [InlineData("/api/users?limit=1001", "limit")]
    [InlineData("/api/users?limit=2.5", "limit")]
    [InlineData("/api/jobs?limit=501", "limit")]
    [InlineData("/api/jobs?limit=0", "limit")]
    [InlineData("/api/jobs?after=not-a-cursor", "after")]
    [InlineData("/api/alerts?limit=501", "limit")]
    [InlineData("/api/alerts?after=42", "after")]
    [InlineData("/api/vehicles/v-none/trips?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&limit=501", "limit")]
    [InlineData("/api/vehicles/v-none/trips?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&after=42", "after")]
    public async Task A_bad_page_parameter_is_a_problem_400_naming_it(string path, string field)
    {
        using var response = await _admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task An_operators_bad_company_limit_is_a_problem_400_naming_it()
    {
        using var @operator = await _host.IdentityClientAsync("fleet-operator");

        using var response = await @operator.GetAsync("/api/companies?limit=1001");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["limit"], (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    private static async Task PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>
    /// Every page of a list from <paramref name="path"/> on, each read from the previous page's next link as a client
    /// resolves it (relative to the request), as the values of <paramref name="property"/>; the last page has no link.
    /// </summary>
    private static async Task<List<List<string>>> WalkAsync(HttpClient client, string path, string property)
    {
        var pages = new List<List<string>>();
        Uri? next = new(client.BaseAddress!, path);
        while (next is not null)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var items = await response.Content.ReadFromJsonAsync<JsonElement>();
            pages.Add([.. items.EnumerateArray().Select(item => item.GetProperty(property).GetString()!)]);
            next = response.Headers.TryGetValues("Link", out var links) ? new Uri(response.RequestMessage!.RequestUri!, NextTarget(links.Single())) : null;
            Assert.True(pages.Count < 20, "The next links never end.");
        }

        return pages;
    }

    private static string NextTarget(string link)
    {
        var match = NextLink().Match(link);
        Assert.True(match.Success, $"Not an RFC 8288 next link: {link}");
        return match.Groups["target"].Value;
    }

    [GeneratedRegex("""^<(?<target>/[^>]*)>; rel="next"$""")]
    private static partial Regex NextLink();
}

public sealed class PagingTestsInMemory : PagingTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class PagingTestsOnServers : PagingTests
{
    protected override HostStores Stores => HostStores.Servers;
}
