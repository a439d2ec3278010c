using Fleet.Adapters.InMemory;
using Fleet.Core.Alerts;
using Fleet.Core.Api;
using Fleet.Core.Geo;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.State;
using Fleet.Core.Tests.Support;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Api;

/// <summary>
/// The vehicle, driver, alert and trip lists a page at a time: every item once, in order, with the cursor of the next page
/// while one follows, what each role may see alone, and a 400 naming the parameter a caller got wrong.
/// </summary>
public sealed class ListPagingTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetCaller Admin = new("u-admin", "c-1", FleetRole.Admin, new HashSet<string>());
    private static readonly FleetCaller Viewer = new("u-viewer", "c-1", FleetRole.Viewer, new HashSet<string> { "v-5", "v-2", "v-4", "v-other" });

    private readonly InMemoryFleetDirectory _directory = new();
    private readonly InMemoryTelemetryStore _history = new();
    private readonly InMemoryAlertStore _alerts = new();
    private readonly VehiclesApiHandler _vehicles;
    private readonly DriversApiHandler _drivers;
    private readonly AlertsApiHandler _alertsApi;

    public ListPagingTests()
    {
        _directory.AddCompany("c-1", "Acme");
        _directory.AddCompany("c-2", "Globex");
        foreach (var number in new[] { 5, 1, 4, 2, 3 })
        {
            _directory.AddVehicle(TestFleet.Vehicle($"v-{number}"), $"dev-{number}");
            Run(_directory.SaveDriverAsync(new DriverProfile($"d-{number}", "c-1", $"Driver {number}"), None));
        }

        _directory.AddVehicle(TestFleet.Vehicle("v-other", "c-2"), "dev-other");
        Run(_directory.SaveDriverAsync(new DriverProfile("d-other", "c-2", "Theirs"), None));
        var moving = VehicleState.Initial(TestFleet.Vehicle("v-4")) with { OdometerKm = 1_234 };
        Run(_history.CommitAsync(new TelemetryCommit([moving], [], [], [], [], [], new Dictionary<string, int>(), DateTimeOffset.UnixEpoch), None));

        var clock = new FrozenClock(FixStream.Start);
        var announcer = new ConfigAnnouncer(new RecordingPublisher(), clock);
        _vehicles = new VehiclesApiHandler(_directory, _history, _directory, announcer, clock);
        _drivers = new DriversApiHandler(_directory, new InMemoryMembershipStore(), announcer);
        _alertsApi = new AlertsApiHandler(_alerts, new InMemoryTelemetryStore(), new RecordingPublisher(), _directory, clock);
    }

    [Fact]
    public async Task Vehicles_come_a_page_at_a_time_by_id_each_with_its_devices_and_state()
    {
        var pages = await WalkAsync(after => _vehicles.ListAsync(Admin, 2, after, None));

        Assert.Equal([["v-1", "v-2"], ["v-3", "v-4"], ["v-5"]], pages.Select(page => page.Select(vehicle => vehicle.VehicleId)));
        var vehicles = pages.SelectMany(page => page).ToList();
        Assert.All(vehicles, vehicle => Assert.Equal(["dev-" + vehicle.VehicleId[2..]], vehicle.DeviceIds));
        Assert.Equal(1_234, vehicles.Single(vehicle => vehicle.VehicleId == "v-4").OdometerKm);
    }

    [Fact]
    public async Task A_viewer_pages_through_their_granted_vehicles_alone_without_devices()
    {
        var pages = await WalkAsync(after => _vehicles.ListAsync(Viewer, 2, after, None));

        Assert.Equal([["v-2", "v-4"], ["v-5"]], pages.Select(page => page.Select(vehicle => vehicle.VehicleId)));
        Assert.All(pages.SelectMany(page => page), vehicle => Assert.Empty(vehicle.DeviceIds));
    }

    [Fact]
    public async Task Without_a_limit_a_fleet_up_to_the_default_comes_whole_without_a_next_cursor()
    {
        var listed = await _vehicles.ListAsync(Admin, null, null, None);

        Assert.Equal(5, listed.Value!.Count);
        Assert.Null(listed.NextAfter);
        Assert.Equal(500, VehiclesApiHandler.ListPageSize.Default);
    }

    [Fact]
    public async Task Drivers_come_a_page_at_a_time_by_id_and_only_the_companys()
    {
        var pages = await WalkAsync(after => _drivers.ListAsync(Admin, 3, after, None));

        Assert.Equal([["d-1", "d-2", "d-3"], ["d-4", "d-5"]], pages.Select(page => page.Select(driver => driver.DriverId)));
    }

    [Fact]
    public async Task Alerts_come_a_page_at_a_time_newest_raised_first_each_once()
    {
        // Raised a minute apart, a-5 last; each tells of an older event than the one raised before it, as an offline alert
        // tells of the vehicle's last fix.
        var alerts = Enumerable.Range(1, 5)
            .Select(minutes => new Alert(
                $"a-{minutes}", "c-1", AlertType.VehicleOffline, AlertSeverity.Medium, "Offline", "Silent", FixStream.Start.AddMinutes(-10 * minutes),
                FixStream.Start.AddMinutes(minutes - 5), FixStream.Start.AddDays(1)))
            .ToList();
        await _alerts.UpsertAsync([.. alerts, alerts[0] with { Id = "a-theirs", CompanyId = "c-2" }], None);

        var pages = await WalkAsync(after => _alertsApi.ListAsync(Admin, 2, unreadOnly: false, after, None));

        Assert.Equal([["a-5", "a-4"], ["a-3", "a-2"], ["a-1"]], pages.Select(page => page.Select(alert => alert.Id)));
    }

    [Fact]
    public async Task A_vehicles_trips_come_a_page_at_a_time_oldest_first_ties_on_start_time_by_id()
    {
        var start = FixStream.Start.AddHours(-3);
        var trips = new[] { (Id: "t-c", Minutes: 0), (Id: "t-b", Minutes: 60), (Id: "t-a", Minutes: 60), (Id: "t-d", Minutes: 60), (Id: "t-e", Minutes: 120) }
            .Select(trip => new TripRecord(
                trip.Id, "v-4", "c-1", null, TripStatus.Completed, start.AddMinutes(trip.Minutes), new GeoPoint(25.03, 121.56), start.AddMinutes(trip.Minutes + 30),
                new GeoPoint(25.04, 121.57), 3.2, 72.5, null))
            .ToList();
        await _history.CommitAsync(new TelemetryCommit([], [], trips, [], [], [], new Dictionary<string, int>(), DateTimeOffset.UnixEpoch), None);

        var pages = await WalkAsync(after => _vehicles.TripsAsync(Admin, "v-4", start, FixStream.Start, 2, after, None));

        Assert.Equal([["t-c", "t-a"], ["t-b", "t-d"], ["t-e"]], pages.Select(page => page.Select(trip => trip.TripId)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_001)]
    public async Task A_limit_out_of_range_is_a_400_naming_limit(int limit)
    {
        var vehicles = await _vehicles.ListAsync(Admin, limit, null, None);
        var drivers = await _drivers.ListAsync(Admin, limit, null, None);
        var alerts = await _alertsApi.ListAsync(Admin, limit, unreadOnly: false, null, None);
        var trips = await _vehicles.TripsAsync(Admin, "v-4", FixStream.Start.AddDays(-1), FixStream.Start, limit, null, None);

        Assert.All([vehicles.Problem, drivers.Problem, alerts.Problem, trips.Problem], problem => Assert.Equal(["limit"], problem!.Errors!.Keys));
        Assert.All([vehicles.Status, drivers.Status, alerts.Status, trips.Status], status => Assert.Equal(400, status));
    }

    [Fact]
    public async Task The_largest_page_may_be_asked_for_and_a_cursor_the_server_did_not_give_is_a_400_naming_after()
    {
        var (from, to) = (FixStream.Start.AddDays(-1), FixStream.Start);
        Assert.Equal(200, (await _vehicles.ListAsync(Admin, VehiclesApiHandler.ListPageSize.Max, null, None)).Status);
        Assert.Equal(200, (await _drivers.ListAsync(Admin, DriversApiHandler.ListPageSize.Max, null, None)).Status);
        Assert.Equal(200, (await _alertsApi.ListAsync(Admin, AlertQuery.MaxLimit, unreadOnly: false, null, None)).Status);
        Assert.Equal(200, (await _vehicles.TripsAsync(Admin, "v-4", from, to, VehiclesApiHandler.TripPageSize.Max, null, None)).Status);
        Assert.Equal(400, (await _vehicles.TripsAsync(Admin, "v-4", from, to, VehiclesApiHandler.TripPageSize.Max + 1, null, None)).Status);

        var refusedAlerts = await _alertsApi.ListAsync(Admin, null, unreadOnly: false, "yesterday", None);
        var refusedTrips = await _vehicles.TripsAsync(Admin, "v-4", from, to, null, "_t-a", None);

        Assert.Equal(["after"], refusedAlerts.Problem!.Errors!.Keys);
        Assert.Equal(["after"], refusedTrips.Problem!.Errors!.Keys);
    }

    [Fact]
    public async Task Who_may_not_read_a_list_is_refused_before_their_parameters_are_judged()
    {
        Assert.Equal(403, (await _drivers.ListAsync(Viewer, 0, null, None)).Status);
        Assert.Equal(403, (await _alertsApi.ListAsync(Viewer, 0, unreadOnly: false, "bad", None)).Status);
    }

    [Fact]
    public void A_cursor_reads_back_as_the_position_it_was_written_from()
    {
        var position = new NewestFirstCursor(FixStream.Start.AddTicks(7), "job_with_underscores");

        var oldestFirst = new OldestFirstCursor(position.At, position.Id);

        var (read, problem) = PageCursors.ReadNewestFirst(PageCursors.Write(position));
        var (readOldestFirst, oldestFirstProblem) = PageCursors.ReadOldestFirst(PageCursors.Write(oldestFirst));

        Assert.Null(problem ?? oldestFirstProblem);
        Assert.Equal(position, read);
        Assert.Equal(oldestFirst, readOldestFirst);
    }

    /// <summary>Every page of a list, each asked for with the cursor the one before gave, until none is given.</summary>
    private static async Task<List<IReadOnlyList<T>>> WalkAsync<T>(Func<string?, Task<ApiResult<IReadOnlyList<T>>>> list)
    {
        var pages = new List<IReadOnlyList<T>>();
        string? after = null;
        do
        {
            var page = await list(after);
            Assert.Equal(200, page.Status);
            pages.Add(page.Value!);
            after = page.NextAfter;
        }
        while (after is not null && pages.Count < 100);

        return pages;
    }

    private static void Run(Task task) => task.GetAwaiter().GetResult();
}
