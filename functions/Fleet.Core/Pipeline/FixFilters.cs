using System.Globalization;
using Fleet.Core.Geo;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Pipeline;

/// <summary>
/// The position filters (DESIGN 5). Time limits are measured against the broker's enqueued time, not the wall clock,
/// so a replay, or a batch processed late from a backlog, gets the same verdicts as the first delivery.
/// </summary>
public static class FixFilters
{
    /// <summary>Whether the position is a WGS-84 coordinate at all: no setting changes that, so the gateway checks it too.</summary>
    public static TelemetryRejection? CheckCoordinates(TelemetryFix fix)
    {
        ArgumentNullException.ThrowIfNull(fix);
        var position = fix.Position;
        return position.IsValid
            ? null
            : Reject(fix, RejectionReason.InvalidCoordinates, $"({position.Latitude}, {position.Longitude}) is not a valid WGS-84 coordinate");
    }

    /// <summary>The filters that need no history: they apply to late fixes too.</summary>
    public static TelemetryRejection? CheckStateless(TelemetryFix fix, FilterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(fix);
        ArgumentNullException.ThrowIfNull(settings);
        if (CheckCoordinates(fix) is { } invalid)
        {
            return invalid;
        }

        var position = fix.Position;
        if (settings.RejectZeroFix && position.Latitude == 0 && position.Longitude == 0)
        {
            return Reject(fix, RejectionReason.ZeroFix, $"(0, 0) is a missing fix, not a position");
        }

        var received = fix.Source.EnqueuedTime;
        if (fix.FixTime > received + settings.MaxFutureSkew)
        {
            return Reject(fix, RejectionReason.FutureTimestamp, $"fix time {fix.FixTime:O} is more than {settings.MaxFutureSkew} after it was received ({received:O})");
        }

        if (fix.FixTime < received - settings.MaxFixAge)
        {
            return Reject(fix, RejectionReason.StaleTimestamp, $"fix time {fix.FixTime:O} is more than {settings.MaxFixAge.TotalDays} days before it was received ({received:O})");
        }

        if (fix.AccuracyMeters > settings.MaxAccuracyMeters)
        {
            return Reject(fix, RejectionReason.LowAccuracy, $"accuracy {fix.AccuracyMeters} m is worse than {settings.MaxAccuracyMeters} m");
        }

        return null;
    }

    public static double ImpliedSpeedKmh(FixSnapshot from, TelemetryFix to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return ImpliedSpeedKmh(GeoMath.DistanceMeters(from.Position, to.Position), to.FixTime - from.Time);
    }

    public static double ImpliedSpeedKmh(double meters, TimeSpan elapsed) =>
        elapsed > TimeSpan.Zero ? meters / elapsed.TotalSeconds * GeoMath.KmhPerMeterPerSecond : meters > 0 ? double.PositiveInfinity : 0;

    public static TelemetryRejection Jump(TelemetryFix fix, double impliedSpeedKmh, FilterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Reject(fix, RejectionReason.ImplausibleJump, $"reaching this fix from the previous one takes {impliedSpeedKmh:0} km/h (limit {settings.MaxImpliedSpeedKmh} km/h)");
    }

    private static TelemetryRejection Reject(TelemetryFix fix, RejectionReason reason, FormattableString detail) =>
        new(reason, detail.ToString(CultureInfo.InvariantCulture), fix.DeviceId);
}
