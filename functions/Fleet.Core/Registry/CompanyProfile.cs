using Fleet.Core.Geofencing;
using Fleet.Core.Settings;

namespace Fleet.Core.Registry;

/// <summary>A company's rules, the time zone its days are counted in, and its fences.</summary>
public sealed record CompanyProfile(string CompanyId, string Name, RuleSettings Rules, TimeZoneInfo TimeZone, GeofenceIndex Geofences)
{
    public static CompanyProfile WithDefaults(string companyId, GeofenceIndex? geofences = null) =>
        new(companyId, companyId, RuleSettings.Default, TimeZoneInfo.Utc, geofences ?? GeofenceIndex.Empty);
}

/// <summary>A company as its administrators configure it; its fences are saved one by one.</summary>
public sealed record CompanySettings(string CompanyId, string Name, RuleSettings Rules, TimeZoneInfo TimeZone);

/// <summary>Everything the pipeline needs to know about one vehicle besides its state.</summary>
public sealed class VehicleContext
{
    public VehicleContext(VehicleProfile vehicle, CompanyProfile company)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        ArgumentNullException.ThrowIfNull(company);
        if (!string.Equals(vehicle.CompanyId, company.CompanyId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Vehicle {vehicle.VehicleId} belongs to {vehicle.CompanyId}, not {company.CompanyId}.", nameof(company));
        }

        Vehicle = vehicle;
        Company = company;
        Settings = new VehicleRuleSettings(company.Rules, vehicle);
    }

    public VehicleProfile Vehicle { get; }

    public CompanyProfile Company { get; }

    public VehicleRuleSettings Settings { get; }

    public RuleSettings Rules => Company.Rules;
}
