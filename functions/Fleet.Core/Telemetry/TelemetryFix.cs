using Fleet.Core.Geo;

namespace Fleet.Core.Telemetry;

/// <summary>Events a device reports itself (DESIGN 3.1 <c>events</c>).</summary>
[Flags]
public enum DeviceEvents
{
    None = 0,
    HarshBraking = 1,
    HarshAcceleration = 2,
    HarshCornering = 4,
    Crash = 8,
    Sos = 16,
}

/// <summary>A syntactically valid telemetry event. Semantic filters run later, in the vehicle pipeline.</summary>
/// <param name="DeviceFuelUsedLiters">The device's fuel counter (CAN bus or flow meter): litres used since it was fitted.</param>
public sealed record TelemetryFix(
    string DeviceId,
    DateTimeOffset FixTime,
    GeoPoint Position,
    EventMetadata Source,
    double? SpeedKmh = null,
    double? HeadingDegrees = null,
    double? AccuracyMeters = null,
    double? AltitudeMeters = null,
    long? DeviceSequence = null,
    string? DriverId = null,
    double? DeviceOdometerKm = null,
    double? FuelLevelPercent = null,
    bool? Ignition = null,
    DeviceEvents Events = DeviceEvents.None,
    double? DeviceFuelUsedLiters = null);
