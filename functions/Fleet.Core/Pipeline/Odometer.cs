using Fleet.Core.Geo;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Pipeline;

/// <summary>Distance added by a fix: device odometer deltas when plausible, else haversine from a drift-proof anchor.</summary>
public static class Odometer
{
    public readonly record struct Advance(double SegmentKm, GeoPoint Anchor);

    /// <param name="metersFromPrevious">The distance from the previous fix, which the jump filter has already measured.</param>
    public static Advance Measure(GeoPoint? anchor, FixSnapshot? previous, TelemetryFix fix, double metersFromPrevious, RuleSettings rules)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentNullException.ThrowIfNull(rules);
        if (previous is not { } last)
        {
            return new Advance(0, fix.Position);
        }

        var seconds = (fix.FixTime - last.Time).TotalSeconds;
        if (last.DeviceOdometerKm is { } before && fix.DeviceOdometerKm is { } after && after >= before && seconds > 0 &&
            (after - before) / seconds * 3600 <= rules.Filters.MaxImpliedSpeedKmh)
        {
            return new Advance(after - before, fix.Position);
        }

        var from = anchor ?? last.Position;
        var meters = from == last.Position ? metersFromPrevious : GeoMath.DistanceMeters(from, fix.Position);
        var reportedMoving = fix.SpeedKmh > rules.Trips.MovingSpeedThresholdKmh;
        return !reportedMoving && meters < rules.Odometer.MaxParkedDriftMeters
            ? new Advance(0, from)
            : new Advance(meters / 1000, fix.Position);
    }
}
