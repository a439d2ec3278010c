using Fleet.Adapters.Tests.Support;
using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every fleet directory must do: resolve devices, serve company profiles whose fences follow every change, and
/// keep each company's vehicles, devices and fences its own. Each test uses companies of its own.
/// </summary>
public abstract class FleetConfigurationContract
{
    private static readonly GeoPoint Taipei = new(25.0330, 121.5654);

    protected abstract IFleetConfiguration Configuration { get; }

    protected abstract IDeviceRegistry Registry { get; }

    protected abstract ICompanyDirectory Companies { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task A_device_resolves_to_its_vehicle_with_every_setting()
    {
        var company = await NewCompanyAsync();
        var vehicle = new VehicleProfile(
            "v-" + company, company, "Reefer 7", VehicleClass.HeavyTruck, SpeedLimitKmh: 80, FuelCapacityLiters: 400,
            ExpectedReportInterval: TimeSpan.FromSeconds(30), ServiceIntervalKm: 20_000, InitialOdometerKm: 150_000.5);
        await Configuration.SaveVehicleAsync(vehicle, ["dev-a-" + company, "dev-b-" + company], Token);

        var resolved = await Registry.ResolveAsync(["dev-a-" + company, "dev-b-" + company, "dev-unknown"], Token);

        Assert.Equal(2, resolved.Count);
        Assert.All(resolved.Values, registration => Assert.Equal(vehicle, registration.Vehicle));
        Assert.Equal([vehicle], await Configuration.VehiclesOfAsync(company, Token));
    }

    [Fact]
    public async Task A_company_lists_each_vehicles_devices_and_none_of_another_companys()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        await Configuration.SaveVehicleAsync(Vehicle("v-1-" + company, company), ["dev-b-" + company, "dev-a-" + company], Token);
        await Configuration.SaveVehicleAsync(Vehicle("v-2-" + company, company), [], Token);
        await Configuration.SaveVehicleAsync(Vehicle("v-1-" + other, other), ["dev-" + other], Token);

        var devices = await Configuration.DevicesOfAsync(company, ["v-1-" + company, "v-2-" + company, "v-1-" + other], Token);

        Assert.Equal(["v-1-" + company], devices.Keys);
        Assert.Equal(["dev-a-" + company, "dev-b-" + company], devices["v-1-" + company]);
        Assert.Empty(await Configuration.DevicesOfAsync(company, ["v-2-" + company], Token));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Vehicles_and_drivers_page_in_code_point_order_each_exactly_once_and_only_the_companys(int limit)
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        string[] ids = ["x-b", "x-B", "x-a", "x-A"];
        foreach (var id in ids)
        {
            await Configuration.SaveVehicleAsync(Vehicle(id + "-" + company, company), [], Token);
            await Configuration.SaveDriverAsync(new DriverProfile(id + "-" + company, company, "Driver " + id), Token);
            await Configuration.SaveVehicleAsync(Vehicle(id + "-" + other, other), [], Token);
            await Configuration.SaveDriverAsync(new DriverProfile(id + "-" + other, other, "Driver " + id), Token);
        }

        var vehiclePages = await WalkAsync(page => Configuration.VehiclesOfAsync(company, page, null, Token), vehicle => vehicle.VehicleId, limit);
        var driverPages = await WalkAsync(page => Configuration.DriversOfAsync(company, page, Token), driver => driver.DriverId, limit);

        string[] expected = [.. new[] { "x-A", "x-B", "x-a", "x-b" }.Select(id => id + "-" + company)];
        Assert.Equal(expected, vehiclePages.SelectMany(page => page).Select(vehicle => vehicle.VehicleId));
        Assert.Equal(expected, driverPages.SelectMany(page => page).Select(driver => driver.DriverId));

        // Four items in pages of two end with a full page, and no empty one after it.
        Assert.Equal(limit == 2 ? [2, 2] : [3, 1], vehiclePages.Select(page => page.Count));
        Assert.Equal(limit == 2 ? [2, 2] : [3, 1], driverPages.Select(page => page.Count));
    }

    [Fact]
    public async Task A_page_of_some_vehicles_holds_those_of_the_company_among_them_alone()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        foreach (var id in new[] { "v-1", "v-2", "v-3", "v-4" })
        {
            await Configuration.SaveVehicleAsync(Vehicle(id + "-" + company, company), [], Token);
        }

        await Configuration.SaveVehicleAsync(Vehicle("v-1-" + other, other), [], Token);
        string[] granted = ["v-4-" + company, "v-1-" + company, "v-1-" + other, "v-9-" + company];

        var pages = await WalkAsync(page => Configuration.VehiclesOfAsync(company, page, granted, Token), vehicle => vehicle.VehicleId, limit: 1);

        Assert.Equal(["v-1-" + company, "v-4-" + company], pages.SelectMany(page => page).Select(vehicle => vehicle.VehicleId));
        Assert.All(pages, page => Assert.Single(page));
        Assert.Empty((await Configuration.VehiclesOfAsync(company, new IdPage(null, 10), [], Token)).Items);
    }

    [Fact]
    public async Task Vehicles_drivers_and_fences_are_listed_in_code_point_order_whatever_the_collation()
    {
        var company = await NewCompanyAsync();
        foreach (var id in new[] { "x-b", "x-B", "x-a", "x-A" })
        {
            await Configuration.SaveVehicleAsync(Vehicle(id + "-" + company, company), [], Token);
            await Configuration.SaveDriverAsync(new DriverProfile(id + "-" + company, company, "Driver " + id), Token);
            await Configuration.SaveGeofenceAsync(new Geofence(id, company, "Fence " + id, new CircleShape(Taipei, 100)), Token);
        }

        string[] expected = ["x-A", "x-B", "x-a", "x-b"];
        Assert.Equal(expected.Select(id => id + "-" + company), (await Configuration.VehiclesOfAsync(company, Token)).Select(vehicle => vehicle.VehicleId));
        Assert.Equal(expected.Select(id => id + "-" + company), (await Configuration.DriversOfAsync(company, Token)).Select(driver => driver.DriverId));
        Assert.Equal(expected, (await Configuration.GeofencesOfAsync(company, Token)).Select(fence => fence.Id));
    }

    [Fact]
    public async Task A_vehicle_saved_again_takes_its_new_settings_and_a_device_moves_within_the_company()
    {
        var company = await NewCompanyAsync();
        var device = "dev-" + company;
        await Configuration.SaveVehicleAsync(Vehicle("v-1-" + company, company), [device], Token);
        var renamed = Vehicle("v-1-" + company, company) with { Name = "Renamed", SpeedLimitKmh = 60 };
        await Configuration.SaveVehicleAsync(renamed, [], Token);

        await Configuration.SaveVehicleAsync(Vehicle("v-2-" + company, company), [device], Token);

        Assert.Equal("v-2-" + company, (await Registry.ResolveAsync([device], Token))[device].VehicleId);
        Assert.Equal(renamed, (await Configuration.VehiclesOfAsync(company, Token))[0]);
    }

    [Fact]
    public async Task Another_companys_vehicle_or_device_cannot_be_taken_over()
    {
        var owner = await NewCompanyAsync();
        var intruder = await NewCompanyAsync();
        var device = "dev-" + owner;
        await Configuration.SaveVehicleAsync(Vehicle("v-" + owner, owner), [device], Token);

        await Assert.ThrowsAsync<OwnershipConflictException>(() => Configuration.SaveVehicleAsync(Vehicle("v-" + owner, intruder), [], Token));
        await Assert.ThrowsAsync<OwnershipConflictException>(() => Configuration.SaveVehicleAsync(Vehicle("v-" + intruder, intruder), [device], Token));
        await Assert.ThrowsAsync<OwnershipConflictException>(() => Configuration.SaveVehicleAsync(Vehicle("v-x", "c-does-not-exist"), [], Token));

        Assert.Equal(owner, (await Registry.ResolveAsync([device], Token))[device].CompanyId);
        Assert.Equal("Vehicle", (await Configuration.VehiclesOfAsync(owner, Token))[0].Name);
    }

    [Fact]
    public async Task A_company_profile_carries_its_rules_time_zone_and_fences()
    {
        var company = "c-" + Guid.NewGuid().ToString("N")[..12];
        var rules = RuleSettings.Default with { Speeding = new SpeedingSettings { DefaultSpeedLimitKmh = 70 } };
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");
        await Configuration.SaveCompanyAsync(new CompanySettings(company, "Formosa Freight", rules, zone), Token);
        await Configuration.SaveGeofenceAsync(Circle(company, "depot"), Token);

        var profile = (await Companies.GetAsync([company, "c-unknown"], Token)).Values.Single();

        Assert.Equal(("Formosa Freight", rules, zone.Id), (profile.Name, profile.Rules, profile.TimeZone.Id));
        Assert.Equal(["depot"], profile.Geofences.FindContaining(Taipei).Select(fence => fence.Id));
    }

    [Fact]
    public async Task Every_shape_and_option_of_a_fence_round_trips()
    {
        var company = await NewCompanyAsync();
        Geofence[] fences =
        [
            Circle(company, "a-circle") with { AlertOn = GeofenceAlertRule.Enter, SpeedLimitKmh = 30, Dwell = TimeSpan.FromMinutes(5), Severity = AlertSeverity.High },
            new Geofence("b-polygon", company, "Yard", new PolygonShape(
                [new(25.0, 121.5), new(25.0, 121.6), new(25.1, 121.6), new(25.1, 121.5)],
                [[new(25.04, 121.54), new(25.04, 121.56), new(25.06, 121.56)]]), GeofenceAlertRule.Exit),
            new Geofence("c-corridor", company, "Route 1", new CorridorShape([new(25.0, 121.5), new(25.05, 121.55), new(25.1, 121.5)], 150)),
        ];
        foreach (var fence in fences)
        {
            await Configuration.SaveGeofenceAsync(fence, Token);
        }

        var stored = await Configuration.GeofencesOfAsync(company, Token);

        Assert.Equal(fences.Select(Describe), stored.Select(Describe));
        Assert.Equal(Describe(fences[1]), Describe((await Configuration.GeofenceAsync(company, "b-polygon", Token))!));
    }

    [Fact]
    public async Task Fence_changes_reach_the_next_profile_read()
    {
        var company = await NewCompanyAsync();
        await Configuration.SaveGeofenceAsync(Circle(company, "depot"), Token);
        Assert.Single((await ProfileAsync(company)).Geofences.FindContaining(Taipei));

        var moved = Circle(company, "depot") with { Shape = new CircleShape(GeoMath.Offset(Taipei, 5_000, 90), 200) };
        await Configuration.SaveGeofenceAsync(moved, Token);
        Assert.Empty((await ProfileAsync(company)).Geofences.FindContaining(Taipei));

        await Configuration.SaveGeofenceAsync(Circle(company, "second"), Token);
        Assert.True(await Configuration.DeleteGeofenceAsync(company, "second", Token));
        Assert.Empty((await ProfileAsync(company)).Geofences.FindContaining(Taipei));
        Assert.False(await Configuration.DeleteGeofenceAsync(company, "second", Token));
    }

    [Fact]
    public async Task Fence_ids_are_per_company_and_one_company_never_sees_anothers()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        await Configuration.SaveGeofenceAsync(Circle(company, "depot") with { Name = "Ours" }, Token);

        await Configuration.SaveGeofenceAsync(Circle(other, "depot") with { Name = "Theirs" }, Token);
        Assert.False(await Configuration.DeleteGeofenceAsync(other, "missing", Token));

        Assert.Equal("Ours", (await Configuration.GeofenceAsync(company, "depot", Token))!.Name);
        Assert.Equal(["Theirs"], (await Configuration.GeofencesOfAsync(other, Token)).Select(fence => fence.Name));
        Assert.Null(await Configuration.GeofenceAsync(NewCompanyId(), "depot", Token));
        await Assert.ThrowsAsync<OwnershipConflictException>(() => Configuration.SaveGeofenceAsync(Circle("c-does-not-exist", "depot"), Token));
    }

    private async Task<CompanyProfile> ProfileAsync(string company) => (await Companies.GetAsync([company], Token))[company];

    [Fact]
    public async Task A_deleted_vehicle_is_gone_with_its_devices_and_only_its_own_company_can_delete_it()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        await Configuration.SaveVehicleAsync(Vehicle("v-" + company, company), ["dev-" + company], Token);

        Assert.False(await Configuration.DeleteVehicleAsync(other, "v-" + company, Token));
        Assert.True(await Configuration.DeleteVehicleAsync(company, "v-" + company, Token));

        Assert.Empty(await Configuration.VehiclesOfAsync(company, Token));
        Assert.Empty(await Registry.ResolveAsync(["dev-" + company], Token));
        Assert.False(await Configuration.DeleteVehicleAsync(company, "v-" + company, Token));
    }

    [Fact]
    public async Task Drivers_are_saved_listed_and_deleted_per_company_and_never_taken_over()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        var driver = new DriverProfile("d-" + company, company, "Ada", UserId: "u-ada");
        await Configuration.SaveDriverAsync(driver with { Name = "Ada L." }, Token);
        await Configuration.SaveDriverAsync(driver, Token);

        await Assert.ThrowsAsync<OwnershipConflictException>(() => Configuration.SaveDriverAsync(driver with { CompanyId = other }, Token));
        Assert.Equal([driver], await Configuration.DriversOfAsync(company, Token));
        Assert.Empty(await Configuration.DriversOfAsync(other, Token));
        Assert.False(await Configuration.DeleteDriverAsync(other, driver.DriverId, Token));
        Assert.True(await Configuration.DeleteDriverAsync(company, driver.DriverId, Token));
        Assert.Empty(await Configuration.DriversOfAsync(company, Token));
    }

    [Fact]
    public async Task Every_company_is_listed()
    {
        var first = await NewCompanyAsync();
        var second = await NewCompanyAsync();

        var companies = await Configuration.CompanyIdsAsync(Token);

        Assert.Contains(first, companies);
        Assert.Contains(second, companies);
        Assert.Equal(companies.Order(StringComparer.Ordinal), companies);
    }

    [Fact]
    public async Task A_company_reads_back_every_setting()
    {
        var company = NewCompanyId();
        var defaults = RuleSettings.Default;
        var rules = defaults with
        {
            Trips = defaults.Trips with { MinStopDuration = TimeSpan.FromMinutes(7) },
            Speeding = defaults.Speeding with { MediumExcessRatio = 0.15 },
            HarshDriving = defaults.HarshDriving with { HeavyTruck = new HarshThresholds(-2.5, 1.9) },
            Offline = defaults.Offline with { MissedReportsBeforeOffline = 5 },
            Alerts = new AlertSettings { TimeToLive = TimeSpan.FromHours(48) },
            Costs = new CostSettings { FuelPricePerLiter = 31.5, FixedCostPerKm = 4.2 },
        };
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");
        var settings = new CompanySettings(company, "Formosa Freight \u53f0\u5317", rules, zone, "TWD", Disabled: true);

        await Configuration.SaveCompanyAsync(settings, Token);

        var stored = await Configuration.CompanyAsync(company, Token);
        Assert.NotNull(stored);
        Assert.Equal("Asia/Taipei", stored.TimeZone.Id);
        Assert.Equal(settings with { TimeZone = TimeZoneInfo.Utc }, stored with { TimeZone = TimeZoneInfo.Utc });
    }

    [Fact]
    public async Task A_company_saved_again_takes_its_new_settings_and_can_be_enabled_again()
    {
        var company = NewCompanyId();
        await Configuration.SaveCompanyAsync(new CompanySettings(company, "Old", RuleSettings.Default, TimeZoneInfo.Utc, "EUR", Disabled: true), Token);
        var enabled = new CompanySettings(company, "New", RuleSettings.Default, TimeZoneInfo.Utc);

        await Configuration.SaveCompanyAsync(enabled, Token);

        Assert.Equal(enabled, await Configuration.CompanyAsync(company, Token));
        Assert.Contains(company, await Configuration.CompanyIdsAsync(Token));
    }

    [Fact]
    public async Task An_unknown_company_is_null()
    {
        await NewCompanyAsync();

        Assert.Null(await Configuration.CompanyAsync(NewCompanyId(), Token));
    }

    [Fact]
    public async Task Operators_list_disabled_companies_too_while_the_timers_leave_them_out()
    {
        var active = await NewCompanyAsync();
        var disabled = NewCompanyId();
        await Configuration.SaveCompanyAsync(new CompanySettings(disabled, "Gone quiet", RuleSettings.Default, TimeZoneInfo.Utc, Disabled: true), Token);

        var listed = (await WalkAsync(page => Configuration.CompaniesAsync(page, Token), company => company.CompanyId, limit: 1_000)).SelectMany(page => page).ToList();
        var visited = await Configuration.CompanyIdsAsync(Token);

        Assert.False(Assert.Single(listed, company => company.CompanyId == active).Disabled);
        Assert.Equal("Gone quiet", Assert.Single(listed, company => company.CompanyId == disabled && company.Disabled).Name);
        Assert.Equal(listed.Select(company => company.CompanyId).Order(StringComparer.Ordinal), listed.Select(company => company.CompanyId));
        Assert.Contains(active, visited);
        Assert.DoesNotContain(disabled, visited);
    }

    [Fact]
    public async Task Companies_page_by_id_in_code_point_order_from_the_cursor_on()
    {
        var prefix = NewCompanyId();
        foreach (var id in new[] { prefix + "-b", prefix + "-B", prefix + "-a" })
        {
            await Configuration.SaveCompanyAsync(new CompanySettings(id, id, RuleSettings.Default, TimeZoneInfo.Utc, Disabled: id.EndsWith('a')), Token);
        }

        var first = await Configuration.CompaniesAsync(new IdPage(prefix, 2), Token);
        var second = await Configuration.CompaniesAsync(new IdPage(first.Items[^1].CompanyId, 2), Token);

        Assert.Equal([prefix + "-B", prefix + "-a"], first.Items.Select(company => company.CompanyId));
        Assert.True(first.More);
        Assert.True(first.Items[1].Disabled);
        Assert.Equal(prefix + "-b", second.Items[0].CompanyId);
    }

    [Fact]
    public async Task A_company_profile_carries_its_currency_and_whether_it_is_disabled_and_follows_a_change()
    {
        var company = NewCompanyId();
        await Configuration.SaveCompanyAsync(new CompanySettings(company, "Before", RuleSettings.Default, TimeZoneInfo.Utc, "TWD"), Token);
        var before = await ProfileAsync(company);
        Assert.Equal(("Before", "TWD", false), (before.Name, before.Currency, before.Disabled));

        await Configuration.SaveCompanyAsync(new CompanySettings(company, "After", RuleSettings.Default, TimeZoneInfo.Utc, "EUR", Disabled: true), Token);

        var after = await ProfileAsync(company);
        Assert.Equal(("After", "EUR", true), (after.Name, after.Currency, after.Disabled));
    }

    [Fact]
    public async Task A_vehicles_harsh_driving_overrides_round_trip_and_clearing_them_reaches_its_devices()
    {
        var company = await NewCompanyAsync();
        var device = "dev-" + company;
        var vehicle = Vehicle("v-" + company, company) with
        {
            VehicleClass = VehicleClass.LightTruck,
            HarshBrakingMetersPerSecondSquared = -4.25,
            HarshAccelerationMetersPerSecondSquared = 3.75,
        };
        await Configuration.SaveVehicleAsync(vehicle, [device], Token);

        Assert.Equal([vehicle], await Configuration.VehiclesOfAsync(company, Token));
        Assert.Equal(vehicle, (await Registry.ResolveAsync([device], Token))[device].Vehicle);

        var cleared = vehicle with { HarshBrakingMetersPerSecondSquared = null, HarshAccelerationMetersPerSecondSquared = null };
        await Configuration.SaveVehicleAsync(cleared, [], Token);

        Assert.Equal([cleared], await Configuration.VehiclesOfAsync(company, Token));
        Assert.Equal(cleared, (await Registry.ResolveAsync([device], Token))[device].Vehicle);
    }

    /// <summary>Every page of a list from its start, following each page's last id while more follow.</summary>
    private static async Task<List<IReadOnlyList<T>>> WalkAsync<T>(Func<IdPage, Task<ListPage<T>>> read, Func<T, string> idOf, int limit)
    {
        var pages = new List<IReadOnlyList<T>>();
        string? after = null;
        while (true)
        {
            var page = await read(new IdPage(after, limit));
            Assert.InRange(page.Items.Count, page.More ? limit : 0, limit);
            pages.Add(page.Items);
            if (!page.More)
            {
                return pages;
            }

            after = idOf(page.Items[^1]);
        }
    }

    private async Task<string> NewCompanyAsync()
    {
        var company = NewCompanyId();
        await Configuration.SaveCompanyAsync(new CompanySettings(company, company, RuleSettings.Default, TimeZoneInfo.Utc), Token);
        return company;
    }

    private static string NewCompanyId() => "c-" + Guid.NewGuid().ToString("N")[..12];

    private static VehicleProfile Vehicle(string vehicleId, string companyId) => new(vehicleId, companyId, "Vehicle");

    private static Geofence Circle(string company, string id) => new(id, company, "Depot " + id, new CircleShape(Taipei, 300));

    /// <summary>Shapes are classes without value equality; their GeoJSON and sizes describe them completely.</summary>
    private static string Describe(Geofence fence) =>
        $"{fence with { Shape = null! }} {GeoJsonGeometry.Write(fence.Shape)} " +
        $"{GeoJsonGeometry.RadiusMetersOf(fence.Shape)} {GeoJsonGeometry.HalfWidthMetersOf(fence.Shape)}";
}

public sealed class InMemoryFleetConfigurationContract : FleetConfigurationContract
{
    private readonly InMemory.InMemoryFleetDirectory _directory = new();

    protected override IFleetConfiguration Configuration => _directory;

    protected override IDeviceRegistry Registry => _directory;

    protected override ICompanyDirectory Companies => _directory;
}

public sealed class PostgresFleetConfigurationContract(PostgresDatabase database) : FleetConfigurationContract, IClassFixture<PostgresDatabase>
{
    private readonly Postgres.PostgresFleetDirectory _directory = new(database.DataSource, database.Retry);

    protected override IFleetConfiguration Configuration => _directory;

    protected override IDeviceRegistry Registry => _directory;

    protected override ICompanyDirectory Companies => _directory;
}

/// <summary>The same contract on a database that does not sort text by code point, as a production server may not.</summary>
public sealed class EnglishCollatedPostgresFleetConfigurationContract(EnglishCollatedPostgresDatabase fixture)
    : FleetConfigurationContract, IClassFixture<EnglishCollatedPostgresDatabase>
{
    private readonly Postgres.PostgresFleetDirectory _directory = new(fixture.Database.DataSource, fixture.Database.Retry);

    protected override IFleetConfiguration Configuration => _directory;

    protected override IDeviceRegistry Registry => _directory;

    protected override ICompanyDirectory Companies => _directory;
}
