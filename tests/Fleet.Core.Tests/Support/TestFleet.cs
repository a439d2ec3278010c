using Fleet.Core.Registry;
using Fleet.Core.Geofencing;
using Fleet.Core.Settings;

namespace Fleet.Core.Tests.Support;

/// <summary>Vehicles and companies for pipeline tests, with the DESIGN 5 defaults unless a test says otherwise.</summary>
internal static class TestFleet
{
    public const string CompanyId = "c-1";
    public const string VehicleId = "v-1";

    public static VehicleProfile Vehicle(
        string vehicleId = VehicleId,
        string companyId = CompanyId,
        VehicleClass vehicleClass = VehicleClass.PassengerCar,
        double? speedLimitKmh = null,
        double? fuelCapacityLiters = null,
        TimeSpan? expectedReportInterval = null,
        double? serviceIntervalKm = null,
        double initialOdometerKm = 0) =>
        new(vehicleId, companyId, $"Truck {vehicleId}", vehicleClass, speedLimitKmh, fuelCapacityLiters, expectedReportInterval,
            serviceIntervalKm, initialOdometerKm);

    public static VehicleContext Context(
        VehicleProfile? vehicle = null, IEnumerable<Geofence>? fences = null, RuleSettings? rules = null, TimeZoneInfo? timeZone = null)
    {
        vehicle ??= Vehicle();
        var company = new CompanyProfile(
            vehicle.CompanyId, vehicle.CompanyId, rules ?? RuleSettings.Default, timeZone ?? TimeZoneInfo.Utc, GeofenceIndex.Build(fences ?? []));
        return new VehicleContext(vehicle, company);
    }
}
