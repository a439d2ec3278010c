using Fleet.Core.Geo;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Support;

/// <summary>
/// Builds one device's fixes with explicit times (seconds after <see cref="Start"/>) and increasing stream positions,
/// the way a device's events arrive through one partition.
/// </summary>
internal sealed class FixStream(string deviceId, string partitionId = "0", long firstSequenceNumber = 1)
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    public static readonly GeoPoint Origin = new(25.0330, 121.5654);

    private long _nextSequenceNumber = firstSequenceNumber;

    public string DeviceId => deviceId;

    public static DateTimeOffset At(double seconds) => Start.AddSeconds(seconds);

    /// <summary>A fix <paramref name="seconds"/> after the start, received one second later.</summary>
    public TelemetryFix Fix(
        double seconds,
        GeoPoint position,
        double? speedKmh = null,
        double? fuelLevelPercent = null,
        bool? ignition = null,
        DeviceEvents events = DeviceEvents.None,
        double? accuracyMeters = null,
        double? deviceOdometerKm = null,
        string? driverId = null) =>
        new(
            deviceId,
            At(seconds),
            position,
            new EventMetadata(partitionId, _nextSequenceNumber++, At(seconds + 1)),
            speedKmh,
            HeadingDegrees: null,
            accuracyMeters,
            AltitudeMeters: null,
            DeviceSequence: null,
            driverId,
            deviceOdometerKm,
            fuelLevelPercent,
            ignition,
            events);

    /// <summary>
    /// A drive from <paramref name="from"/> on a bearing at a constant speed, one fix every <paramref name="intervalSeconds"/>
    /// from <paramref name="startSeconds"/> for <paramref name="durationSeconds"/> (inclusive of both ends).
    /// </summary>
    public List<TelemetryFix> Drive(
        double startSeconds, double durationSeconds, GeoPoint from, double bearingDegrees, double speedKmh, double intervalSeconds = 5,
        double? fuelLevelPercent = null, bool? ignition = true)
    {
        var fixes = new List<TelemetryFix>();
        for (var t = 0.0; t <= durationSeconds + 1e-9; t += intervalSeconds)
        {
            var position = GeoMath.Offset(from, speedKmh / 3.6 * t, bearingDegrees);
            fixes.Add(Fix(startSeconds + t, position, speedKmh, fuelLevelPercent, ignition));
        }

        return fixes;
    }

    /// <summary>Standing at one place, one fix every <paramref name="intervalSeconds"/>.</summary>
    public List<TelemetryFix> Park(
        double startSeconds, double durationSeconds, GeoPoint at, double intervalSeconds = 30, double? fuelLevelPercent = null, bool? ignition = false)
    {
        var fixes = new List<TelemetryFix>();
        for (var t = 0.0; t <= durationSeconds + 1e-9; t += intervalSeconds)
        {
            fixes.Add(Fix(startSeconds + t, at, 0, fuelLevelPercent, ignition));
        }

        return fixes;
    }
}
