using System.Globalization;
using Fleet.Core.Api;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Simulator;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Demo;

/// <summary>Section <c>Fleet:Demo</c>: what the local host seeds so that it shows something on first start.</summary>
public sealed class DemoFleetOptions
{
    public const string Section = "Fleet:Demo";

    public bool Enabled { get; set; } = true;

    /// <summary>Vehicles in all, alternating between the two companies; at least as many as are simulated.</summary>
    public int Vehicles { get; set; } = 20;

    public double CenterLatitude { get; set; } = 25.0330;

    public double CenterLongitude { get; set; } = 121.5654;
}

/// <summary>
/// Someone the dashboard's development sign-in offers, with the membership the demo seeds for them; any other user can
/// still be minted a token. The operator is a member of no company: the development settings name them an operator.
/// </summary>
public sealed record DemoUser(string UserId, string? CompanyId, string? CompanyName, string? Role, string Name, IReadOnlyList<string> VehicleIds);

/// <summary>
/// Two companies, so isolation is visible from the first minute: vehicle n (device <c>sim-nnn</c>, the simulator's
/// default ids) belongs to Acme when n is odd and to Globex when even. Both have a depot fence and a slow zone at the
/// city centre, and both keep Taipei's time, where the demo fleet drives. Seeding saves through the configuration port,
/// so it is idempotent on PostgreSQL as well.
/// </summary>
internal sealed class DemoFleet(IFleetConfiguration configuration, IMembershipStore memberships, IOptions<DemoFleetOptions> options) : IHostedService
{
    public const string Acme = "c-acme";
    public const string Globex = "c-globex";

    /// <summary>The demo companies' zone: their "today" and every time their pages show are Taipei's.</summary>
    public const string TimeZoneId = "Asia/Taipei";

    // The simulator's default device and driver ids are the demo fleet's.
    private static readonly SimulatorOptions Simulated = new();

    public static IReadOnlyList<DemoUser> Users { get; } =
    [
        new("acme-dispatcher", Acme, "Acme Logistics", "dispatcher", "Dana, Acme dispatcher", []),
        new("acme-admin", Acme, "Acme Logistics", "admin", "Alex, Acme administrator", []),
        new("acme-driver", Acme, "Acme Logistics", "driver", "Sam, drives Vehicle 1 for Acme", [VehicleId(1)]),
        new("globex-dispatcher", Globex, "Globex Couriers", "dispatcher", "Gale, Globex dispatcher", []),
        new("globex-admin", Globex, "Globex Couriers", "admin", "Grace, Globex administrator", []),
        new("fleet-operator", null, null, null, "Olive, platform operator", []),
    ];

    public static string CompanyOf(int vehicleNumber) => vehicleNumber % 2 == 1 ? Acme : Globex;

    public static string VehicleId(int vehicleNumber) => "v-" + vehicleNumber.ToString("000", CultureInfo.InvariantCulture);

    public static string DeviceId(int vehicleNumber) => Simulated.DeviceId(vehicleNumber);

    /// <summary>The simulator's driver of vehicle n; Sam, the demo driver, drives vehicle 1.</summary>
    public static string DriverId(int vehicleNumber) => Simulated.DriverId(vehicleNumber);

    public static string DriverUserId(int vehicleNumber) => vehicleNumber == 1 ? "acme-driver" : DriverId(vehicleNumber);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Enabled)
        {
            return;
        }

        var center = new GeoPoint(demo.CenterLatitude, demo.CenterLongitude);
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        foreach (var (companyId, name) in new[] { (Acme, "Acme Logistics"), (Globex, "Globex Couriers") })
        {
            await configuration.SaveCompanyAsync(new CompanySettings(companyId, name, RuleSettings.Default, timeZone), cancellationToken);
            await configuration.SaveGeofenceAsync(new Geofence("depot", companyId, "Depot", new CircleShape(center, 300)), cancellationToken);
            await configuration.SaveGeofenceAsync(
                new Geofence("slow-zone", companyId, "City centre (50 km/h)", new CircleShape(center, 1_500), GeofenceAlertRule.None, SpeedLimitKmh: 50),
                cancellationToken);
        }

        for (var number = 1; number <= demo.Vehicles; number++)
        {
            var vehicleClass = CompanyOf(number) == Acme ? VehicleClass.LightTruck : VehicleClass.PassengerCar;
            var vehicle = new VehicleProfile(
                VehicleId(number), CompanyOf(number), $"Vehicle {number}", vehicleClass, SpeedLimitKmh: 90, FuelCapacityLiters: 80, ExpectedReportInterval: TimeSpan.FromSeconds(5));
            await configuration.SaveVehicleAsync(vehicle, [DeviceId(number)], cancellationToken);
            var driverName = number == 1 ? "Sam" : $"Driver {number}";
            await configuration.SaveDriverAsync(new DriverProfile(DriverId(number), CompanyOf(number), driverName, DriverUserId(number)), cancellationToken);
        }

        foreach (var user in Users.Where(user => user.CompanyId is not null))
        {
            UserRoles.TryParse(user.Role, out var role);
            await memberships.SaveAsync(new Membership(user.UserId, user.CompanyId!, role, user.VehicleIds, user.Name), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
