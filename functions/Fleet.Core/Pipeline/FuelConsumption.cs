using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Fuel used, counted as it is used rather than when a trip ends: from the device's fuel counter when it has one, else
/// from falls of the fuel level. A level sensor's readings slosh up and down, so a fall is measured from the lowest level
/// since the last refuel (a rise of less than a refuel is noise and moves nothing); a rise of a refuel starts afresh.
/// What a theft takes is not fuel used: falls while parked are taken back once they turn out to be a theft, and nothing
/// more is counted while that theft goes on.
/// </summary>
public static class FuelConsumption
{
    /// <param name="UsedLiters">Fuel this fix shows used; negative when a theft takes back falls counted while parked.</param>
    public readonly record struct Result(FuelUse? State, double UsedLiters);

    /// <param name="theftDetected">The theft detector raised an alert on this fix.</param>
    /// <param name="theftOngoing">A theft was detected before this fix, and the vehicle had stood since.</param>
    public static Result Apply(
        FuelUse? use, FixStep step, bool theftDetected, bool theftOngoing, FuelSettings settings, TripSettings trips, double fuelCapacityLiters)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(trips);
        var fix = step.Fix;
        var parked = !trips.IsMoving(step.SpeedKmh);
        if (fix.DeviceFuelUsedLiters is { } counter)
        {
            // A counter that went back was reset or replaced: it starts again from here.
            var used = use?.CounterLiters is { } last && counter >= last && counter - last <= fuelCapacityLiters ? counter - last : 0;
            return new Result(new FuelUse(use?.LowestLevelPercent, counter, 0), used);
        }

        if (fix.FuelLevelPercent is not { } level)
        {
            return new Result(use, 0);
        }

        var counted = parked ? use?.CountedWhileParkedPercent ?? 0 : 0;
        if (use?.LowestLevelPercent is not { } lowest || level >= lowest + settings.RefuelMinRisePercentOfCapacity)
        {
            return new Result(new FuelUse(level, use?.CounterLiters, counted), 0);
        }

        if (level >= lowest || use.CounterLiters is not null)
        {
            // Noise, or a device whose counter is the measure: the level only keeps the lowest reading current. Most
            // readings change nothing, and then the state is kept rather than copied.
            var kept = Math.Min(lowest, level);
            return new Result(kept == lowest && counted == use.CountedWhileParkedPercent ? use : use with { LowestLevelPercent = kept, CountedWhileParkedPercent = counted }, 0);
        }

        var fallPercent = lowest - level;
        if (theftDetected)
        {
            return new Result(new FuelUse(level, null, 0), -counted / 100 * fuelCapacityLiters);
        }

        if (theftOngoing && parked)
        {
            return new Result(new FuelUse(level, null, 0), 0);
        }

        return new Result(new FuelUse(level, null, parked ? counted + fallPercent : 0), fallPercent / 100 * fuelCapacityLiters);
    }
}
