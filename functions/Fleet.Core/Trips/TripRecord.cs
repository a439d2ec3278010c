using Fleet.Core.Geo;

namespace Fleet.Core.Trips;

public enum TripStatus
{
    InProgress,
    Completed,

    /// <summary>Ended shorter than the minimum trip distance: speed noise, not a journey.</summary>
    Cancelled,
}

/// <summary>A trip as stored; <see cref="TripId"/> is derived from the vehicle and the start time.</summary>
/// <param name="AsOf">
/// For a trip under way as the vehicle's state knows it: the newest fix its distance, top speed and duration include.
/// Null for a stored trip that is still under way, which holds only how it started.
/// </param>
public sealed record TripRecord(
    string TripId,
    string VehicleId,
    string CompanyId,
    string? DriverId,
    TripStatus Status,
    DateTimeOffset StartTime,
    GeoPoint StartPosition,
    DateTimeOffset? EndTime,
    GeoPoint? EndPosition,
    double DistanceKm,
    double MaxSpeedKmh,
    double? FuelUsedLiters,
    DateTimeOffset? AsOf = null)
{
    public TimeSpan? Duration => (EndTime ?? AsOf) - StartTime;

    public double? AverageSpeedKmh =>
        Duration is { TotalHours: > 0 } duration ? DistanceKm / duration.TotalHours : null;
}
