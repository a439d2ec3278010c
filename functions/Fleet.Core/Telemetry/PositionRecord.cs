using Fleet.Core.Geo;

namespace Fleet.Core.Telemetry;

/// <summary>
/// One accepted fix for history, keyed by (vehicle, fix time). A late fix is stored but never moved the live state,
/// so it carries no odometer.
/// </summary>
public sealed record PositionRecord(
    string VehicleId,
    string CompanyId,
    string DeviceId,
    DateTimeOffset FixTime,
    GeoPoint Position,
    double? SpeedKmh,
    double? HeadingDegrees,
    double? AccuracyMeters,
    double? AltitudeMeters,
    double? OdometerKm,
    double? FuelLevelPercent,
    bool? Ignition,
    string? DriverId,
    bool IsLate,
    string PartitionId,
    long SequenceNumber)
{
    public static PositionRecord From(TelemetryFix fix, string vehicleId, string companyId, double? odometerKm, bool isLate) => new(
        vehicleId,
        companyId,
        fix.DeviceId,
        fix.FixTime,
        fix.Position,
        fix.SpeedKmh,
        fix.HeadingDegrees,
        fix.AccuracyMeters,
        fix.AltitudeMeters,
        odometerKm,
        fix.FuelLevelPercent,
        fix.Ignition,
        fix.DriverId,
        isLate,
        fix.Source.PartitionId,
        fix.Source.SequenceNumber);
}
