using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Realtime;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// What silence means, evaluated by a timer: a trip whose data stopped ends at its last fix, a speeding episode with no
/// fresh fix ends, and a vehicle unheard of for max(3 x expected interval, 5 min) goes offline with one alert.
/// Pure: states and "now" in, changed states and their effects out.
/// </summary>
public static class OfflineSweep
{
    /// <returns>The outcome for a vehicle whose state changed, or null when silence means nothing yet.</returns>
    public static VehicleBatchOutcome? Evaluate(VehicleContext context, VehicleState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        var builder = new OutcomeBuilder(context);
        var rules = context.Rules;
        var initial = state;

        if (state.LastFix is { } last)
        {
            var origin = new AlertOrigin(context.Vehicle, last.DriverId, now, rules.Alerts.TimeToLive);
            if (state.Motion.Trip is { } trip && now - last.Time > rules.Trips.MaxDataGap)
            {
                builder.AddTrip(TripDetector.CloseAtLastFix(trip, last, context));
                state = state with { Motion = new MotionState(last.Position, last, null, null) };
            }

            if (state.Speeding is { Episode: not null } run && now - last.Time > rules.Speeding.MaxGapWithinEpisode)
            {
                builder.SpeedingEnded(origin, new SpeedingDetector.Closed(run, last.Time - run.AboveSince, last.Time, last.Position), rules.Speeding);
                state = state with { Speeding = null };
            }
        }

        var offlineAfter = context.Settings.OfflineAfter;
        if (state.Status != VehicleStatus.Offline && state.LastSeen is { } lastSeen && now - lastSeen >= offlineAfter)
        {
            builder.RaiseAlert(AlertFactory.Offline(
                new AlertOrigin(context.Vehicle, state.LastFix?.DriverId, now, rules.Alerts.TimeToLive), lastSeen, offlineAfter, state.LastFix?.Position));
            builder.StatusChanged(state.Status, VehicleStatus.Offline, now);
            state = state with { Status = VehicleStatus.Offline };
        }

        return ReferenceEquals(state, initial) ? null : builder.Build(state);
    }
}
