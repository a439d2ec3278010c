using Fleet.Core.Geo;

namespace Fleet.Core.Telemetry;

/// <summary>
/// One accepted fix for history, keyed by (vehicle, fix time). It wraps the fix rather than copying it: one is stored
/// for every event, so its size matters. A late fix is stored but never moved the live state, so it has no odometer.
/// </summary>
public sealed record PositionRecord(TelemetryFix Fix, string VehicleId, string CompanyId, double? OdometerKm, bool IsLate)
{
    public string DeviceId => Fix.DeviceId;

    public DateTimeOffset FixTime => Fix.FixTime;

    public GeoPoint Position => Fix.Position;

    public double? SpeedKmh => Fix.SpeedKmh;

    public double? HeadingDegrees => Fix.HeadingDegrees;

    public double? AccuracyMeters => Fix.AccuracyMeters;

    public double? AltitudeMeters => Fix.AltitudeMeters;

    public double? FuelLevelPercent => Fix.FuelLevelPercent;

    public bool? Ignition => Fix.Ignition;

    public string? DriverId => Fix.DriverId;

    public string PartitionId => Fix.Source.PartitionId;

    public long SequenceNumber => Fix.Source.SequenceNumber;
}
