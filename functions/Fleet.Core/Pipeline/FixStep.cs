using Fleet.Core.Geo;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Pipeline;

/// <summary>One live fix with what the earlier stages derived from it: the input every rule stage reads.</summary>
/// <param name="Previous">The accepted fix before this one, if any.</param>
/// <param name="SpeedKmh">Reported speed, or speed derived from the previous fix when the device sends none.</param>
/// <param name="OdometerBeforeKm">Odometer before this fix's distance was added.</param>
/// <param name="Current">This fix as the state will remember it (odometer included).</param>
/// <param name="Anchor">Where the vehicle is taken to be: the fix, unless a move away from rest awaits confirmation.</param>
public readonly record struct FixStep(
    TelemetryFix Fix,
    FixSnapshot? Previous,
    double SpeedKmh,
    double OdometerBeforeKm,
    FixSnapshot Current,
    GeoPoint Anchor)
{
    public DateTimeOffset Time => Fix.FixTime;

    public GeoPoint Position => Fix.Position;

    public double OdometerKm => Current.OdometerKm;

    public TimeSpan SincePrevious => Previous is { } previous ? Fix.FixTime - previous.Time : TimeSpan.Zero;
}
