using System.Collections.Immutable;
using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Fuel theft (DESIGN 5): while stopped, a level at least the threshold (percent of capacity) below the highest reading
/// of the last window raises one alert per highest reading. Driving clears the window.
/// </summary>
public static class FuelTheftDetector
{
    // Readings are kept only when lower than the last one kept by at least this much, which bounds the window's size
    // (a few dozen readings at most before any theft threshold is reached) without moving its maximum.
    private const double MinStepPercent = 0.1;

    public readonly record struct Theft(DateTimeOffset ReferenceTime, double DropPercent, double DropLiters);

    public readonly record struct Result(FuelWindow? State, Theft? Detected);

    public static Result Apply(FuelWindow? window, FixStep step, FuelSettings settings, TripSettings trips, double fuelCapacityLiters)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(trips);
        if (step.Fix.FuelLevelPercent is not { } level)
        {
            return new Result(window, null);
        }

        if (trips.IsMoving(step.SpeedKmh))
        {
            return new Result(null, null);
        }

        var readings = Slide(window?.Readings ?? [], new FuelReading(step.Time, level), settings.TheftWindow);
        var highest = readings[0];
        var drop = highest.LevelPercent - level;
        var alertedFor = window?.AlertedFor;
        if (drop < settings.TheftDropPercentOfCapacity || alertedFor == highest.Time)
        {
            return new Result(new FuelWindow(readings, alertedFor), null);
        }

        return new Result(
            new FuelWindow(readings, highest.Time),
            new Theft(highest.Time, drop, drop / 100 * fuelCapacityLiters));
    }

    /// <summary>Drops readings older than the window and those the new one outranks, then appends it if it is lower.</summary>
    private static ImmutableArray<FuelReading> Slide(ImmutableArray<FuelReading> readings, FuelReading reading, TimeSpan window)
    {
        var builder = ImmutableArray.CreateBuilder<FuelReading>(readings.Length + 1);
        foreach (var kept in readings)
        {
            if (reading.Time - kept.Time <= window && kept.LevelPercent > reading.LevelPercent)
            {
                builder.Add(kept);
            }
        }

        if (builder.Count == 0 || builder[^1].LevelPercent - reading.LevelPercent >= MinStepPercent)
        {
            builder.Add(reading);
        }

        return builder.ToImmutable();
    }
}
