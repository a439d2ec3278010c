using Fleet.Core.Alerts;
using Fleet.Core.Geofencing;
using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Speeding episodes (DESIGN 5): the limit is the lowest of the vehicle's and the containing fences' limits; an episode
/// starts after the minimum duration above it, raises one alert, and closes when speed falls below the limit.
/// </summary>
public static class SpeedingDetector
{
    public readonly record struct Closed(SpeedingEpisode Episode, TimeSpan Duration);

    public readonly record struct Result(SpeedingState? State, SpeedingEpisode? Opened, double LimitKmh, Closed? Ended);

    public static (double LimitKmh, string? GeofenceId) Limit(double vehicleLimitKmh, IReadOnlyList<Geofence> containing)
    {
        ArgumentNullException.ThrowIfNull(containing);
        var limit = vehicleLimitKmh;
        string? geofenceId = null;
        foreach (var fence in containing)
        {
            if (fence.SpeedLimitKmh is { } fenceLimit && fenceLimit < limit)
            {
                limit = fenceLimit;
                geofenceId = fence.Id;
            }
        }

        return (limit, geofenceId);
    }

    public static Result Apply(
        SpeedingState? state, FixStep step, string vehicleId, (double LimitKmh, string? GeofenceId) limit, SpeedingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Closed? ended = null;
        if (state is not null && step.SincePrevious > settings.MaxGapWithinEpisode)
        {
            // Without data in between, the run cannot be said to have lasted; an open episode ends at the last fix that saw it.
            if (state.Episode is { } interrupted && step.Previous is { } previous)
            {
                ended = new Closed(interrupted, previous.Time - interrupted.Start);
            }

            state = null;
        }

        var speed = step.SpeedKmh;
        if (speed <= limit.LimitKmh)
        {
            if (state?.Episode is { } episode)
            {
                // Exactly at the limit is not below it: the episode goes on.
                return speed < limit.LimitKmh
                    ? new Result(null, null, limit.LimitKmh, new Closed(episode, step.Time - episode.Start))
                    : new Result(state, null, limit.LimitKmh, ended);
            }

            return new Result(null, null, limit.LimitKmh, ended);
        }

        var excess = speed / limit.LimitKmh - 1;
        if (state?.Episode is { } open)
        {
            var worse = excess > open.MaxExcessRatio;
            if (!worse && speed <= open.MaxSpeedKmh)
            {
                return new Result(state, null, limit.LimitKmh, ended);
            }

            var updated = open with
            {
                MaxSpeedKmh = Math.Max(open.MaxSpeedKmh, speed),
                MaxExcessRatio = worse ? excess : open.MaxExcessRatio,
                LimitAtMaxKmh = worse ? limit.LimitKmh : open.LimitAtMaxKmh,
            };
            return new Result(state with { Episode = updated }, null, limit.LimitKmh, ended);
        }

        state ??= new SpeedingState(step.Time, step.Position, null);
        if (step.Time - state.AboveSince < settings.MinEpisodeDuration)
        {
            return new Result(state, null, limit.LimitKmh, ended);
        }

        var opened = new SpeedingEpisode(
            DeterministicId.ForAlert(vehicleId, AlertType.SpeedViolation, state.AboveSince),
            state.AboveSince,
            step.Fix.Source.EnqueuedTime,
            state.AbovePosition,
            speed,
            limit.LimitKmh,
            excess,
            limit.GeofenceId);
        return new Result(state with { Episode = opened }, opened, limit.LimitKmh, ended);
    }
}
