using Fleet.Core.Geo;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Distance added by a fix: device odometer deltas when plausible, else haversine from an anchor that ignores parked
/// jitter and single spikes. A move the device does not report as driving counts once a second fix confirms it.
/// </summary>
public static class Odometer
{
    /// <param name="Anchor">Where the vehicle is taken to be after this fix (the next distance is measured from it).</param>
    public readonly record struct Advance(double SegmentKm, GeoPoint Anchor, bool MoveUnconfirmed);

    /// <param name="metersFromPrevious">The distance from the previous fix, which the jump filter has already measured.</param>
    public static Advance Measure(
        GeoPoint? anchor, bool moveUnconfirmed, FixSnapshot? previous, TelemetryFix fix, double metersFromPrevious, RuleSettings rules)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentNullException.ThrowIfNull(rules);
        if (previous is not { } last)
        {
            return new Advance(0, fix.Position, false);
        }

        if (last.DeviceOdometerKm is { } before && fix.DeviceOdometerKm is { } after && after >= before &&
            FixFilters.ImpliedSpeedKmh((after - before) * 1000, fix.FixTime - last.Time) <= rules.Filters.MaxImpliedSpeedKmh)
        {
            return new Advance(after - before, fix.Position, false);
        }

        var from = anchor ?? last.Position;
        var meters = from == last.Position ? metersFromPrevious : GeoMath.DistanceMeters(from, fix.Position);
        if (rules.Trips.IsMoving(fix.SpeedKmh))
        {
            return new Advance(meters / 1000, fix.Position, false);
        }

        if (meters < rules.Odometer.MaxParkedDriftMeters)
        {
            return new Advance(0, from, false);
        }

        return moveUnconfirmed ? new Advance(meters / 1000, fix.Position, false) : new Advance(0, from, true);
    }
}
