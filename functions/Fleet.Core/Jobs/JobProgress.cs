using Fleet.Core.Geo;

namespace Fleet.Core.Jobs;

/// <summary>
/// When a vehicle counts as arrived at a stop and how long it will take to get there (DESIGN 5a). Units are in the
/// names; the defaults suit urban deliveries.
/// </summary>
/// <param name="ArrivalRadiusMeters">How close to the stop counts as there: GPS error plus a parking space.</param>
/// <param name="ArrivalDwellSeconds">How long it must stay that close, so a drive-by is not an arrival.</param>
/// <param name="MinEtaSpeedKmh">The slowest speed an ETA assumes: a stopped vehicle still gets a finite ETA.</param>
/// <param name="SpeedSmoothing">Weight of the newest fix in the running average speed (0..1).</param>
/// <param name="EtaPushIntervalSeconds">How often an ETA is pushed at most; status changes push at once.</param>
public sealed record JobProgressSettings(
    double ArrivalRadiusMeters = 75,
    double ArrivalDwellSeconds = 30,
    double MinEtaSpeedKmh = 10,
    double SpeedSmoothing = 0.2,
    double EtaPushIntervalSeconds = 15)
{
    public static JobProgressSettings Default { get; } = new();
}

/// <summary>What a job's vehicle has done towards its next stop, carried from fix to fix.</summary>
/// <param name="InsideStopSince">When the vehicle came within the arrival radius and has stayed since; null outside.</param>
/// <param name="AverageSpeedKmh">A running average of the vehicle's recent speed; null before the first fix.</param>
/// <param name="EtaPushedAt">When the last ETA was pushed, for the throttle.</param>
public sealed record JobProgressState(DateTimeOffset? InsideStopSince, double? AverageSpeedKmh, DateTimeOffset? EtaPushedAt)
{
    public static JobProgressState Start { get; } = new(null, null, null);
}

/// <param name="Arrived">The vehicle has dwelt at the stop long enough: apply <c>arrived</c>.</param>
/// <param name="EtaSeconds">Time to the stop at the recent average speed; 0 once inside the arrival radius.</param>
/// <param name="PushEta">The throttle allows pushing this ETA now.</param>
public sealed record JobProgressStep(JobProgressState State, double RemainingMeters, double EtaSeconds, bool Arrived, bool PushEta);

public static class JobProgress
{
    /// <summary>
    /// The stop a vehicle is heading for, none before it sets off or after the job is over. A delivery or shipment
    /// leaves loaded, so <c>en_route</c> heads for the customer at the drop-off and <c>arrived</c> is there. A ride
    /// first goes to the rider: <c>en_route</c> heads for the pickup, and <c>in_progress</c> carries them to the drop-off.
    /// </summary>
    public static JobStop? NextStop(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (job.Kind, job.Status) switch
        {
            (JobKind.Ride, JobStatus.EnRoute or JobStatus.Arrived) => job.Pickup,
            (_, JobStatus.EnRoute or JobStatus.Arrived or JobStatus.InProgress) => job.Dropoff,
            _ => null,
        };
    }

    /// <summary><c>pickup</c> or <c>dropoff</c>: which of the job's stops <paramref name="stop"/> is.</summary>
    public static string StopName(Job job, JobStop stop)
    {
        ArgumentNullException.ThrowIfNull(job);
        return ReferenceEquals(stop, job.Pickup) ? "pickup" : "dropoff";
    }

    /// <summary>One fix of the job's vehicle: dwell at the stop, the running speed and the ETA it gives.</summary>
    /// <param name="speedKmh">The device's speed, or null when it reports none (the average then holds).</param>
    public static JobProgressStep Advance(
        JobProgressState state, JobStop stop, GeoPoint position, DateTimeOffset fixTime, double? speedKmh, JobProgressSettings settings)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(stop);
        ArgumentNullException.ThrowIfNull(settings);
        var remainingMeters = GeoMath.DistanceMeters(position, new GeoPoint(stop.Latitude, stop.Longitude));
        var inside = remainingMeters <= settings.ArrivalRadiusMeters;
        var insideSince = inside ? state.InsideStopSince ?? fixTime : (DateTimeOffset?)null;
        var arrived = insideSince is { } since && (fixTime - since).TotalSeconds >= settings.ArrivalDwellSeconds;

        var average = speedKmh is { } speed && speed >= 0
            ? state.AverageSpeedKmh is { } previous ? previous + (settings.SpeedSmoothing * (speed - previous)) : speed
            : state.AverageSpeedKmh;
        var etaSpeedKmh = Math.Max(average ?? 0, settings.MinEtaSpeedKmh);
        var etaSeconds = inside ? 0 : remainingMeters / (etaSpeedKmh / 3.6);

        var pushEta = state.EtaPushedAt is not { } pushedAt || (fixTime - pushedAt).TotalSeconds >= settings.EtaPushIntervalSeconds;
        var next = new JobProgressState(insideSince, average, pushEta ? fixTime : state.EtaPushedAt);
        return new JobProgressStep(next, remainingMeters, etaSeconds, arrived, pushEta);
    }
}
