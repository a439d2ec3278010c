using Fleet.Core.Geo;

namespace Fleet.Core.Jobs;

/// <summary>
/// When a vehicle counts as arrived at a stop and how long it will take to get there (DESIGN 5a). Units are in the
/// names; the defaults suit urban deliveries.
/// </summary>
/// <param name="ArrivalRadiusMeters">How close to the stop counts as there: GPS error plus a parking space.</param>
/// <param name="ArrivalDwellSeconds">How long it must stay that close, so a drive-by is not an arrival.</param>
/// <param name="MinEtaSpeedKmh">The slowest speed an ETA assumes: a stopped vehicle still gets a finite ETA.</param>
/// <param name="RecentSpeedSeconds">
/// How far back the recent speed looks (the time constant of its exponential average): long enough to take in red
/// lights and turns, short enough to follow the vehicle from side streets onto a main road.
/// </param>
/// <param name="EtaPushIntervalSeconds">How often an ETA is pushed at most; status changes push at once.</param>
public sealed record JobProgressSettings(
    double ArrivalRadiusMeters = 75,
    double ArrivalDwellSeconds = 30,
    double MinEtaSpeedKmh = 10,
    double RecentSpeedSeconds = 300,
    double EtaPushIntervalSeconds = 15)
{
    public const string Section = "Fleet:Jobs";

    public static JobProgressSettings Default { get; } = new();

    /// <summary>The first setting that cannot work, naming its configuration key; null when all can.</summary>
    public string? FindProblem() =>
        !(ArrivalRadiusMeters > 0) ? $"{Section}:ArrivalRadiusMeters must be above 0"
        : !(ArrivalDwellSeconds >= 0) ? $"{Section}:ArrivalDwellSeconds must not be negative"
        : !(MinEtaSpeedKmh > 0) ? $"{Section}:MinEtaSpeedKmh must be above 0"
        : !(RecentSpeedSeconds > 0) ? $"{Section}:RecentSpeedSeconds must be above 0"
        : !(EtaPushIntervalSeconds >= 0) ? $"{Section}:EtaPushIntervalSeconds must not be negative"
        : null;
}

/// <summary>What a job's vehicle has done towards its next stop, carried from fix to fix.</summary>
/// <param name="InsideStopSince">When the vehicle came within the arrival radius and has stayed since; null outside.</param>
/// <param name="Last">The previous fix's time and distance to the stop; null before the first fix.</param>
/// <param name="ApproachSpeedMetersPerSecond">
/// The recent speed at which the distance to the stop has been shrinking. Measured towards the stop rather than read
/// off the speedometer, it already counts the red lights and the streets that do not lead straight there.
/// </param>
/// <param name="ApproachWeight">How much history the average holds (0..1); a fresh one leans on its first reading.</param>
/// <param name="EtaPushedAt">When the last ETA was pushed, for the throttle.</param>
public sealed record JobProgressState(
    DateTimeOffset? InsideStopSince,
    (DateTimeOffset FixTime, double RemainingMeters)? Last,
    double? ApproachSpeedMetersPerSecond,
    double ApproachWeight,
    DateTimeOffset? EtaPushedAt)
{
    public static JobProgressState Start { get; } = new(null, null, null, 0, null);
}

/// <param name="Arrived">The vehicle has dwelt at the stop long enough: apply <c>arrived</c>.</param>
/// <param name="EtaSeconds">Time to the stop at the recent average speed; 0 once inside the arrival radius.</param>
/// <param name="PushEta">The throttle allows pushing this ETA now.</param>
public sealed record JobProgressStep(JobProgressState State, double RemainingMeters, double EtaSeconds, bool Arrived, bool PushEta);

public static class JobProgress
{
    // The device's own speed at the first fix counts as this much driving: it steers the first ETAs, not later ones.
    private const double FirstReadingSeconds = 30;

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

    /// <summary>One fix of the job's vehicle: dwell at the stop, the recent approach speed and the ETA it gives.</summary>
    /// <param name="speedKmh">The device's speed, or null when it reports none; only the first fix uses it.</param>
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

        var (approach, weight) = Approach(state, remainingMeters, fixTime, speedKmh, settings);
        var etaMetersPerSecond = Math.Max(approach ?? 0, settings.MinEtaSpeedKmh / GeoMath.KmhPerMeterPerSecond);
        var etaSeconds = inside ? 0 : remainingMeters / etaMetersPerSecond;

        var pushEta = state.EtaPushedAt is not { } pushedAt || (fixTime - pushedAt).TotalSeconds >= settings.EtaPushIntervalSeconds;
        // A fix no newer than the last (the batch handler drops late ones, so one stamped the same moment) says nothing
        // about the approach: the average and its reference stay.
        var last = state.Last is { } previous && previous.FixTime >= fixTime ? previous : (fixTime, remainingMeters);
        var next = new JobProgressState(insideSince, last, approach, weight, pushEta ? fixTime : state.EtaPushedAt);
        return new JobProgressStep(next, remainingMeters, etaSeconds, arrived, pushEta);
    }

    /// <summary>
    /// An exponential average over time, so a minute at a red light weighs as a minute whatever the report interval.
    /// Before there is a previous fix it starts from the device's speed, weighted as <see cref="FirstReadingSeconds"/>
    /// of driving.
    /// </summary>
    private static (double? MetersPerSecond, double Weight) Approach(
        JobProgressState state, double remainingMeters, DateTimeOffset fixTime, double? speedKmh, JobProgressSettings settings)
    {
        if (state.Last is not { } last)
        {
            return speedKmh is { } speed && speed >= 0
                ? (speed / GeoMath.KmhPerMeterPerSecond, 1 - Math.Exp(-FirstReadingSeconds / settings.RecentSpeedSeconds))
                : (null, 0);
        }

        var seconds = (fixTime - last.FixTime).TotalSeconds;
        if (seconds <= 0)
        {
            return (state.ApproachSpeedMetersPerSecond, state.ApproachWeight);
        }

        var metersPerSecond = (last.RemainingMeters - remainingMeters) / seconds;
        var kept = Math.Exp(-seconds / settings.RecentSpeedSeconds);
        var weight = (state.ApproachWeight * kept) + (1 - kept);
        var average = state.ApproachSpeedMetersPerSecond is { } previous
            ? ((previous * state.ApproachWeight * kept) + (metersPerSecond * (1 - kept))) / weight
            : metersPerSecond;
        return (average, weight);
    }
}
