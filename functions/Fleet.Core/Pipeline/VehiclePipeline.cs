using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Pipeline;

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
        var run = new Accumulator(context, state);
        // Indexing, not foreach: enumerating an interface boxes, and this runs once per vehicle per batch.
        for (var i = 0; i < fixes.Count; i++)
        {
            state = run.Process(state, fixes[i]);
        }

        return run.Build(run.Delivered(state));
    }

    /// <summary>One run over one vehicle's fixes. Mutable, but private to a single call of <see cref="VehiclePipeline.Run"/>.</summary>
    private sealed class Accumulator(VehicleContext context, VehicleState initial) : OutcomeBuilder(context)
    {
        private static readonly (DeviceEvents Flag, string Code)[] SafetyEvents =
            [(DeviceEvents.Crash, DriverEventCodes.Crash), (DeviceEvents.Sos, DriverEventCodes.Sos)];

        private DateTimeOffset? _lastSeen = initial.LastSeen;
        private StreamWatermarks _streams = initial.Streams;
        private bool _delivered;

        private DateTimeOffset? _lastLateTime;

        private VehicleProfile Vehicle => Context.Vehicle;

        public VehicleState Process(VehicleState state, TelemetryFix fix)
        {
            if (initial.Streams.IsReplay(fix.Source))
            {
                Replays++;
                return state;
            }

            _lastSeen = _lastSeen is { } seen && seen >= fix.Source.EnqueuedTime ? seen : fix.Source.EnqueuedTime;
            _streams = _streams.After(fix.Source);
            _delivered = true;
            if (FixFilters.CheckStateless(fix, Context.Rules.Filters) is { } rejection)
            {
                Reject(fix, rejection);
                RaiseSafetyEvents(fix, state.LastFix);
                return HeardFrom(state, fix);
            }

            if (state.LastFix is { } last && fix.FixTime <= last.Time)
            {
                Late(fix, last);
                return HeardFrom(state, fix);
            }

            return Live(state, fix);
        }

        /// <summary>
        /// A crash or an SOS matters whatever fix it came with: a poor position or a late delivery makes it no less
        /// urgent, so it is raised even from fixes the pipeline does not otherwise use.
        /// </summary>
        private void RaiseSafetyEvents(TelemetryFix fix, FixSnapshot? last)
        {
            if ((fix.Events & (DeviceEvents.Crash | DeviceEvents.Sos)) == DeviceEvents.None)
            {
                return;
            }

            var position = fix.Position.IsValid ? fix.Position : last?.Position;
            var driverId = fix.DriverId ?? last?.DriverId;
            var origin = new AlertOrigin(Vehicle, driverId, fix.Source.EnqueuedTime, Context.Rules.Alerts.TimeToLive);
            foreach (var (flag, code) in SafetyEvents)
            {
                if ((fix.Events & flag) != DeviceEvents.None)
                {
                    var alert = AlertFactory.DriverEvent(origin, code, fix.FixTime, position, fix.SpeedKmh ?? 0, null, null);
                    DriverEvent(alert, code, driverId, fix.FixTime, position, null);
                }
            }
        }

        /// <summary>A vehicle that transmits is online, even when what it sent moves nothing.</summary>
        private VehicleState HeardFrom(VehicleState state, TelemetryFix fix)
        {
            if (state.Status != VehicleStatus.Offline)
            {
                return state;
            }

            StatusChanged(VehicleStatus.Offline, VehicleStatus.Online, fix.Source.EnqueuedTime);
            return state with { Status = VehicleStatus.Online };
        }

        /// <summary>The final state with the batch's stream positions recorded, so a redelivery is known as one.</summary>
        public VehicleState Delivered(VehicleState state) =>
            !_delivered || (state.LastSeen == _lastSeen && state.Streams == _streams) ? state : state with { LastSeen = _lastSeen, Streams = _streams };

        private void Late(TelemetryFix fix, FixSnapshot last)
        {
            // Fixes are sorted, so a duplicate of a late fix in this batch is the one right before it.
            if (fix.FixTime == last.Time || fix.FixTime == _lastLateTime)
            {
                Duplicates++;
                return;
            }

            _lastLateTime = fix.FixTime;
            AddPosition(new PositionRecord(fix, Vehicle.VehicleId, Vehicle.CompanyId, OdometerKm: null, IsLate: true));
            RaiseSafetyEvents(fix, last);
        }

        private VehicleState Live(VehicleState state, TelemetryFix fix)
        {
            var filters = Context.Rules.Filters;
            var previous = state.LastFix;
            var metersFromPrevious = 0.0;
            if (previous is { } last)
            {
                metersFromPrevious = GeoMath.DistanceMeters(last.Position, fix.Position);
                var impliedSpeed = FixFilters.ImpliedSpeedKmh(metersFromPrevious, fix.FixTime - last.Time);
                if (impliedSpeed > filters.MaxImpliedSpeedKmh)
                {
                    if (state.JumpCandidate is not { } candidate || FixFilters.ImpliedSpeedKmh(candidate, fix) > filters.MaxImpliedSpeedKmh)
                    {
                        Reject(fix, FixFilters.Jump(fix, impliedSpeed, filters));
                        RaiseSafetyEvents(fix, last);
                        return state with { JumpCandidate = Snapshot(fix, fix.SpeedKmh ?? 0, state.OdometerKm, null) };
                    }

                    // The rejected fix and this one agree, so the previous fix was the outlier: take back its distance.
                    var corrected = state.OdometerKm - state.LastSegmentKm;
                    state = state with { OdometerKm = corrected, DistanceAnchor = candidate.Position };
                    previous = candidate with { OdometerKm = corrected };
                    metersFromPrevious = GeoMath.DistanceMeters(candidate.Position, fix.Position);
                }
            }

            var advance = Odometer.Measure(state.DistanceAnchor, state.MoveUnconfirmed, previous, fix, metersFromPrevious, Context.Rules);
            var speed = fix.SpeedKmh ?? (previous is { } before && fix.FixTime > before.Time
                ? FixFilters.ImpliedSpeedKmh(metersFromPrevious, fix.FixTime - before.Time)
                : 0);
            var odometer = state.OdometerKm + advance.SegmentKm;
            var step = new FixStep(fix, previous, speed, state.OdometerKm, Snapshot(fix, speed, odometer, previous), advance.Anchor);
            var origin = new AlertOrigin(Vehicle, step.Current.DriverId, fix.Source.EnqueuedTime, Context.Rules.Alerts.TimeToLive);

            var trips = TripDetector.Apply(state.Motion, step, Context);
            AddTrip(trips.Ended);
            AddTrip(trips.Started);
            if (trips.Progress is { } progress)
            {
                Notify(RealtimeMessageTypes.TripUpdate, TripPayload.From(progress));
            }

            var geofences = GeofenceTracker.Apply(state.Geofences, step, Context.Company.Geofences, Context.Rules.Geofences);
            for (var i = 0; i < geofences.Events.Count; i++)
            {
                RecordGeofenceEvent(origin, geofences.Events[i]);
            }

            var limit = SpeedingDetector.LimitAt(Context.Settings.SpeedLimitKmh, geofences.Containing);
            var speeding = SpeedingDetector.Apply(state.Speeding, step, Vehicle.VehicleId, limit, Context.Rules.Speeding, Context.Settings.SpeedingMaxGap);
            if (speeding.Ended is { } ended)
            {
                SpeedingEnded(origin, ended, Context.Rules.Speeding);
            }

            if (speeding.Opened is { } opened)
            {
                RaiseAlert(AlertFactory.SpeedingStarted(origin, opened, speed, limit.LimitKmh, Context.Rules.Speeding));
            }

            var harsh = HarshDrivingDetector.Apply(state.Harsh, step, Context.Settings.Harsh, Context.Rules.HarshDriving);
            for (var i = 0; i < harsh.Events.Count; i++)
            {
                var harshEvent = harsh.Events[i];
                var alert = AlertFactory.DriverEvent(
                    origin, harshEvent.Code, step.Time, step.Position, speed, harshEvent.AccelerationMetersPerSecondSquared, harshEvent.SpeedBeforeKmh);
                DriverEvent(alert, harshEvent.Code, step.Current.DriverId, step.Time, step.Position, harshEvent.AccelerationMetersPerSecondSquared);
            }

            var fuel = FuelTheftDetector.Apply(
                state.Fuel, step, Context.Rules.Fuel, Context.Rules.Trips, Context.Settings.FuelCapacityLiters);
            if (fuel.Detected is { } theft)
            {
                RaiseAlert(AlertFactory.FuelTheft(origin, theft.ReferenceTime, step.Time, theft.DropPercent, theft.DropLiters, step.Position));
            }

            var fuelUse = FuelConsumption.Apply(
                state.FuelUse, step, fuel.Detected is not null, state.Fuel?.AlertedFor is not null, Context.Rules.Fuel, Context.Rules.Trips,
                Context.Settings.FuelCapacityLiters);

            if (MaintenanceDetector.Crossed(step.OdometerBeforeKm, odometer, Context.Settings.ServiceIntervalKm) is { } serviceDueKm)
            {
                var alert = AlertFactory.MaintenanceDue(origin, step.Time, odometer, serviceDueKm);
                RaiseAlert(alert);
                Notify(RealtimeMessageTypes.MaintenanceAlertUpdate, new MaintenancePayload(Vehicle.VehicleId, odometer, serviceDueKm, alert.Id));
            }

            var idling = IdlingDetector.Apply(state.Idle, step, Context.Rules.Idling, Context.Rules.Trips.MaxDataGap);
            if (idling.AlertAfter is { } idleDuration)
            {
                var alert = AlertFactory.Idling(origin, idling.State!.Since, idleDuration, step.Position);
                DriverEvent(alert, DriverEventCodes.Idling, step.Current.DriverId, step.Time, step.Position, idleDuration.TotalSeconds);
            }

            var liveMotion = LiveMotionDetector.Apply(state.LiveMotion, step, Context.Rules.Trips);
            var status = ResolveStatus(state.Status, liveMotion, step);
            if (status != state.Status)
            {
                StatusChanged(state.Status, status, step.Time);
            }

            var moving = liveMotion.Moving && step.SincePrevious <= Context.Rules.Trips.MaxDataGap;
            AddMovement(step.Time, advance.SegmentKm, moving ? step.SincePrevious : TimeSpan.Zero, idling.IdleTime, fuelUse.UsedLiters);

            AddPosition(new PositionRecord(fix, Vehicle.VehicleId, Vehicle.CompanyId, odometer, IsLate: false));

            return state with
            {
                LastFix = step.Current,
                OdometerKm = odometer,
                DistanceAnchor = advance.Anchor,
                MoveUnconfirmed = advance.MoveUnconfirmed,
                LastSegmentKm = advance.SegmentKm,
                JumpCandidate = null,
                Motion = trips.State,
                LiveMotion = liveMotion,
                Geofences = geofences.Memberships,
                Speeding = speeding.State,
                Harsh = harsh.State,
                Fuel = fuel.State,
                FuelUse = fuelUse.State,
                Idle = idling.State,
                Status = status,
                Cadence = ReportCadence.Learn(state.Cadence, step.SincePrevious, Context.Rules.Trips.MaxDataGap),

                // Recorded here too, so the usual batch, ending with a live fix, copies its state once.
                LastSeen = _lastSeen,
                Streams = _streams,
            };
        }

        private VehicleStatus ResolveStatus(VehicleStatus current, LiveMotion motion, FixStep step)
        {
            // The first report after silence announces the vehicle is back before saying what it is doing.
            if (current == VehicleStatus.Offline)
            {
                return VehicleStatus.Online;
            }

            if (motion.Moving)
            {
                return VehicleStatus.Moving;
            }

            return IdlingDetector.IsIdle(step, Context.Rules.Idling) ? VehicleStatus.Idle : VehicleStatus.Stopped;
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

        private static FixSnapshot Snapshot(TelemetryFix fix, double speedKmh, double odometerKm, FixSnapshot? previous) => new(
            fix,
            speedKmh,
            odometerKm,
            fix.FuelLevelPercent ?? previous?.FuelLevelPercent,
            fix.Ignition ?? previous?.Ignition,
            fix.DriverId ?? previous?.DriverId);
    }
}
