using Fleet.Core.Alerts;
using Fleet.Core.Geofencing;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Core.Realtime;

public static class StatusCodes
{
    public static string ToCode(this VehicleStatus status) => status switch
    {
        VehicleStatus.Offline => "offline",
        VehicleStatus.Online => "online",
        VehicleStatus.Moving => "moving",
        VehicleStatus.Stopped => "stopped",
        VehicleStatus.Idle => "idle",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToCode(this TripStatus status) => status switch
    {
        TripStatus.InProgress => "started",
        TripStatus.Completed => "completed",
        TripStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string ToCode(this GeofenceTransition transition) => transition == GeofenceTransition.Enter ? "enter" : "exit";
}

/// <summary>
/// A vehicle as a job's followers (customers, riders) see it: where it is and what it is doing, nothing of the driver,
/// the fuel, the odometer or the ignition.
/// </summary>
/// <param name="SpeedKmh">None for an offline vehicle: the speed of its last fix is not what it does now.</param>
public sealed record TrackedVehiclePayload(
    string VehicleId, double Latitude, double Longitude, double? SpeedKmh, double? HeadingDegrees, DateTimeOffset FixTime, string Status)
{
    public static TrackedVehiclePayload From(PositionRecord position, VehicleStatus status)
    {
        ArgumentNullException.ThrowIfNull(position);
        return new(
            position.VehicleId, position.Position.Latitude, position.Position.Longitude, CurrentSpeed.Of(position, status), position.HeadingDegrees, position.FixTime, status.ToCode());
    }
}

/// <summary>The speed a position shows as a vehicle's current one.</summary>
internal static class CurrentSpeed
{
    /// <summary>None once the vehicle is offline: the speed of its last fix is not what it does now.</summary>
    public static double? Of(PositionRecord position, VehicleStatus status) => status == VehicleStatus.Offline ? null : position.SpeedKmh;
}

/// <param name="SpeedKmh">None for an offline vehicle: the speed of its last fix is not what it does now.</param>
/// <param name="NoRecentDataAfterSeconds">
/// Live updates only (none in history): how long the vehicle may now be silent before it has no recent data, for a page
/// to say so on its own clock when nothing more comes.
/// </param>
public sealed record LocationPayload(
    string VehicleId,
    string? DriverId,
    double Latitude,
    double Longitude,
    double? SpeedKmh,
    double? HeadingDegrees,
    double? AccuracyMeters,
    DateTimeOffset FixTime,
    string Status,
    double? OdometerKm,
    double? FuelLevelPercent,
    bool? Ignition,
    double? NoRecentDataAfterSeconds)
{
    /// <param name="status">The vehicle's status after the batch: a map shows where it is and what it is doing now.</param>
    /// <param name="noRecentDataAfter">For a live update: how long the vehicle may now be silent (see <see cref="NoRecentDataAfterSeconds"/>).</param>
    public static LocationPayload From(PositionRecord position, VehicleStatus status, TimeSpan? noRecentDataAfter)
    {
        ArgumentNullException.ThrowIfNull(position);
        return new LocationPayload(
            position.VehicleId,
            position.DriverId,
            position.Position.Latitude,
            position.Position.Longitude,
            CurrentSpeed.Of(position, status),
            position.HeadingDegrees,
            position.AccuracyMeters,
            position.FixTime,
            status.ToCode(),
            position.OdometerKm is { } odometer ? Math.Round(odometer, 3) : null,
            position.FuelLevelPercent,
            position.Ignition,
            noRecentDataAfter?.TotalSeconds);
    }
}

public sealed record StatusPayload(string VehicleId, string Status, string PreviousStatus, DateTimeOffset Time);

public sealed record TripPayload(
    string TripId,
    string VehicleId,
    string? DriverId,
    string Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    double StartLatitude,
    double StartLongitude,
    double? EndLatitude,
    double? EndLongitude,
    double DistanceKm,
    double? DurationSeconds,
    double MaxSpeedKmh,
    double? AverageSpeedKmh,
    double? FuelUsedLiters)
{
    public static TripPayload From(TripRecord trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        return new TripPayload(
            trip.TripId,
            trip.VehicleId,
            trip.DriverId,
            trip.Status.ToCode(),
            trip.StartTime,
            trip.EndTime,
            trip.StartPosition.Latitude,
            trip.StartPosition.Longitude,
            trip.EndPosition?.Latitude,
            trip.EndPosition?.Longitude,
            Math.Round(trip.DistanceKm, 3),
            trip.Duration?.TotalSeconds,
            Math.Round(trip.MaxSpeedKmh, 1),
            trip.AverageSpeedKmh is { } average ? Math.Round(average, 1) : null,
            trip.FuelUsedLiters is { } fuel ? Math.Round(fuel, 2) : null);
    }
}

public sealed record GeofencePayload(
    string VehicleId,
    string GeofenceId,
    string GeofenceName,
    string Transition,
    DateTimeOffset Time,
    double Latitude,
    double Longitude,
    bool Crossing,
    string? AlertId);

public sealed record DriverEventPayload(
    string VehicleId,
    string? DriverId,
    string Event,
    DateTimeOffset Time,
    double? Latitude,
    double? Longitude,
    string? AlertId,
    double? Value = null);

public sealed record MaintenancePayload(string VehicleId, double OdometerKm, double ServiceDueKm, string AlertId);

public sealed record AlertPayload(
    string Id,
    string Type,
    string Severity,
    string Title,
    string Message,
    string? VehicleId,
    string? DriverId,
    string? UserId,
    DateTimeOffset EventTime,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    bool Read,
    AlertDetails? Data)
{
    public static AlertPayload From(Alert alert, bool read)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new AlertPayload(
            alert.Id,
            alert.Type.ToCode(),
            alert.Severity.ToCode(),
            alert.Title,
            alert.Message,
            alert.VehicleId,
            alert.DriverId,
            alert.UserId,
            alert.EventTime,
            alert.CreatedAt,
            alert.ExpiresAt,
            read,
            alert.Details);
    }
}
