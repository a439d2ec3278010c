using System.Collections.Immutable;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
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

/// <summary>What the pipeline remembers of an accepted fix. A class, so states share it instead of copying it.</summary>
public sealed record FixSnapshot(
    DateTimeOffset Time,
    GeoPoint Position,
    double SpeedKmh,
    double? ReportedSpeedKmh,
    double OdometerKm,
    double? DeviceOdometerKm,
    double? FuelLevelPercent,
    bool? Ignition,
    double? HeadingDegrees,
    string? DriverId,
    DeviceEvents Events);

/// <summary>The newest event processed from one partition: anything at or before it is a replay.</summary>
public readonly record struct StreamPosition(string PartitionId, long SequenceNumber, DateTimeOffset EnqueuedTime);

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
public sealed record MotionState(GeoPoint? ParkedAt, FixSnapshot? LastStationary, DateTimeOffset? MovingSince, OpenTrip? Trip)
{
    public static MotionState Unknown { get; } = new(null, null, null, null);
}

/// <summary>A fence the vehicle is inside, or whose boundary it crossed less than the dwell time ago.</summary>
public readonly record struct GeofenceMembership(string FenceId, bool Inside, DateTimeOffset? PendingSince);

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

/// <summary>The highest fuel reading while stopped within the theft window.</summary>
public sealed record FuelWindow(DateTimeOffset ReferenceTime, double ReferencePercent, bool Alerted);

public sealed record IdleState(DateTimeOffset Since, bool Alerted);

/// <summary>
/// Everything the pipeline knows about one vehicle, as an immutable value. The store persists it whole and guards
/// writes with <see cref="Version"/>.
/// </summary>
public sealed record VehicleState
{
    /// <summary>How many partitions' stream positions are kept; a vehicle normally reports through one.</summary>
    public const int MaxTrackedStreams = 4;

    public required string VehicleId { get; init; }

    public required string CompanyId { get; init; }

    /// <summary>Optimistic-concurrency token owned by the store; the pipeline never changes it.</summary>
    public long Version { get; init; }

    /// <summary>The newest live fix. Its time is the watermark: older fixes are late.</summary>
    public FixSnapshot? LastFix { get; init; }

    public double OdometerKm { get; init; }

    /// <summary>Where odometer distance is measured from; it stays put while a parked vehicle's fixes jitter.</summary>
    public GeoPoint? DistanceAnchor { get; init; }

    /// <summary>Distance the newest fix added, taken back if that fix turns out to be the outlier.</summary>
    public double LastSegmentKm { get; init; }

    /// <summary>A fix rejected as a jump; if the next fix agrees with it, the previous fix was the outlier.</summary>
    public FixSnapshot? JumpCandidate { get; init; }

    public MotionState Motion { get; init; } = MotionState.Unknown;

    public ImmutableArray<GeofenceMembership> Geofences { get; init; } = [];

    // Rule sub-states are null while nothing is going on, which is most of the time, so copying a state stays cheap.
    public SpeedingState? Speeding { get; init; }

    public HarshState? Harsh { get; init; }

    public FuelWindow? Fuel { get; init; }

    public IdleState? Idle { get; init; }

    /// <summary>When the broker last received an event from the vehicle (drives the offline sweep).</summary>
    public DateTimeOffset? LastSeen { get; init; }

    public VehicleStatus Status { get; init; } = VehicleStatus.Offline;

    public ImmutableArray<StreamPosition> Streams { get; init; } = [];

    public DateTimeOffset? Watermark => LastFix?.Time;

    public static VehicleState Initial(VehicleProfile vehicle)
    {
        ArgumentNullException.ThrowIfNull(vehicle);
        return new VehicleState { VehicleId = vehicle.VehicleId, CompanyId = vehicle.CompanyId, OdometerKm = vehicle.InitialOdometerKm };
    }

    /// <summary>
    /// A replay is an event at or before the newest one already processed from its partition. Both sequence number and
    /// enqueued time must be old: a recreated event hub restarts sequence numbers but not the clock. Ask the state as
    /// it was before a batch: events of one batch are processed in fix-time order, not stream order.
    /// </summary>
    public bool IsReplay(EventMetadata source)
    {
        foreach (var stream in Streams)
        {
            if (string.Equals(stream.PartitionId, source.PartitionId, StringComparison.Ordinal))
            {
                return source.SequenceNumber <= stream.SequenceNumber && source.EnqueuedTime <= stream.EnqueuedTime;
            }
        }

        return false;
    }

    /// <summary>The <see cref="LastSeen"/> and <see cref="Streams"/> to record once another event is processed.</summary>
    public static (DateTimeOffset LastSeen, ImmutableArray<StreamPosition> Streams) AfterDelivery(
        DateTimeOffset? lastSeen, ImmutableArray<StreamPosition> streams, EventMetadata source)
    {
        var seen = lastSeen is { } previous && previous >= source.EnqueuedTime ? previous : source.EnqueuedTime;
        var index = -1;
        for (var i = 0; i < streams.Length; i++)
        {
            if (string.Equals(streams[i].PartitionId, source.PartitionId, StringComparison.Ordinal))
            {
                index = i;
                break;
            }
        }

        if (index >= 0)
        {
            var current = streams[index];
            streams = streams.SetItem(index, new StreamPosition(
                source.PartitionId,
                Math.Max(current.SequenceNumber, source.SequenceNumber),
                current.EnqueuedTime > source.EnqueuedTime ? current.EnqueuedTime : source.EnqueuedTime));
        }
        else
        {
            streams = streams.Add(new StreamPosition(source.PartitionId, source.SequenceNumber, source.EnqueuedTime));
            if (streams.Length > MaxTrackedStreams)
            {
                // The stream heard from longest ago is the one a rebalance left behind.
                var oldest = 0;
                for (var i = 1; i < streams.Length; i++)
                {
                    if (streams[i].EnqueuedTime < streams[oldest].EnqueuedTime)
                    {
                        oldest = i;
                    }
                }

                streams = streams.RemoveAt(oldest);
            }
        }

        return (seen, streams);
    }
}
