using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Fuel theft (DESIGN 5): while stopped, a drop of at least the threshold (percent of capacity) below the highest
/// reading of the window raises one alert. Rising fuel (refuelling) and driving reset the window.
/// </summary>
public static class FuelTheftDetector
{
    public readonly record struct Theft(DateTimeOffset ReferenceTime, double DropPercent, double DropLiters);

    public readonly record struct Result(FuelWindow? State, Theft? Detected);

    public static Result Apply(FuelWindow? window, FixStep step, FuelSettings settings, double movingSpeedThresholdKmh, double fuelCapacityLiters)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (step.Fix.FuelLevelPercent is not { } level)
        {
            return new Result(window, null);
        }

        if (step.SpeedKmh > movingSpeedThresholdKmh)
        {
            return new Result(null, null);
        }

        if (window is null || level >= window.ReferencePercent || step.Time - window.ReferenceTime > settings.TheftWindow)
        {
            return new Result(new FuelWindow(step.Time, level, false), null);
        }

        var drop = window.ReferencePercent - level;
        if (window.Alerted || drop < settings.TheftDropPercentOfCapacity)
        {
            return new Result(window, null);
        }

        return new Result(window with { Alerted = true }, new Theft(window.ReferenceTime, drop, drop / 100 * fuelCapacityLiters));
    }
}
