using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
using Fleet.Core.State;
using Fleet.Core.Trips;

namespace Fleet.Core.Pipeline;

/// <summary>
/// Motion and trips (DESIGN 5): a trip starts once the vehicle is far enough from where it parked, or has moved long
/// enough; it ends after a long enough stop (dated from when it stopped), at ignition off, or at a data gap (closed at
/// the last fix before the gap).
/// </summary>
public static class TripDetector
{
    /// <summary>
    /// How often a trip under way is announced with its distance, top speed and duration so far: once a minute of its
    /// duration keeps a page's trip row current (the page advances the duration itself in between) for one small message
    /// per vehicle and minute; each one costs the pipeline about as much as a tenth of the fixes of that minute.
    /// </summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMinutes(1);

    /// <param name="Progress">The open trip as it stands, when it is time to announce it.</param>
    public readonly record struct Result(MotionState State, TripRecord? Ended, TripRecord? Started, TripRecord? Progress = null);

    public static Result Apply(MotionState motion, FixStep step, VehicleContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Rules.Trips;
        TripRecord? ended = null;

        if (step.Previous is { } previous && step.SincePrevious > settings.MaxDataGap)
        {
            if (motion.Trip is { } interrupted)
            {
                ended = CloseAtLastFix(interrupted, previous, context);
            }

            // Nothing is known about the gap: start afresh from this fix rather than from where the data stopped.
            motion = new MotionState(step.Position, null, null, null);
        }

        var moving = settings.IsMoving(step.SpeedKmh);
        if (motion.Trip is not { } trip)
        {
            return StartIfMoving(motion, step, moving, ended, context);
        }

        var maxSpeedKmh = Math.Max(trip.MaxSpeedKmh, step.SpeedKmh);
        if (step.Fix.Ignition == false)
        {
            var closed = Close(trip with { MaxSpeedKmh = maxSpeedKmh }, step.Time, step.Position, step.OdometerKm, step.Current.FuelLevelPercent, context);
            return new Result(Parked(step.Position, step), closed, null);
        }

        StopMark? stop = moving ? null : trip.Stop ?? new StopMark(step.Time, step.Position, step.OdometerKm, step.Current.FuelLevelPercent);
        if (stop is { } stopped && step.Time - stopped.Since >= settings.MinStopDuration)
        {
            var closed = Close(trip with { MaxSpeedKmh = maxSpeedKmh }, stopped.Since, stopped.Position, stopped.OdometerKm, stopped.FuelLevelPercent, context);
            return new Result(Parked(stopped.Position, step), closed, null);
        }

        // Announced at the first fix of each new minute of the trip: a count of minutes, so nothing is kept to know it.
        var announce = step.Previous is { } before && MinutesInto(trip, step.Time) > MinutesInto(trip, before.Time);

        // Cruising changes nothing most of the time: keep the same trip object then.
        var updated = maxSpeedKmh == trip.MaxSpeedKmh && stop == trip.Stop ? trip : trip with { MaxSpeedKmh = maxSpeedKmh, Stop = stop };
        var progress = announce ? Progress(updated, step.Current, context.Vehicle.VehicleId, context.Vehicle.CompanyId) : null;
        return new Result(ReferenceEquals(updated, trip) ? motion : motion with { Trip = updated }, ended, null, progress);
    }

    private static long MinutesInto(OpenTrip trip, DateTimeOffset time) => (time - trip.StartTime).Ticks / ProgressInterval.Ticks;

    /// <summary>An open trip as it stands at the vehicle's newest fix: its distance, top speed and duration so far.</summary>
    public static TripRecord Progress(OpenTrip trip, FixSnapshot lastFix, string vehicleId, string companyId)
    {
        ArgumentNullException.ThrowIfNull(trip);
        ArgumentNullException.ThrowIfNull(lastFix);
        return new TripRecord(
            trip.TripId,
            vehicleId,
            companyId,
            trip.DriverId,
            TripStatus.InProgress,
            trip.StartTime,
            trip.StartPosition,
            EndTime: null,
            EndPosition: null,
            Math.Max(0, lastFix.OdometerKm - trip.StartOdometerKm),
            trip.MaxSpeedKmh,
            FuelUsedLiters: null,
            lastFix.Time);
    }

    private static Result StartIfMoving(MotionState motion, FixStep step, bool moving, TripRecord? ended, VehicleContext context)
    {
        var settings = context.Rules.Trips;
        var parkedAt = motion.ParkedAt ?? step.Position;
        var movingSince = moving ? motion.MovingSince ?? step.Time : (DateTimeOffset?)null;
        // The anchor, not the fix: a single spike away from a parked vehicle's spot is no departure.
        var farEnough = GeoMath.DistanceMeters(parkedAt, step.Anchor) >= settings.MinTripStartDistanceMeters;
        var longEnough = movingSince is { } since && step.Time - since >= settings.MinTripStartMovingDuration;
        if (!farEnough && !longEnough)
        {
            var lastStationary = moving ? motion.LastStationary : step.Current;
            return new Result(new MotionState(parkedAt, lastStationary, movingSince, null), ended, null);
        }

        // Date the trip from the last fix at rest: that is when the vehicle left.
        var start = motion.LastStationary ?? step.Previous ?? step.Current;
        var trip = new OpenTrip(
            DeterministicId.ForTrip(context.Vehicle.VehicleId, start.Time),
            start.Time,
            start.Position,
            start.OdometerKm,
            start.FuelLevelPercent,
            step.Current.DriverId,
            Math.Max(start.SpeedKmh, step.SpeedKmh));
        var started = Record(trip, TripStatus.InProgress, null, null, 0, null, context);
        return new Result(new MotionState(null, null, movingSince, trip), ended, started);
    }

    /// <summary>Ends a trip whose data stopped: it ended, as far as anyone knows, at the last fix.</summary>
    public static TripRecord CloseAtLastFix(OpenTrip trip, FixSnapshot lastFix, VehicleContext context)
    {
        ArgumentNullException.ThrowIfNull(trip);
        ArgumentNullException.ThrowIfNull(context);
        return Close(trip, lastFix.Time, lastFix.Position, lastFix.OdometerKm, lastFix.FuelLevelPercent, context);
    }

    private static MotionState Parked(GeoPoint parkedAt, FixStep step) => new(parkedAt, step.Current, null, null);

    private static TripRecord Close(
        OpenTrip trip, DateTimeOffset endTime, GeoPoint endPosition, double endOdometerKm, double? endFuelLevelPercent, VehicleContext context)
    {
        var distanceKm = Math.Max(0, endOdometerKm - trip.StartOdometerKm);
        var status = distanceKm * 1000 < context.Rules.Trips.MinTripStartDistanceMeters ? TripStatus.Cancelled : TripStatus.Completed;
        double? fuelUsedLiters = trip.StartFuelLevelPercent is { } startFuel && endFuelLevelPercent is { } endFuel
            ? Math.Max(0, startFuel - endFuel) / 100 * context.Settings.FuelCapacityLiters
            : null;
        return Record(trip, status, endTime, endPosition, distanceKm, fuelUsedLiters, context);
    }

    private static TripRecord Record(
        OpenTrip trip,
        TripStatus status,
        DateTimeOffset? endTime,
        GeoPoint? endPosition,
        double distanceKm,
        double? fuelUsedLiters,
        VehicleContext context) => new(
            trip.TripId,
            context.Vehicle.VehicleId,
            context.Vehicle.CompanyId,
            trip.DriverId,
            status,
            trip.StartTime,
            trip.StartPosition,
            endTime,
            endPosition,
            distanceKm,
            trip.MaxSpeedKmh,
            fuelUsedLiters);
}
