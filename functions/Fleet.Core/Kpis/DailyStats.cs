namespace Fleet.Core.Kpis;

/// <summary>
/// One vehicle's activity on one day (in the company's time zone). A trip counts as started when it starts, and as
/// completed or cancelled (too short to be a journey) when it ends. Batches add deltas of this shape; the store sums
/// them in the same transaction as the vehicle state, so a replay cannot count twice.
/// </summary>
public sealed record DailyStats(
    string CompanyId,
    string VehicleId,
    DateOnly Day,
    double DistanceKm = 0,
    int TripsStarted = 0,
    int TripsCompleted = 0,
    int TripsCancelled = 0,
    double FuelUsedLiters = 0,
    double MovingSeconds = 0,
    double IdleSeconds = 0)
{
    public DailyStats Add(DailyStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            DistanceKm = DistanceKm + other.DistanceKm,
            TripsStarted = TripsStarted + other.TripsStarted,
            TripsCompleted = TripsCompleted + other.TripsCompleted,
            TripsCancelled = TripsCancelled + other.TripsCancelled,
            FuelUsedLiters = FuelUsedLiters + other.FuelUsedLiters,
            MovingSeconds = MovingSeconds + other.MovingSeconds,
            IdleSeconds = IdleSeconds + other.IdleSeconds,
        };
    }
}
