using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.State;

namespace Fleet.Core.Pipeline;

/// <summary>
/// What silence means, evaluated by a timer. Silence is measured from when the broker last received an event from the
/// vehicle: after 30 min a trip ends at its last fix, and after max(3 x expected interval, 5 min) the vehicle goes
/// offline with one alert, closing any speeding episode at the last fix that saw it. Pure: states and "now" in,
/// changed states and their effects out.
/// </summary>
/// <remarks>
/// "Now" must be a time up to which telemetry has been processed: a sweep run while a backlog is still being worked
/// through would call vehicles silent whose events are merely queued.
/// </remarks>
public static class OfflineSweep
{
    /// <returns>The outcome of every vehicle whose state changed.</returns>
    public static IReadOnlyList<VehicleBatchOutcome> Run(IEnumerable<(VehicleContext Context, VehicleState State)> vehicles, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        var changed = new List<VehicleBatchOutcome>();
        foreach (var (context, state) in vehicles)
        {
            if (Evaluate(context, state, now) is { } outcome)
            {
                changed.Add(outcome);
            }
        }

        return changed;
    }

    /// <returns>The outcome for a vehicle whose state changed, or null when silence means nothing yet.</returns>
    public static VehicleBatchOutcome? Evaluate(VehicleContext context, VehicleState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        if (state.LastSeen is not { } lastSeen)
        {
            return null;
        }

        var builder = new OutcomeBuilder(context);
        var rules = context.Rules;
        var initial = state;
        var silence = now - lastSeen;
        var origin = new AlertOrigin(context.Vehicle, state.LastFix?.DriverId, now, rules.Alerts.TimeToLive);

        if (state.Motion.Trip is { } trip && state.LastFix is { } tripEnd && silence > rules.Trips.MaxDataGap)
        {
            builder.AddTrip(TripDetector.CloseAtLastFix(trip, tripEnd, context));
            state = state with { Motion = new MotionState(tripEnd.Position, tripEnd, null, null) };
        }

        var offlineAfter = context.Settings.OfflineAfter;
        if (state.Status != VehicleStatus.Offline && silence >= offlineAfter)
        {
            if (state.Speeding is { Episode: not null } run && state.LastFix is { } last)
            {
                builder.SpeedingEnded(origin, new SpeedingDetector.Closed(run, last.Time - run.AboveSince, last.Time, last.Position), rules.Speeding);
            }

            builder.RaiseAlert(AlertFactory.Offline(origin, lastSeen, offlineAfter, state.LastFix?.Position));
            builder.StatusChanged(state.Status, VehicleStatus.Offline, now);
            state = state with { Status = VehicleStatus.Offline, Speeding = null };
        }

        return ReferenceEquals(state, initial) ? null : builder.Build(state);
    }
}
