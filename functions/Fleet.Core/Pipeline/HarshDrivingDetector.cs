using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Pipeline;

/// <summary>One harsh-driving event: device-reported, or derived from speed change (then with its acceleration).</summary>
/// <param name="SpeedBeforeKmh">The speed reported at the fix before, when there was one: what the manoeuvre started from.</param>
public readonly record struct HarshEvent(string Code, double? AccelerationMetersPerSecondSquared, double? SpeedBeforeKmh);

/// <summary>
/// Harsh driving (DESIGN 5): events the device reports, plus braking and acceleration derived from consecutive reported
/// speeds at most a few seconds apart. A manoeuvre spanning several fixes is one event; a flag the device repeats on
/// consecutive fixes is one event.
/// </summary>
public static class HarshDrivingDetector
{
    private static readonly (DeviceEvents Flag, string Code)[] DeviceEventCodes =
    [
        (DeviceEvents.HarshBraking, DriverEventCodes.HarshBraking),
        (DeviceEvents.HarshAcceleration, DriverEventCodes.HarshAcceleration),
        (DeviceEvents.HarshCornering, DriverEventCodes.HarshCornering),
        (DeviceEvents.Crash, DriverEventCodes.Crash),
        (DeviceEvents.Sos, DriverEventCodes.Sos),
    ];

    public readonly record struct Result(HarshState? State, IReadOnlyList<HarshEvent> Events);

    public static Result Apply(HarshState? state, FixStep step, HarshThresholds thresholds, HarshDrivingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(settings);
        var reported = step.Fix.Events;

        // What the previous fix reported, or what was derived at it, is the same manoeuvre if it shows up again now.
        var alreadyReported = step.Previous?.Events ?? DeviceEvents.None;
        if (state is not null && step.Previous is { } last && state.At == last.Time)
        {
            alreadyReported |= state.Kind;
        }

        List<HarshEvent>? events = null;
        if (reported != DeviceEvents.None)
        {
            foreach (var (flag, code) in DeviceEventCodes)
            {
                if ((reported & flag) != 0 && (alreadyReported & flag) == 0)
                {
                    (events ??= []).Add(new HarshEvent(code, null, step.Previous?.ReportedSpeedKmh));
                }
            }
        }

        HarshState? next = null;
        var interval = step.SincePrevious;
        if (step.Previous is { ReportedSpeedKmh: { } before } previous && step.Fix.SpeedKmh is { } after &&
            interval > TimeSpan.Zero && interval <= settings.MaxDerivationInterval)
        {
            var acceleration = (after - before) / GeoMath.KmhPerMeterPerSecond / interval.TotalSeconds;
            var kind = acceleration <= thresholds.BrakingMetersPerSecondSquared ? DeviceEvents.HarshBraking
                : acceleration >= thresholds.AccelerationMetersPerSecondSquared ? DeviceEvents.HarshAcceleration
                : DeviceEvents.None;
            if (kind != DeviceEvents.None)
            {
                next = new HarshState(kind, step.Time);
                var continuing = state is not null && state.Kind == kind && state.At == previous.Time;
                if (!continuing && (reported & kind) == 0 && (alreadyReported & kind) == 0)
                {
                    var code = kind == DeviceEvents.HarshBraking ? DriverEventCodes.HarshBraking : DriverEventCodes.HarshAcceleration;
                    (events ??= []).Add(new HarshEvent(code, acceleration, before));
                }
            }
        }

        return new Result(next, (IReadOnlyList<HarshEvent>?)events ?? []);
    }
}
