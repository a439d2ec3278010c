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

    public readonly record struct Result(SpeedingState State, SpeedingEpisode? Opened, double LimitKmh, Closed? Ended);

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
        SpeedingState state, FixStep step, string vehicleId, (double LimitKmh, string? GeofenceId) limit, SpeedingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Closed? ended = null;
        if (state.Episode is { } interrupted && step.SincePrevious > settings.MaxGapWithinEpisode && step.Previous is { } previous)
        {
            // Without data in between the episode cannot be said to have lasted: it ends at the last fix that saw it.
            ended = new Closed(interrupted, previous.Time - interrupted.Start);
            state = default;
        }
        else if (state.AboveSince is not null && step.SincePrevious > settings.MaxGapWithinEpisode)
        {
            state = default;
        }

        var speed = step.SpeedKmh;
        if (speed <= limit.LimitKmh)
        {
            if (state.Episode is { } episode && speed < limit.LimitKmh)
            {
                return new Result(default, null, limit.LimitKmh, new Closed(episode, step.Time - episode.Start));
            }

            return new Result(state with { AboveSince = null }, null, limit.LimitKmh, ended);
        }

        var excess = speed / limit.LimitKmh - 1;
        if (state.Episode is { } open)
        {
            var worse = excess > open.MaxExcessRatio;
            var updated = open with
            {
                MaxSpeedKmh = Math.Max(open.MaxSpeedKmh, speed),
                MaxExcessRatio = worse ? excess : open.MaxExcessRatio,
                LimitAtMaxKmh = worse ? limit.LimitKmh : open.LimitAtMaxKmh,
            };
            return new Result(state with { Episode = updated }, null, limit.LimitKmh, ended);
        }

        var aboveSince = state.AboveSince ?? step.Time;
        var abovePosition = state.AboveSince is null ? step.Position : state.AbovePosition;
        if (step.Time - aboveSince < settings.MinEpisodeDuration)
        {
            return new Result(new SpeedingState(aboveSince, abovePosition, null), null, limit.LimitKmh, ended);
        }

        var opened = new SpeedingEpisode(
            DeterministicId.ForAlert(vehicleId, AlertType.SpeedViolation, aboveSince),
            aboveSince,
            step.Fix.Source.EnqueuedTime,
            abovePosition,
            speed,
            limit.LimitKmh,
            excess,
            limit.GeofenceId);
        return new Result(new SpeedingState(aboveSince, abovePosition, opened), opened, limit.LimitKmh, ended);
    }
}
