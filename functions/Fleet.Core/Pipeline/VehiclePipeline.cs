using Fleet.Core.Alerts;
using Fleet.Core.Fleet;
using Fleet.Core.Geofencing;
using Fleet.Core.Kpis;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Core.Pipeline;

/// <summary>A fix the pipeline refused, with the event it came from (for the dead letter).</summary>
public sealed record RejectedFix(TelemetryFix Fix, TelemetryRejection Rejection);

/// <summary>Everything one vehicle's share of a batch produced. Values only: the handler performs the effects.</summary>
public sealed record VehicleBatchOutcome(
    VehicleState State,
    IReadOnlyList<PositionRecord> Positions,
    IReadOnlyList<LocationPayload> Locations,
    IReadOnlyList<TripRecord> Trips,
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<RealtimeNotice> Notices,
    IReadOnlyList<DailyStats> Stats,
    IReadOnlyList<RejectedFix> Rejections,
    int Duplicates,
    int Replays);

/// <summary>
/// The ordered per-vehicle pipeline of DESIGN 5: replay and late detection, filters, odometer, trips, geofences,
/// speeding, harsh driving, fuel, maintenance, idling, status. A pure function of (context, state, fixes).
/// </summary>
public static class VehiclePipeline
{
    /// <param name="fixes">This vehicle's fixes, ordered by fix time then sequence number.</param>
    public static VehicleBatchOutcome Run(VehicleContext context, VehicleState state, IReadOnlyList<TelemetryFix> fixes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(fixes);
        var run = new Accumulator(context);
        foreach (var fix in fixes)
        {
            state = run.Process(state, fix);
        }

        return run.Finish(state);
    }

    /// <summary>The accumulator of one run. Mutable, but private to a single call of <see cref="VehiclePipeline.Run"/>.</summary>
    private sealed class Accumulator(VehicleContext context)
    {
        private readonly List<PositionRecord> _positions = [];
        private readonly List<LocationPayload> _locations = [];
        private readonly List<TripRecord> _trips = [];
        private readonly List<Alert> _alerts = [];
        private readonly List<RealtimeNotice> _notices = [];
        private readonly List<RejectedFix> _rejections = [];
        private readonly List<Geofence> _scratch = [];
        private readonly DailyStatsAccumulator _stats = new(context);
        private DateTimeOffset? _lastLateTime;
        private int _duplicates;
        private int _replays;

        private VehicleProfile Vehicle => context.Vehicle;

        public VehicleBatchOutcome Finish(VehicleState state) => new(
            state, _positions, _locations, _trips, _alerts, _notices, _stats.ToList(), _rejections, _duplicates, _replays);

        public VehicleState Process(VehicleState state, TelemetryFix fix)
        {
            if (state.IsReplay(fix.Source))
            {
                _replays++;
                return state;
            }

            state = state.RecordDelivery(fix.Source);
            if (FixFilters.CheckStateless(fix, context.Rules.Filters) is { } rejection)
            {
                _rejections.Add(new RejectedFix(fix, rejection));
                return state;
            }

            if (state.LastFix is { } last && fix.FixTime <= last.Time)
            {
                return Late(state, fix, last);
            }

            return Live(state, fix);
        }

        private VehicleState Late(VehicleState state, TelemetryFix fix, FixSnapshot last)
        {
            // Fixes are sorted, so a duplicate of a late fix in this batch is the one right before it.
            if (fix.FixTime == last.Time || fix.FixTime == _lastLateTime)
            {
                _duplicates++;
                return state;
            }

            _lastLateTime = fix.FixTime;
            _positions.Add(PositionRecord.From(fix, Vehicle.VehicleId, Vehicle.CompanyId, odometerKm: null, isLate: true));
            return state;
        }

        private VehicleState Live(VehicleState state, TelemetryFix fix)
        {
            var previous = state.LastFix;
            if (previous is { } last)
            {
                var impliedSpeed = FixFilters.ImpliedSpeedKmh(last, fix);
                if (impliedSpeed > context.Rules.Filters.MaxImpliedSpeedKmh)
                {
                    if (state.JumpCandidate is not { } candidate || FixFilters.ImpliedSpeedKmh(candidate, fix) > context.Rules.Filters.MaxImpliedSpeedKmh)
                    {
                        _rejections.Add(new RejectedFix(fix, FixFilters.Jump(fix, impliedSpeed, context.Rules.Filters)));
                        return state with { JumpCandidate = Snapshot(fix, fix.SpeedKmh ?? 0, state.OdometerKm, null) };
                    }

                    // The rejected fix and this one agree, so the previous fix was the outlier: take back its distance.
                    var corrected = state.OdometerKm - state.LastSegmentKm;
                    state = state with { OdometerKm = corrected, DistanceAnchor = candidate.Position };
                    previous = candidate with { OdometerKm = corrected };
                }
            }

            var advance = Odometer.Measure(state.DistanceAnchor, previous, fix, context.Rules);
            var speed = fix.SpeedKmh ?? DerivedSpeedKmh(previous, fix);
            var odometer = state.OdometerKm + advance.SegmentKm;
            var step = new FixStep(fix, previous, speed, state.OdometerKm, Snapshot(fix, speed, odometer, previous));
            var origin = new AlertOrigin(Vehicle, step.Current.DriverId, fix.Source.EnqueuedTime, context.Rules.Alerts.TimeToLive);

            var trips = TripDetector.Apply(state.Motion, step, context);
            RecordTrip(trips.Ended);
            RecordTrip(trips.Started);

            var geofences = GeofenceTracker.Apply(state.Geofences, step, context.Company.Geofences, context.Rules.Geofences, _scratch);
            foreach (var geofenceEvent in geofences.Events)
            {
                RecordGeofenceEvent(origin, geofenceEvent);
            }

            var limit = SpeedingDetector.Limit(context.Settings.SpeedLimitKmh, geofences.Containing);
            var speeding = SpeedingDetector.Apply(state.Speeding, step, Vehicle.VehicleId, limit, context.Rules.Speeding);
            RecordSpeeding(origin, step, speeding);

            var harsh = HarshDrivingDetector.Apply(state.Harsh, step, context.Settings.Harsh, context.Rules.HarshDriving);
            foreach (var harshEvent in harsh.Events)
            {
                var alert = AlertFactory.DriverEvent(origin, harshEvent.Code, step.Time, step.Position, speed, harshEvent.AccelerationMetersPerSecondSquared);
                RaiseAlert(alert);
                Notify(RealtimeMessageTypes.DriverEventUpdate, new DriverEventPayload(
                    Vehicle.VehicleId, step.Current.DriverId, harshEvent.Code, step.Time, step.Position.Latitude, step.Position.Longitude,
                    alert.Id, harshEvent.AccelerationMetersPerSecondSquared));
            }

            var fuel = FuelTheftDetector.Apply(
                state.Fuel, step, context.Rules.Fuel, context.Rules.Trips.MovingSpeedThresholdKmh, context.Settings.FuelCapacityLiters);
            if (fuel.Detected is { } theft)
            {
                RaiseAlert(AlertFactory.FuelTheft(origin, theft.ReferenceTime, step.Time, theft.DropPercent, theft.DropLiters, step.Position));
            }

            if (MaintenanceDetector.Crossed(step.OdometerBeforeKm, odometer, context.Settings.ServiceIntervalKm) is { } serviceDueKm)
            {
                var alert = AlertFactory.MaintenanceDue(origin, step.Time, odometer, serviceDueKm);
                RaiseAlert(alert);
                Notify(RealtimeMessageTypes.MaintenanceAlertUpdate, new MaintenancePayload(Vehicle.VehicleId, odometer, serviceDueKm, alert.Id));
            }

            var idling = IdlingDetector.Apply(state.Idle, step, context.Rules.Idling, context.Rules.Trips.MaxDataGap);
            if (idling.AlertAfter is { } idleDuration)
            {
                var alert = AlertFactory.Idling(origin, idling.State.Since!.Value, idleDuration, step.Position);
                RaiseAlert(alert);
                Notify(RealtimeMessageTypes.DriverEventUpdate, new DriverEventPayload(
                    Vehicle.VehicleId, step.Current.DriverId, DriverEventCodes.Idling, step.Time, step.Position.Latitude,
                    step.Position.Longitude, alert.Id, idleDuration.TotalSeconds));
            }

            var status = ResolveStatus(state.Status, trips.State, step);
            if (status != state.Status)
            {
                Notify(
                    RealtimeMessageTypes.VehicleStatusUpdate,
                    new StatusPayload(Vehicle.VehicleId, status.ToCode(), state.Status.ToCode(), step.Time),
                    NoticeAudience.CompanyAndVehicle);
            }

            var moving = trips.State.Trip is not null && speed > context.Rules.Trips.MovingSpeedThresholdKmh &&
                step.SincePrevious <= context.Rules.Trips.MaxDataGap;
            _stats.AddMovement(step.Time, advance.SegmentKm, moving ? step.SincePrevious : TimeSpan.Zero, idling.IdleTime);

            _positions.Add(PositionRecord.From(fix, Vehicle.VehicleId, Vehicle.CompanyId, odometer, isLate: false));
            _locations.Add(new LocationPayload(
                Vehicle.VehicleId, step.Current.DriverId, fix.Position.Latitude, fix.Position.Longitude, fix.SpeedKmh ?? Math.Round(speed, 1),
                fix.HeadingDegrees, fix.AccuracyMeters, fix.FixTime, status.ToCode(), Math.Round(odometer, 3), fix.FuelLevelPercent,
                step.Current.Ignition));

            return state with
            {
                LastFix = step.Current,
                OdometerKm = odometer,
                DistanceAnchor = advance.Anchor,
                LastSegmentKm = advance.SegmentKm,
                JumpCandidate = null,
                Motion = trips.State,
                Geofences = geofences.Memberships,
                Speeding = speeding.State,
                Harsh = harsh.State,
                Fuel = fuel.State,
                Idle = idling.State,
                Status = status,
            };
        }

        private VehicleStatus ResolveStatus(VehicleStatus current, MotionState motion, FixStep step)
        {
            // The first report after silence announces the vehicle is back before saying what it is doing.
            if (current == VehicleStatus.Offline)
            {
                return VehicleStatus.Online;
            }

            if (motion.Trip is not null && step.SpeedKmh > context.Rules.Trips.MovingSpeedThresholdKmh)
            {
                return VehicleStatus.Moving;
            }

            return IdlingDetector.IsIdle(step, context.Rules.Idling) ? VehicleStatus.Idle : VehicleStatus.Stopped;
        }

        private void RecordTrip(TripRecord? trip)
        {
            if (trip is null)
            {
                return;
            }

            _trips.Add(trip);
            _stats.AddTrip(trip);
            Notify(RealtimeMessageTypes.TripUpdate, TripPayload.From(trip));
        }

        private void RecordGeofenceEvent(AlertOrigin origin, GeofenceEvent geofenceEvent)
        {
            var fence = geofenceEvent.Fence;
            var rule = geofenceEvent.Transition == GeofenceTransition.Enter ? GeofenceAlertRule.Enter : GeofenceAlertRule.Exit;
            if ((fence.AlertOn & rule) == 0)
            {
                return;
            }

            var alert = AlertFactory.Geofence(
                origin, fence, geofenceEvent.Transition, geofenceEvent.Time, geofenceEvent.Position, geofenceEvent.Crossing);
            RaiseAlert(alert);
            Notify(RealtimeMessageTypes.GeofenceViolationUpdate, new GeofencePayload(
                Vehicle.VehicleId, fence.Id, fence.Name, geofenceEvent.Transition.ToCode(), geofenceEvent.Time,
                geofenceEvent.Position.Latitude, geofenceEvent.Position.Longitude, geofenceEvent.Crossing, alert.Id));
        }

        private void RecordSpeeding(AlertOrigin origin, FixStep step, SpeedingDetector.Result speeding)
        {
            var settings = context.Rules.Speeding;
            if (speeding.Ended is { } ended)
            {
                var episode = ended.Episode;
                var severity = AlertFactory.SpeedingSeverity(episode.MaxExcessRatio, settings);
                var alert = AlertFactory.SpeedingEnded(origin with { CreatedAt = episode.CreatedAt }, episode, ended.Duration, severity);

                // The alert was raised when the episode opened; closing rewrites the same entity without a second alert.
                _alerts.Add(alert);
                Notify(RealtimeMessageTypes.DriverEventUpdate, new DriverEventPayload(
                    Vehicle.VehicleId, origin.DriverId, DriverEventCodes.SpeedingEnded, step.Time, step.Position.Latitude, step.Position.Longitude,
                    alert.Id, Math.Round(episode.MaxSpeedKmh, 1)));
            }

            if (speeding.Opened is { } opened)
            {
                var severity = AlertFactory.SpeedingSeverity(opened.MaxExcessRatio, settings);
                RaiseAlert(AlertFactory.SpeedingStarted(origin, opened, step.SpeedKmh, speeding.LimitKmh, severity));
            }
        }

        private void RaiseAlert(Alert alert)
        {
            _alerts.Add(alert);
            Notify(RealtimeMessageTypes.Alert, AlertPayload.From(alert, read: false));
        }

        private void Notify(string type, object data, NoticeAudience audience = NoticeAudience.Company) =>
            _notices.Add(new RealtimeNotice(type, Vehicle.CompanyId, data, audience, Vehicle.VehicleId));

        private static double DerivedSpeedKmh(FixSnapshot? previous, TelemetryFix fix) =>
            previous is { } last && fix.FixTime > last.Time
                ? Geo.GeoMath.DistanceMeters(last.Position, fix.Position) / (fix.FixTime - last.Time).TotalSeconds * 3.6
                : 0;

        private static FixSnapshot Snapshot(TelemetryFix fix, double speedKmh, double odometerKm, FixSnapshot? previous) => new(
            fix.FixTime,
            fix.Position,
            speedKmh,
            fix.SpeedKmh,
            odometerKm,
            fix.DeviceOdometerKm,
            fix.FuelLevelPercent ?? previous?.FuelLevelPercent,
            fix.Ignition ?? previous?.Ignition,
            fix.HeadingDegrees,
            fix.DriverId ?? previous?.DriverId,
            fix.Events);
    }
}
