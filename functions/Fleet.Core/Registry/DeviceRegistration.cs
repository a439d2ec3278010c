namespace Fleet.Core.Registry;

/// <summary>
/// A vehicle's own settings. Null values fall back to the company's <see cref="Settings.RuleSettings"/>.
/// </summary>
public sealed record VehicleProfile(
    string VehicleId,
    string CompanyId,
    string Name,
    VehicleClass VehicleClass = VehicleClass.PassengerCar,
    double? SpeedLimitKmh = null,
    double? FuelCapacityLiters = null,
    TimeSpan? ExpectedReportInterval = null,
    double? ServiceIntervalKm = null,
    double InitialOdometerKm = 0,
    double? HarshBrakingMetersPerSecondSquared = null,
    double? HarshAccelerationMetersPerSecondSquared = null);

/// <summary>Device -> vehicle -> company. The company always comes from here, never from the payload.</summary>
public sealed record DeviceRegistration(string DeviceId, VehicleProfile Vehicle)
{
    public string VehicleId => Vehicle.VehicleId;

    public string CompanyId => Vehicle.CompanyId;
}

/// <summary>A person who drives the company's vehicles; <see cref="UserId"/> links them to a sign-in, when they have one.</summary>
public sealed record DriverProfile(string DriverId, string CompanyId, string Name, string? UserId = null);
