using System.Collections.Immutable;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
using Fleet.Core.Settings;
using Fleet.Core.Telemetry;

namespace Fleet.Core.State;

public enum VehicleStatus
{
    Offline,
    Online,
    Moving,
    Stopped,
    Idle,
}

/// <summary>
/// What the pipeline remembers of an accepted fix: the fix itself and what was derived from it. It holds the fix rather
/// than copying its fields, as the stored position does too.
/// </summary>
/// <param name="SpeedKmh">Reported speed, or speed derived from the previous fix when the device sends none.</param>
/// <param name="FuelLevelPercent">The newest fuel reading (carried over from earlier fixes when this one has none).</param>
/// <param name="Ignition">The newest ignition state, likewise carried over.</param>
/// <param name="DriverId">The newest driver, likewise carried over.</param>
public sealed record FixSnapshot(TelemetryFix Fix, double SpeedKmh, double OdometerKm, double? FuelLevelPercent, bool? Ignition, string? DriverId)
{
    public DateTimeOffset Time => Fix.FixTime;

    public GeoPoint Position => Fix.Position;

    public double? ReportedSpeedKmh => Fix.SpeedKmh;

    public double? DeviceOdometerKm => Fix.DeviceOdometerKm;

    public double? HeadingDegrees => Fix.HeadingDegrees;

    public DeviceEvents Events => Fix.Events;
}

/// <summary>The newest event processed from one partition: anything at or before it is a replay.</summary>
public readonly record struct StreamPosition(string PartitionId, long SequenceNumber, DateTimeOffset EnqueuedTime);

/// <summary>
/// Where a vehicle's events have been read up to, per partition. A device reports through one partition (its id is
/// the partition key), so that one is held inline and advancing it allocates nothing; others are kept after a change.
/// </summary>
public readonly record struct StreamWatermarks(StreamPosition? Current, ImmutableArray<StreamPosition> Others)
{
    /// <summary>How many partitions' positions are kept besides the current one.</summary>
    public const int MaxOtherStreams = 3;

    /// <summary>
    /// A replay is an event at or before the newest one already processed from its partition. Both sequence number and
    /// enqueued time must be old: a restarted stream restarts sequence numbers but not the clock. The watermark is one
    /// event's position (see <see cref="Later"/>), never a mix of two. Ask the watermarks as they were before a batch:
    /// events of one batch are processed in fix-time order, not stream order.
    /// </summary>
    public bool IsReplay(EventMetadata source)
    {
        if (Find(source.PartitionId) is not { } stream)
        {
            return false;
        }

        return source.SequenceNumber <= stream.SequenceNumber && source.EnqueuedTime <= stream.EnqueuedTime;
    }

    public StreamWatermarks After(EventMetadata source)
    {
        var position = new StreamPosition(source.PartitionId, source.SequenceNumber, source.EnqueuedTime);
        if (Current is not { } current)
        {
            return this with { Current = position };
        }

        if (string.Equals(current.PartitionId, source.PartitionId, StringComparison.Ordinal))
        {
            return this with { Current = Later(current, position) };
        }

        // Another partition now: it becomes current, and the one left behind is remembered for a while.
        var others = Others.IsDefault ? [] : Others;
        for (var i = 0; i < others.Length; i++)
        {
            if (string.Equals(others[i].PartitionId, source.PartitionId, StringComparison.Ordinal))
            {
                position = Later(others[i], position);
                others = others.RemoveAt(i);
                break;
            }
        }

        others = others.Insert(0, current);
        return new StreamWatermarks(position, others.Length > MaxOtherStreams ? others.RemoveAt(MaxOtherStreams) : others);
    }

    private StreamPosition? Find(string partitionId)
    {
        if (Current is { } current && string.Equals(current.PartitionId, partitionId, StringComparison.Ordinal))
        {
            return current;
        }

        if (!Others.IsDefault)
        {
            foreach (var other in Others)
            {
                if (string.Equals(other.PartitionId, partitionId, StringComparison.Ordinal))
                {
                    return other;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The position of the later of two events, whole: by enqueued time, then by sequence number. Within one stream that
    /// is simply the higher sequence number. When a stream restarts its numbering (a restarted local host, a recreated
    /// event hub) its events are later but numbered lower, and the new position replaces the old one; mixing the old
    /// stream's number with the new stream's time would make the rest of the new stream's first request look old.
    /// </summary>
    private static StreamPosition Later(StreamPosition a, StreamPosition b) =>
        b.EnqueuedTime > a.EnqueuedTime || (b.EnqueuedTime == a.EnqueuedTime && b.SequenceNumber > a.SequenceNumber) ? b : a;
}

/// <summary>Whether the vehicle moves now (its status), and whether the newest fix disagreed with that.</summary>
/// <param name="ChangePending">One fix disagreed; a second one in a row changes <see cref="Moving"/>.</param>
public readonly record struct LiveMotion(bool Moving, bool ChangePending);

public readonly record struct StopMark(DateTimeOffset Since, GeoPoint Position, double OdometerKm, double? FuelLevelPercent);

public sealed record OpenTrip(
    string TripId,
    DateTimeOffset StartTime,
    GeoPoint StartPosition,
    double StartOdometerKm,
    double? StartFuelLevelPercent,
    string? DriverId,
    double MaxSpeedKmh,
    StopMark? Stop = null);

/// <summary>Parked (no <see cref="Trip"/>) or on a trip.</summary>
/// <param name="ParkedAt">Where the vehicle stopped; moving far enough from it starts a trip.</param>
/// <param name="LastStationary">The newest fix at rest: a trip that starts is dated from it.</param>
/// <param name="MovingSince">Start of the current uninterrupted run above the moving threshold.</param>
/// <remarks>A class: while cruising it does not change, and states that share it copy a reference, not 64 bytes.</remarks>
public sealed record MotionState(GeoPoint? ParkedAt, FixSnapshot? LastStationary, DateTimeOffset? MovingSince, OpenTrip? Trip)
{
    public static MotionState Unknown { get; } = new(null, null, null, null);
}

/// <summary>A fence the vehicle is inside, or whose boundary it crossed less than the dwell time ago.</summary>
/// <param name="Crossed">Where the pending change of side happened: the last fix on the old side and the first on the new.</param>
public readonly record struct GeofenceMembership(string FenceId, bool Inside, DateTimeOffset? PendingSince, BoundaryCrossing? Crossed = null);

/// <summary>The fixes either side of a boundary: enough to estimate when it was crossed.</summary>
public sealed record BoundaryCrossing(DateTimeOffset BeforeTime, GeoPoint Before, GeoPoint After);

/// <summary>The alert of a speeding run that lasted long enough to be an episode.</summary>
/// <param name="CreatedAt">When the alert was raised; closing the episode keeps that creation and expiry time.</param>
public sealed record SpeedingEpisode(string AlertId, DateTimeOffset CreatedAt);

/// <summary>
/// A run above the limit since <see cref="AboveSince"/>, with its worst moment so far; an <see cref="Episode"/> once
/// it lasted long enough.
/// </summary>
/// <param name="AbovePosition">Where the run started.</param>
/// <param name="LimitAtMaxKmh">The limit where the excess was greatest.</param>
/// <param name="GeofenceId">The fence that set that limit, if one did.</param>
public sealed record SpeedingState(
    DateTimeOffset AboveSince,
    GeoPoint AbovePosition,
    double MaxSpeedKmh,
    double MaxExcessRatio,
    double LimitAtMaxKmh,
    string? GeofenceId,
    SpeedingEpisode? Episode);

/// <summary>The kind of the harsh event derived at <see cref="At"/>, so one long braking yields one event.</summary>
public sealed record HarshState(DeviceEvents Kind, DateTimeOffset At);

public readonly record struct FuelReading(DateTimeOffset Time, double LevelPercent);

/// <summary>
/// Fuel readings while stopped, for the highest level within the theft window: each reading is lower than the one
/// before it (a higher one makes the lower ones irrelevant), so the first is the window's maximum.
/// </summary>
/// <param name="AlertedFor">The reading the last theft alert measured from; the same drop is not reported twice.</param>
public sealed record FuelWindow(ImmutableArray<FuelReading> Readings, DateTimeOffset? AlertedFor);

/// <summary>Where fuel use is measured from (see <c>FuelConsumption</c>).</summary>
/// <param name="LowestLevelPercent">The lowest fuel level since the last refuel: falls below it are fuel used.</param>
/// <param name="CounterLiters">The device's fuel counter at its last reading, for a device that has one.</param>
/// <param name="CountedWhileParkedPercent">Falls counted since the vehicle last stood still, taken back if they were a theft.</param>
public sealed record FuelUse(double? LowestLevelPercent, double? CounterLiters, double CountedWhileParkedPercent);

public sealed record IdleState(DateTimeOffset Since, bool Alerted);

/// <summary>
/// Everything the pipeline knows about one vehicle, as an immutable value. The store persists it whole and guards
/// writes with <see cref="Version"/>.
/// </summary>
public sealed record VehicleState
{
    public required string VehicleId { get; init; }

    public required string CompanyId { get; init; }

    /// <summary>Optimistic-concurrency token owned by the store; the pipeline never changes it.</summary>
    public long Version { get; init; }

    /// <summary>The newest live fix. Its time is the watermark: older fixes are late.</summary>
    public FixSnapshot? LastFix { get; init; }

    public double OdometerKm { get; init; }

    /// <summary>Where odometer distance is measured from; it stays put while a parked vehicle's fixes jitter.</summary>
    public GeoPoint? DistanceAnchor { get; init; }

    /// <summary>
    /// The last fix left the anchor without the device saying it moves: a second fix away from the anchor confirms the
    /// move; a fix back near it shows the first was a spike.
    /// </summary>
    public bool MoveUnconfirmed { get; init; }

    /// <summary>Distance the newest fix added, taken back if that fix turns out to be the outlier.</summary>
    public double LastSegmentKm { get; init; }

    /// <summary>A fix rejected as a jump; if the next fix agrees with it, the previous fix was the outlier.</summary>
    public FixSnapshot? JumpCandidate { get; init; }

    public MotionState Motion { get; init; } = MotionState.Unknown;

    public LiveMotion LiveMotion { get; init; }

    public ImmutableArray<GeofenceMembership> Geofences { get; init; } = [];

    // Rule sub-states are null while nothing is going on, which is most of the time, so copying a state stays cheap.
    public SpeedingState? Speeding { get; init; }

    public HarshState? Harsh { get; init; }

    public FuelWindow? Fuel { get; init; }

    /// <summary>Null until the vehicle reports a fuel level or counter: then the API says it reports no fuel.</summary>
    public FuelUse? FuelUse { get; init; }

    public IdleState? Idle { get; init; }

    /// <summary>When the broker last received an event from the vehicle (drives the offline sweep).</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>How often the vehicle reports, once two live fixes have shown it.</summary>
    public ReportCadence? Cadence { get; init; }

    public VehicleStatus Status { get; init; } = VehicleStatus.Offline;

    public StreamWatermarks Streams { get; init; } = new(null, []);

    /// <summary>
    /// Nothing heard for longer than the vehicle's reporting allows (<see cref="VehicleRuleSettings.NoRecentDataAfter"/>):
    /// what it last said (moving at 35 km/h) is no longer known to hold, well before the offline sweep calls it offline.
    /// Measured as offline is, from when the broker last received an event; a vehicle never heard from has no data to age.
    /// </summary>
    public bool HasNoRecentData(VehicleRuleSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return LastSeen is { } lastSeen && now - lastSeen > settings.NoRecentDataAfter(Cadence);
    }

    public static VehicleState Initial(VehicleProfile vehicle)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        return new VehicleState { VehicleId = vehicle.VehicleId, CompanyId = vehicle.CompanyId, OdometerKm = vehicle.InitialOdometerKm };
    }
}
