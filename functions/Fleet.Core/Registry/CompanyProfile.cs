using Fleet.Core.Geofencing;
using Fleet.Core.Settings;

namespace Fleet.Core.Registry;

/// <summary>A company's rules, the time zone its days are counted in, its fences, and whether it is disabled.</summary>
/// <param name="Disabled">An operator disabled the company: its devices' events are dead letters, its users cannot sign in.</param>
public sealed record CompanyProfile(
    string CompanyId, string Name, RuleSettings Rules, TimeZoneInfo TimeZone, GeofenceIndex Geofences, string Currency = CompanySettings.DefaultCurrency, bool Disabled = false)
{
    public static CompanyProfile WithDefaults(string companyId, GeofenceIndex? geofences = null) =>
        new(companyId, companyId, RuleSettings.Default, TimeZoneInfo.Utc, geofences ?? GeofenceIndex.Empty);

    public static CompanyProfile Of(CompanySettings settings, GeofenceIndex geofences)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(settings.CompanyId, settings.Name, settings.Rules, settings.TimeZone, geofences, settings.Currency, settings.Disabled);
    }
}

/// <summary>A company as operators and its administrators configure it; its fences are saved one by one.</summary>
/// <param name="Currency">ISO 4217 code of the prices in <see cref="RuleSettings.Costs"/>.</param>
/// <param name="Disabled">Set by an operator instead of deleting: the company's data stays.</param>
public sealed record CompanySettings(
    string CompanyId, string Name, RuleSettings Rules, TimeZoneInfo TimeZone, string Currency = CompanySettings.DefaultCurrency, bool Disabled = false)
{
    public const string DefaultCurrency = "USD";
}

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
