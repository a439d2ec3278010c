using Fleet.Core.State;

namespace Fleet.Core.Kpis;

/// <summary>
/// One vehicle's figures for the company's day so far, as the API shows them per vehicle and the dashboard sums them.
/// Both read this one definition, so the tiles always equal the sum of the vehicles.
/// </summary>
/// <param name="Trips">
/// Trips that started today, less those that ended too short to be trips, plus a trip under way now that started before
/// today: every journey the vehicle was on today.
/// </param>
/// <param name="Used">The vehicle made a trip today (<paramref name="Trips"/> is not zero).</param>
/// <param name="FuelUsedLiters">Null when the vehicle reports neither a fuel level nor a fuel counter.</param>
public sealed record VehicleToday(
    string VehicleId, double DistanceKm, int Trips, bool Used, double? FuelUsedLiters, double MovingSeconds, double IdleSeconds)
{
    public static VehicleToday Of(string vehicleId, DailyStats? row, VehicleState? state, DateTimeOffset dayStart)
    {
        var carriedOver = state?.Motion.Trip is { } open && open.StartTime < dayStart ? 1 : 0;
        var trips = Math.Max(0, (row?.TripsStarted ?? 0) - (row?.TripsCancelled ?? 0)) + carriedOver;
        var reportsFuel = state?.FuelUse is not null || row?.FuelUsedLiters is not (null or 0);
        return new VehicleToday(
            vehicleId,
            Math.Round(row?.DistanceKm ?? 0, 3),
            trips,
            trips > 0,
            reportsFuel ? Math.Round(row?.FuelUsedLiters ?? 0, 2) : null,
            Math.Round(row?.MovingSeconds ?? 0),
            Math.Round(row?.IdleSeconds ?? 0));
    }
}
