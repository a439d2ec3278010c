using Fleet.Core.Api;

namespace Fleet.Core.Jobs;

/// <summary>What a job is for (DESIGN 5a): the source systems' gas deliveries, rides and shipments are one concept.</summary>
public enum JobKind
{
    Delivery,
    Ride,
    Shipment,
}

/// <summary>
/// Where a job is: <c>created -> assigned -> en_route -> arrived -> in_progress -> completed | cancelled</c>.
/// <c>en_route</c> heads for the pickup, <c>arrived</c> is there, <c>in_progress</c> carries the load or rider to the
/// drop-off, and <c>completed</c> is done there.
/// </summary>
public enum JobStatus
{
    Created,
    Assigned,
    EnRoute,
    Arrived,
    InProgress,
    Completed,
    Cancelled,
}

public sealed record JobStop(double Latitude, double Longitude, string? Address);

/// <param name="ByUserId">Who made the change: a user id from a validated token, or <see cref="Job.System"/>.</param>
public sealed record JobStatusChange(JobStatus Status, DateTimeOffset At, string ByUserId, string? Note);

/// <param name="Version">Counts changes, so two dispatchers changing one job at once cannot both win.</param>
/// <param name="History">Every status the job has had, oldest first; the last one is <paramref name="Status"/>.</param>
public sealed record Job(
    string JobId,
    string CompanyId,
    JobKind Kind,
    JobStop Pickup,
    JobStop Dropoff,
    string? CustomerReference,
    DateTimeOffset? ScheduledFor,
    string? VehicleId,
    string? DriverId,
    JobStatus Status,
    DateTimeOffset CreatedAt,
    int Version,
    IReadOnlyList<JobStatusChange> History)
{
    /// <summary>The author of changes nobody made by hand (an arrival detected from telemetry).</summary>
    public const string System = "system";

    public bool IsOver => JobLifecycle.IsOver(Status);

    /// <summary>The job after a change of status, one version on.</summary>
    public Job With(JobStatusChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return this with { Status = change.Status, Version = Version + 1, History = [.. History, change] };
    }
}

/// <summary>Which status may follow which; anything else is refused with the reason.</summary>
public static class JobLifecycle
{
    private static readonly Dictionary<JobStatus, JobStatus[]> Next = new()
    {
        [JobStatus.Created] = [JobStatus.Assigned, JobStatus.Cancelled],
        [JobStatus.Assigned] = [JobStatus.EnRoute, JobStatus.Cancelled],
        [JobStatus.EnRoute] = [JobStatus.Arrived, JobStatus.Cancelled],
        [JobStatus.Arrived] = [JobStatus.InProgress, JobStatus.Cancelled],
        [JobStatus.InProgress] = [JobStatus.Completed, JobStatus.Cancelled],
        [JobStatus.Completed] = [],
        [JobStatus.Cancelled] = [],
    };

    private static readonly Dictionary<string, JobStatus> ByCode = Enum.GetValues<JobStatus>().ToDictionary(ToCode, status => status, StringComparer.Ordinal);

    private static readonly Dictionary<string, JobKind> KindByCode = Enum.GetValues<JobKind>().ToDictionary(ToCode, kind => kind, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Codes => ByCode.Keys;

    public static bool IsOver(JobStatus status) => status is JobStatus.Completed or JobStatus.Cancelled;

    /// <summary>Under way with its vehicle: heading for a stop, at one, or carrying the load.</summary>
    public static bool IsActive(JobStatus status) => status is JobStatus.EnRoute or JobStatus.Arrived or JobStatus.InProgress;

    public static bool CanMove(JobStatus from, JobStatus to) => Next[from].Contains(to);

    /// <summary>What may follow <paramref name="from"/>, for a refusal that says what would have been allowed.</summary>
    public static IReadOnlyList<JobStatus> NextOf(JobStatus from) => Next[from];

    /// <summary>The API's text of a status (<c>en_route</c>), as for every enum the API shows.</summary>
    public static string ToCode(this JobStatus status) => ApiText.Of(status);

    public static bool TryParse(string? code, out JobStatus status) => ByCode.TryGetValue(code ?? "", out status);

    public static string ToCode(this JobKind kind) => ApiText.Of(kind);

    public static IReadOnlyCollection<string> KindCodes => KindByCode.Keys;

    public static bool TryParseKind(string? code, out JobKind kind) => KindByCode.TryGetValue(code ?? "", out kind);
}
