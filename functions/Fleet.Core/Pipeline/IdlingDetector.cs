using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>Idling (DESIGN 5): ignition on and standing still; one alert per episode once it lasts long enough.</summary>
public static class IdlingDetector
{
    /// <param name="IdleTime">Idle time this fix adds to the day's statistics.</param>
    /// <param name="AlertAfter">Set on the fix where the episode becomes long enough to alert.</param>
    public readonly record struct Result(IdleState State, TimeSpan IdleTime, TimeSpan? AlertAfter);

    public static bool IsIdle(FixStep step, IdlingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return step.Current.Ignition == true && step.SpeedKmh <= settings.MaxIdleSpeedKmh;
    }

    public static Result Apply(IdleState state, FixStep step, IdlingSettings settings, TimeSpan maxDataGap)
    {
        if (!IsIdle(step, settings))
        {
            return new Result(default, TimeSpan.Zero, null);
        }

        var gap = step.SincePrevious;
        var continuing = state.Since is not null && gap <= maxDataGap;
        var since = continuing ? state.Since!.Value : step.Time;
        var idleTime = continuing ? gap : TimeSpan.Zero;
        var duration = step.Time - since;
        if (continuing && state.Alerted)
        {
            return new Result(state, idleTime, null);
        }

        return duration >= settings.MinIdleDuration
            ? new Result(new IdleState(since, true), idleTime, duration)
            : new Result(new IdleState(since, false), idleTime, null);
    }
}
