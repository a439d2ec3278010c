using System.Globalization;
using Fleet.Core.Identity;
using Fleet.Core.Api;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>
/// A company whose vehicles, drivers and users, and an operator whose companies, each take more than one page of the
/// API (500 by default): the dashboard follows the next links and shows them whole.
/// </summary>
public sealed class LargeFleet : IAsyncLifetime
{
    public const string CompanyId = "c-large";
    public const int Vehicles = 1_001;
    public const int Drivers = 501;
    public const int Members = 501;
    public const int MoreCompanies = 501;

    private LocalHostRig? _host;

    public LocalHostRig Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    public Browser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
        await Browser.InitializeAsync();

        // Seeded through the stores, as an operator's import would: thousands of API calls would only slow the test.
        var configuration = Host.Services.GetRequiredService<IFleetConfiguration>();
        var memberships = Host.Services.GetRequiredService<IMembershipStore>();
        var none = CancellationToken.None;
        await configuration.SaveCompanyAsync(new CompanySettings(CompanyId, "Large Fleet", RuleSettings.Default, TimeZoneInfo.Utc), none);
        for (var i = 0; i < Vehicles; i++)
        {
            await configuration.SaveVehicleAsync(new VehicleProfile(Numbered("v-large", i), CompanyId, Numbered("Van", i)), [Numbered("dev-large", i)], none);
        }

        for (var i = 0; i < Drivers; i++)
        {
            await configuration.SaveDriverAsync(new DriverProfile(Numbered("d-large", i), CompanyId, Numbered("Driver", i)), none);
        }

        for (var i = 0; i < Members; i++)
        {
            await memberships.SaveAsync(new Membership(Numbered("u-large", i), CompanyId, FleetRole.Viewer, []), none);
        }

        for (var i = 0; i < MoreCompanies; i++)
        {
            await configuration.SaveCompanyAsync(new CompanySettings(Numbered("c-many", i), Numbered("Company", i), RuleSettings.Default, TimeZoneInfo.Utc), none);
        }
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private static string Numbered(string prefix, int number) => prefix + "-" + number.ToString("D4", CultureInfo.InvariantCulture);
}

public sealed class LargeFleetTests(LargeFleet fleet) : IClassFixture<LargeFleet>
{
    private static readonly LocatorAssertionsToHaveCountOptions Whole = new() { Timeout = 20_000 };

    [Fact]
    public async Task A_dispatcher_sees_every_vehicle_of_a_fleet_larger_than_one_page()
    {
        await using var dispatcher = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "large-dispatcher", LargeFleet.CompanyId);

        await Assertions.Expect(dispatcher.Page.Locator("#vehicle-list li[data-vehicle-id]")).ToHaveCountAsync(LargeFleet.Vehicles, Whole);
        await Assertions.Expect(dispatcher.Page.Locator("#vehicle-list li[data-vehicle-id='v-large-1000']")).ToHaveCountAsync(1);
        Assert.True(LargeFleet.Vehicles > VehiclesApiHandler.ListPageSize.Default * 2, "The fleet spans three pages.");
        Assert.Empty(dispatcher.Problems);
    }

    [Fact]
    public async Task An_admin_sees_every_vehicle_user_and_driver_of_lists_longer_than_one_page()
    {
        await using var admin = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "large-admin", LargeFleet.CompanyId, "admin");
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Administration" }).ClickAsync();

        var members = await fleet.Host.Services.GetRequiredService<IMembershipStore>().OfCompanyAsync(LargeFleet.CompanyId, CancellationToken.None);
        await Assertions.Expect(admin.Page.Locator("#admin-vehicle-list li")).ToHaveCountAsync(LargeFleet.Vehicles, Whole);
        await Assertions.Expect(admin.Page.Locator("#admin-driver-list li")).ToHaveCountAsync(LargeFleet.Drivers, Whole);
        await Assertions.Expect(admin.Page.Locator("#admin-user-list li")).ToHaveCountAsync(members.Count, Whole);
        Assert.True(members.Count > UsersApiHandler.ListPageSize.Default && LargeFleet.Drivers > DriversApiHandler.ListPageSize.Default);
        Assert.Empty(admin.Problems);
    }

    [Fact]
    public async Task An_operator_sees_every_company_when_there_are_more_than_one_page_of_them()
    {
        await using var operatorPage = await DashboardPage.OpenAsUserAsync(fleet.Browser, fleet.Host.BaseAddress, "fleet-operator");

        var companies = await fleet.Host.Services.GetRequiredService<IFleetConfiguration>().CompaniesAsync(new IdPage(null, 1_000), CancellationToken.None);
        await Assertions.Expect(operatorPage.Page.Locator("#company-list li")).ToHaveCountAsync(companies.Items.Count, Whole);
        Assert.True(companies.Items.Count > CompaniesApiHandler.ListPageSize.Default);
        Assert.Empty(operatorPage.Problems);
    }
}
