using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
using Fleet.Core.Kpis;
using Fleet.Core.Realtime;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Core.Pipeline;

/// <summary>A fix the pipeline refused, with the event it came from (for the dead letter).</summary>
public sealed record RejectedFix(TelemetryFix Fix, TelemetryRejection Rejection);

/// <summary>Everything one vehicle's share of a batch (or of a sweep) produced. Values only: the handler performs the effects.</summary>
/// <param name="NoRecentDataAfter">
/// How long the vehicle may now be silent before it has no recent data: pages showing its new position judge its
/// silence by it.
/// </param>
public sealed record VehicleBatchOutcome(
    VehicleState State,
    IReadOnlyList<PositionRecord> Positions,
    IReadOnlyList<TripRecord> Trips,
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<RealtimeNotice> Notices,
    IReadOnlyList<DailyStats> Stats,
    IReadOnlyList<RejectedFix> Rejections,
    int Duplicates,
    int Replays,
    TimeSpan NoRecentDataAfter);

/// <summary>
/// Collects one vehicle's outputs while a pure function runs. Mutable, but created and discarded inside that function,
/// so callers only ever see the immutable <see cref="VehicleBatchOutcome"/>.
/// </summary>
/// <remarks>
/// Most runs see one or two fixes of a vehicle, so every list is created only when first needed, and the pipeline's
/// run derives from this class rather than holding one: a run is one object.
/// </remarks>
internal class OutcomeBuilder(VehicleContext context)
{
    private DailyStatsAccumulator _stats = new(context);
    private List<PositionRecord>? _positions;
    private List<RejectedFix>? _rejections;
    private List<TripRecord>? _trips;
    private List<Alert>? _alerts;
    private List<RealtimeNotice>? _notices;

    protected VehicleContext Context { get; } = context;

    public int Duplicates { get; set; }

    public int Replays { get; set; }

    private string VehicleId => Context.Vehicle.VehicleId;

    public VehicleBatchOutcome Build(VehicleState state) => new(
        state,
        _positions ?? (IReadOnlyList<PositionRecord>)[],
        _trips ?? (IReadOnlyList<TripRecord>)[],
        _alerts ?? (IReadOnlyList<Alert>)[],
        _notices ?? (IReadOnlyList<RealtimeNotice>)[],
        _stats.ToList(),
        _rejections ?? (IReadOnlyList<RejectedFix>)[],
        Duplicates,
        Replays,
        Context.Settings.NoRecentDataAfter(state.Cadence));

    public void AddPosition(PositionRecord position) => (_positions ??= []).Add(position);

    public void Reject(TelemetryFix fix, TelemetryRejection rejection) => (_rejections ??= []).Add(new RejectedFix(fix, rejection));

    public void AddMovement(DateTimeOffset time, double distanceKm, TimeSpan moving, TimeSpan idle, double fuelUsedLiters) =>
        _stats.AddMovement(time, distanceKm, moving, idle, fuelUsedLiters);

    public void AddTrip(TripRecord? trip)
    {
        if (trip is null)
        {
            return;
        }

        (_trips ??= []).Add(trip);
        _stats.AddTrip(trip);
        Notify(RealtimeMessageTypes.TripUpdate, TripPayload.From(trip));
    }

    public void RaiseAlert(Alert alert)
    {
        (_alerts ??= []).Add(alert);
        Notify(RealtimeMessageTypes.Alert, AlertPayload.From(alert, read: false));
    }

    public void DriverEvent(Alert alert, string eventCode, string? driverId, DateTimeOffset time, GeoPoint? position, double? value)
    {
        RaiseAlert(alert);
        Notify(RealtimeMessageTypes.DriverEventUpdate, new DriverEventPayload(
            VehicleId, driverId, eventCode, time, position?.Latitude, position?.Longitude, alert.Id, value));
    }

    /// <summary>
    /// Closing a speeding episode rewrites the alert raised when it opened (same id, now with its maximum and
    /// duration) and tells dispatchers it ended, without a second <c>alert</c> message.
    /// </summary>
    public void SpeedingEnded(AlertOrigin origin, SpeedingDetector.Closed closed, SpeedingSettings settings)
    {
        var alert = AlertFactory.SpeedingEnded(origin, closed.Run, closed.Duration, settings);
        (_alerts ??= []).Add(alert);
        Notify(RealtimeMessageTypes.DriverEventUpdate, new DriverEventPayload(
            VehicleId, origin.DriverId, DriverEventCodes.SpeedingEnded, closed.End, closed.EndPosition.Latitude, closed.EndPosition.Longitude,
            alert.Id, Math.Round(closed.Run.MaxSpeedKmh, 1)));
    }

    public void StatusChanged(VehicleStatus previous, VehicleStatus current, DateTimeOffset time) =>
        Notify(
            RealtimeMessageTypes.VehicleStatusUpdate,
            new StatusPayload(VehicleId, current.ToCode(), previous.ToCode(), time),
            NoticeAudience.CompanyAndVehicle);

    public void Notify(string type, object data, NoticeAudience audience = NoticeAudience.Company) =>
        (_notices ??= []).Add(new RealtimeNotice(type, Context.Vehicle.CompanyId, data, audience, VehicleId));
}
