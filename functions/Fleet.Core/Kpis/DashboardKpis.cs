using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Realtime;
using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Kpis;

/// <summary>Open (unexpired, unread) alerts of a company by severity.</summary>
public sealed record OpenAlertCounts(int Low, int Medium, int High, int Critical)
{
    public static OpenAlertCounts None { get; } = new(0, 0, 0, 0);

    public static OpenAlertCounts From(IEnumerable<AlertSeverity> severities)
    {
        ArgumentNullException.ThrowIfNull(severities);
        int low = 0, medium = 0, high = 0, critical = 0;
        foreach (var severity in severities)
        {
            _ = severity switch
            {
                AlertSeverity.Low => low++,
                AlertSeverity.Medium => medium++,
                AlertSeverity.High => high++,
                _ => critical++,
            };
        }

        return new OpenAlertCounts(low, medium, high, critical);
    }
}

/// <summary>The data of <c>fleet_dashboard_update</c> (DESIGN 5).</summary>
/// <param name="ActiveVehicles">Vehicles reporting now (not offline).</param>
/// <param name="MovingVehicles">Vehicles moving as of their recent data: one gone quiet is not known to be moving.</param>
/// <param name="VehiclesUsedToday">Vehicles that drove today; their share of the fleet is the utilisation rate.</param>
public sealed record DashboardPayload(
    string CompanyId,
    DateOnly Day,
    int TotalVehicles,
    int ActiveVehicles,
    int MovingVehicles,
    int VehiclesUsedToday,
    int TripsToday,
    double DistanceKmToday,
    double FuelLitersToday,
    double UtilisationPercent,
    double? CostPerKm,
    double IdleSecondsToday,
    OpenAlertCounts OpenAlerts);

/// <summary>Computes a company's KPIs from its vehicles' states and today's statistics.</summary>
public static class DashboardKpis
{
    /// <param name="vehicles">The company's fleet.</param>
    /// <param name="states">The company's vehicle states: those of vehicles no longer in the fleet are left out.</param>
    /// <param name="today">The company's statistics rows for <paramref name="now"/>'s local day.</param>
    public static DashboardPayload Compute(
        CompanyProfile company, IReadOnlyCollection<VehicleProfile> vehicles, IReadOnlyCollection<VehicleState> states, IReadOnlyCollection<DailyStats> today,
        OpenAlertCounts openAlerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(company);
        ArgumentNullException.ThrowIfNull(vehicles);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(openAlerts);
        var day = CompanyDay.Of(now, company.TimeZone);
        var rows = today.Where(row => row.Day == day && string.Equals(row.CompanyId, company.CompanyId, StringComparison.Ordinal)).ToList();
        var distanceKm = rows.Sum(row => row.DistanceKm);
        var fuelLiters = rows.Sum(row => row.FuelUsedLiters);
        var usedToday = rows.Where(row => row.DistanceKm > 0).Select(row => row.VehicleId).Distinct(StringComparer.Ordinal).Count();
        var costs = company.Rules.Costs;

        // A state outlives its vehicle's removal (history stays): a deleted vehicle must not count as active forever.
        var fleet = vehicles.ToDictionary(vehicle => vehicle.VehicleId, vehicle => new VehicleRuleSettings(company.Rules, vehicle), StringComparer.Ordinal);
        var current = states.Where(state => fleet.ContainsKey(state.VehicleId)).ToList();
        return new DashboardPayload(
            company.CompanyId,
            day,
            vehicles.Count,
            current.Count(state => state.Status != VehicleStatus.Offline),
            current.Count(state => state.Status == VehicleStatus.Moving && !state.HasNoRecentData(fleet[state.VehicleId], now)),
            usedToday,
            // A trip that turned out to be noise (cancelled) was never a trip.
            rows.Sum(row => row.TripsStarted - row.TripsCancelled),
            Math.Round(distanceKm, 2),
            Math.Round(fuelLiters, 2),
            vehicles.Count > 0 ? Math.Round(100.0 * usedToday / vehicles.Count, 1) : 0,
            distanceKm > 0 ? Math.Round((fuelLiters * costs.FuelPricePerLiter + distanceKm * costs.FixedCostPerKm) / distanceKm, 3) : null,
            Math.Round(rows.Sum(row => row.IdleSeconds)),
            openAlerts);
    }

    public static RealtimeNotice Notice(DashboardPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new RealtimeNotice(RealtimeMessageTypes.FleetDashboardUpdate, payload.CompanyId, payload);
    }
}
