using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Speeding episodes (DESIGN 5): the limit is the lowest of the vehicle's and the containing fences' limits; a run
/// above it becomes an episode after the minimum duration, raising one alert, and closes when speed falls below the
/// limit, with the run's maximum and duration.
/// </summary>
public static class SpeedingDetector
{
    /// <param name="Run">The run as it ended (its maximum, limit and alert).</param>
    /// <param name="End">When and where the episode was last seen or ended.</param>
    public readonly record struct Closed(SpeedingState Run, TimeSpan Duration, DateTimeOffset End, GeoPoint EndPosition);

    public readonly record struct Limit(double LimitKmh, string? GeofenceId);

    /// <param name="Opened">The run whose episode opened on this fix.</param>
    public readonly record struct Result(SpeedingState? State, SpeedingState? Opened, Closed? Ended);

    public static Limit LimitAt(double vehicleLimitKmh, IReadOnlyList<Geofence> containing)
    {
        ArgumentNullException.ThrowIfNull(containing);
        var limit = new Limit(vehicleLimitKmh, null);
        foreach (var fence in containing)
        {
            if (fence.SpeedLimitKmh is { } fenceLimit && fenceLimit < limit.LimitKmh)
            {
                limit = new Limit(fenceLimit, fence.Id);
            }
        }

        return limit;
    }

    /// <summary>How far above the limit, as a fraction; written so that round excesses (10 %, 25 %) are exact.</summary>
    public static double ExcessRatio(double speedKmh, double limitKmh) => (speedKmh - limitKmh) / limitKmh;

    /// <param name="maxGap">How far apart two fixes may be and still show one run (see <c>VehicleRuleSettings.SpeedingMaxGap</c>).</param>
    public static Result Apply(SpeedingState? state, FixStep step, string vehicleId, Limit limit, SpeedingSettings settings, TimeSpan maxGap)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Closed? ended = null;
        if (state is not null && step.SincePrevious > maxGap && step.Previous is { } previous)
        {
            // Without data in between, the run cannot be said to have lasted; an open episode ends at the last fix that saw it.
            if (state.Episode is not null)
            {
                ended = new Closed(state, previous.Time - state.AboveSince, previous.Time, previous.Position);
            }

            state = null;
        }

        var speed = step.SpeedKmh;
        if (speed <= limit.LimitKmh)
        {
            if (state?.Episode is null)
            {
                return new Result(null, null, ended);
            }

            // Exactly at the limit is not below it: the episode goes on.
            return speed < limit.LimitKmh
                ? new Result(null, null, new Closed(state, step.Time - state.AboveSince, step.Time, step.Position))
                : new Result(state, null, ended);
        }

        var excess = ExcessRatio(speed, limit.LimitKmh);
        if (state is null)
        {
            state = new SpeedingState(step.Time, step.Position, speed, excess, limit.LimitKmh, limit.GeofenceId, null);
        }
        else if (excess > state.MaxExcessRatio || speed > state.MaxSpeedKmh)
        {
            var worse = excess > state.MaxExcessRatio;
            state = state with
            {
                MaxSpeedKmh = Math.Max(state.MaxSpeedKmh, speed),
                MaxExcessRatio = worse ? excess : state.MaxExcessRatio,
                LimitAtMaxKmh = worse ? limit.LimitKmh : state.LimitAtMaxKmh,
                GeofenceId = worse ? limit.GeofenceId : state.GeofenceId,
            };
        }

        if (state.Episode is not null || step.Time - state.AboveSince < settings.MinEpisodeDuration)
        {
            return new Result(state, null, ended);
        }

        var opened = state with
        {
            Episode = new SpeedingEpisode(DeterministicId.ForAlert(vehicleId, AlertType.SpeedViolation, state.AboveSince), step.Fix.Source.EnqueuedTime),
        };
        return new Result(opened, opened, ended);
    }
}
