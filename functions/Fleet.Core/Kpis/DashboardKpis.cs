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

/// <summary>The data of <c>fleet_dashboard_update</c> (DESIGN 5). The day's figures are sums of <see cref="VehicleToday"/>.</summary>
/// <param name="ActiveVehicles">Vehicles reporting now (not offline).</param>
/// <param name="MovingVehicles">Vehicles moving as of their recent data: one gone quiet is not known to be moving.</param>
/// <param name="VehiclesUsedToday">Vehicles that made a trip today; their share of the fleet is the utilisation rate.</param>
/// <param name="TripsToday">
/// Journeys made today: trips that started today (in the company's time zone), less those too short to be trips, plus
/// trips under way now that started before today. Every vehicle used made at least one.
/// </param>
/// <param name="FuelLitersToday">Fuel used today by the vehicles that report fuel, counted as it is used.</param>
/// <param name="CostPerKm">
/// The company's fixed cost per km plus fuel per km (today's, of the vehicles that report fuel) at its fuel price, in
/// <paramref name="Currency"/>.
/// </param>
/// <param name="Currency">ISO 4217 code of the company's prices.</param>
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
    OpenAlertCounts OpenAlerts,
    string Currency);

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
        ArgumentNullException.ThrowIfNull(openAlerts);
        var days = Vehicles(company, vehicles, states, today, now);
        var distanceKm = days.Sum(vehicle => vehicle.DistanceKm);
        var fuelLiters = days.Sum(vehicle => vehicle.FuelUsedLiters ?? 0);
        var usedToday = days.Count(vehicle => vehicle.Used);
        var costs = company.Rules.Costs;
        var fleet = vehicles.ToDictionary(vehicle => vehicle.VehicleId, vehicle => new VehicleRuleSettings(company.Rules, vehicle), StringComparer.Ordinal);
        var current = states.Where(state => fleet.ContainsKey(state.VehicleId)).ToList();
        return new DashboardPayload(
            company.CompanyId,
            CompanyDay.Of(now, company.TimeZone),
            vehicles.Count,
            current.Count(state => state.Status != VehicleStatus.Offline),
            current.Count(state => state.Status == VehicleStatus.Moving && !state.HasNoRecentData(fleet[state.VehicleId], now)),
            usedToday,
            days.Sum(vehicle => vehicle.Trips),
            Math.Round(distanceKm, 2),
            Math.Round(fuelLiters, 2),
            vehicles.Count > 0 ? Math.Round(100.0 * usedToday / vehicles.Count, 1) : 0,
            distanceKm > 0 ? Math.Round(costs.FixedCostPerKm + (FuelLitersPerKm(days) * costs.FuelPricePerLiter), 3) : null,
            Math.Round(days.Sum(vehicle => vehicle.IdleSeconds)),
            openAlerts,
            company.Currency);
    }

    /// <summary>
    /// Each vehicle of the fleet, with its figures for <paramref name="now"/>'s local day. A state or a row outlives its
    /// vehicle's removal (history stays), but a deleted vehicle counts in no figure of the fleet.
    /// </summary>
    /// <param name="today">The company's statistics rows for <paramref name="now"/>'s local day.</param>
    public static IReadOnlyList<VehicleToday> Vehicles(
        CompanyProfile company, IReadOnlyCollection<VehicleProfile> vehicles, IReadOnlyCollection<VehicleState> states, IReadOnlyCollection<DailyStats> today,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(company);
        ArgumentNullException.ThrowIfNull(vehicles);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(today);
        var day = CompanyDay.Of(now, company.TimeZone);
        var dayStart = CompanyDay.Bounds(day, company.TimeZone).Start;
        var rows = today.Where(row => row.Day == day && string.Equals(row.CompanyId, company.CompanyId, StringComparison.Ordinal))
            .ToDictionary(row => row.VehicleId, StringComparer.Ordinal);
        var statesById = states.ToDictionary(state => state.VehicleId, StringComparer.Ordinal);
        return [.. vehicles.Select(vehicle => vehicle.VehicleId)
            .Order(StringComparer.Ordinal)
            .Select(vehicleId => VehicleToday.Of(vehicleId, rows.GetValueOrDefault(vehicleId), statesById.GetValueOrDefault(vehicleId), dayStart))];
    }

    /// <summary>
    /// Measured on the vehicles that report fuel: the distance of those that do not would dilute it into a cost that
    /// looks lower than it is.
    /// </summary>
    private static double FuelLitersPerKm(IEnumerable<VehicleToday> vehicles)
    {
        double liters = 0, distanceKm = 0;
        foreach (var vehicle in vehicles)
        {
            if (vehicle.FuelUsedLiters is { } used)
            {
                liters += used;
                distanceKm += vehicle.DistanceKm;
            }
        }

        return distanceKm > 0 ? liters / distanceKm : 0;
    }

    public static RealtimeNotice Notice(DashboardPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new RealtimeNotice(RealtimeMessageTypes.FleetDashboardUpdate, payload.CompanyId, payload);
    }
}
