using Fleet.Core.Geo;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

/// <summary>Fixes for rule tests whose positions agree with their speeds, so the jump filter never gets in the way.</summary>
internal static class Track
{
    /// <summary>
    /// Fixes heading north from <see cref="FixStream.Origin"/>: each one lies where the average of its speed and the
    /// previous fix's speed takes the vehicle.
    /// </summary>
    public static List<TelemetryFix> North(FixStream device, params (double Seconds, double SpeedKmh)[] profile) =>
        North(device, FixStream.Origin, profile);

    public static List<TelemetryFix> North(
        FixStream device,
        GeoPoint from,
        IEnumerable<(double Seconds, double SpeedKmh)> profile,
        bool? ignition = null,
        double? fuelLevelPercent = null)
    {
        var fixes = new List<TelemetryFix>();
        var position = from;
        (double Seconds, double SpeedKmh)? previous = null;
        foreach (var point in profile)
        {
            if (previous is { } last)
            {
                var meters = (last.SpeedKmh + point.SpeedKmh) / 2 / 3.6 * (point.Seconds - last.Seconds);
                position = GeoMath.Offset(position, meters, 0);
            }

            fixes.Add(device.Fix(point.Seconds, position, point.SpeedKmh, fuelLevelPercent, ignition));
            previous = point;
        }

        return fixes;
    }

    /// <summary>The fix as if the broker had accepted it at <paramref name="enqueuedTime"/>.</summary>
    public static TelemetryFix Received(TelemetryFix fix, DateTimeOffset enqueuedTime) =>
        fix with { Source = fix.Source with { EnqueuedTime = enqueuedTime } };
}
