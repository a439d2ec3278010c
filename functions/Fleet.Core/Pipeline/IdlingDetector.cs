using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>Idling (DESIGN 5): ignition on and standing still; one alert per episode once it lasts long enough.</summary>
public static class IdlingDetector
{
    /// <param name="IdleTime">Idle time this fix adds to the day's statistics.</param>
    /// <param name="AlertAfter">Set on the fix where the episode becomes long enough to alert.</param>
    public readonly record struct Result(IdleState? State, TimeSpan IdleTime, TimeSpan? AlertAfter);

    public static bool IsIdle(FixStep step, IdlingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return step.Current.Ignition == true && step.SpeedKmh <= settings.MaxIdleSpeedKmh;
    }

    public static Result Apply(IdleState? state, FixStep step, IdlingSettings settings, TimeSpan maxDataGap)
    {
        if (!IsIdle(step, settings))
        {
            return new Result(null, TimeSpan.Zero, null);
        }

        if (state is null || step.SincePrevious > maxDataGap)
        {
            var episode = new IdleState(step.Time, Alerted: settings.MinIdleDuration <= TimeSpan.Zero);
            return new Result(episode, TimeSpan.Zero, episode.Alerted ? TimeSpan.Zero : null);
        }

        var duration = step.Time - state.Since;
        return state.Alerted || duration < settings.MinIdleDuration
            ? new Result(state, step.SincePrevious, null)
            : new Result(state with { Alerted = true }, step.SincePrevious, duration);
    }
}
