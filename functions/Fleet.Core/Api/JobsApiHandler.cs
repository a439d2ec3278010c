using System.Globalization;
using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Api;

public sealed record JobStopRequest(double? Latitude, double? Longitude, string? Address);

/// <param name="JobId">Assigned by the server when left out; a given one is kept (unique within the company).</param>
public sealed record JobRequest(
    string? Kind, JobStopRequest? Pickup, JobStopRequest? Dropoff, string? CustomerReference, DateTimeOffset? ScheduledFor, string? VehicleId, string? DriverId,
    string? JobId = null);

public sealed record JobAssignmentRequest(string? VehicleId, string? DriverId);

public sealed record JobStatusRequest(string? Status, string? Note);

public sealed record JobStopView(double Latitude, double Longitude, string? Address);

public sealed record JobStatusChangeView(string Status, DateTimeOffset At, string By, string? Note);

public sealed record JobView(
    string JobId,
    string Kind,
    JobStopView Pickup,
    JobStopView Dropoff,
    string? CustomerReference,
    DateTimeOffset? ScheduledFor,
    string? VehicleId,
    string? DriverId,
    string Status,
    DateTimeOffset CreatedAt,
    IReadOnlyList<JobStatusChangeView> History)
{
    public static JobView From(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobView(
            job.JobId,
            job.Kind.ToCode(),
            new JobStopView(job.Pickup.Latitude, job.Pickup.Longitude, job.Pickup.Address),
            new JobStopView(job.Dropoff.Latitude, job.Dropoff.Longitude, job.Dropoff.Address),
            job.CustomerReference,
            job.ScheduledFor,
            job.VehicleId,
            job.DriverId,
            job.Status.ToCode(),
            job.CreatedAt,
            [.. job.History.Select(change => new JobStatusChangeView(change.Status.ToCode(), change.At, change.ByUserId, change.Note))]);
    }
}

/// <summary>
/// Jobs (DESIGN 5a): dispatchers and admins create, assign and move any job of their company; a driver sees and moves
/// only the jobs assigned to them. Every change is stored with who made it and when, then announced.
/// </summary>
/// <param name="progress">How jobs are followed: stops closer together than its arrival radius would both be reached at once.</param>
public sealed class JobsApiHandler(
    IJobStore jobs, IFleetConfiguration configuration, IRealtimePublisher publisher, TimeProvider timeProvider, Jobs.JobProgressSettings progress)
{
    public static readonly PageSize ListPageSize = new(Default: 100, Max: JobQuery.MaxLimit);
    public const int MaxNoteLength = 500;

    /// <summary>Addresses and customer references are shown in lists and on customers' pages: bounded like every stored text.</summary>
    public const int MaxTextLength = 500;

    // A change races another only when two people move one job in the same instant; a few rounds settle it.
    private const int MaxUpdateAttempts = 3;

    public async Task<ApiResult<JobView>> CreateAsync(FleetCaller caller, JobRequest? request, CancellationToken cancellationToken)
    {
        if (DispatchersOnly(caller, "create jobs") is { } refusal)
        {
            return refusal;
        }

        if (request is null || !JobLifecycle.TryParseKind(request.Kind, out var kind))
        {
            return ApiProblem.BadRequest($"kind must be one of {string.Join(", ", JobLifecycle.KindCodes)}.");
        }

        if (StopOf(request.Pickup, "pickup", out var pickup) is { } badPickup)
        {
            return badPickup;
        }

        if (StopOf(request.Dropoff, "dropoff", out var dropoff) is { } badDropoff)
        {
            return badDropoff;
        }

        // Within the arrival radius of each other, arriving at the pickup would be arriving at the drop-off too.
        if (GeoMath.DistanceMeters(new GeoPoint(pickup!.Latitude, pickup.Longitude), new GeoPoint(dropoff!.Latitude, dropoff.Longitude)) < progress.ArrivalRadiusMeters)
        {
            return ApiProblem.InvalidField(
                "dropoff", $"dropoff must be at least {progress.ArrivalRadiusMeters:0} m from pickup (the distance that counts as arrived); they are the same place.");
        }

        if (request.CustomerReference is { Length: > MaxTextLength })
        {
            return ApiProblem.InvalidField("customer_reference", $"customer_reference must be at most {MaxTextLength} characters.");
        }

        var (jobId, invalidId) = ResourceIds.GivenOrNew(request.JobId, "job_id", "job");
        if (invalidId is not null)
        {
            return invalidId;
        }

        if (await jobs.GetAsync(caller.CompanyId, jobId!, cancellationToken) is not null)
        {
            return ApiProblem.Conflict($"Job '{jobId}' exists.");
        }

        var now = timeProvider.GetUtcNow();
        var job = new Job(
            jobId!, caller.CompanyId, kind, pickup!, dropoff!, request.CustomerReference, request.ScheduledFor,
            VehicleId: null, DriverId: null, JobStatus.Created, now, Version: 1, [new JobStatusChange(JobStatus.Created, now, caller.UserId, null)]);
        Registry.DriverProfile? driver = null;
        if (request.VehicleId is not null || request.DriverId is not null)
        {
            var assignment = await AssignmentOfAsync(caller.CompanyId, request.VehicleId, request.DriverId, cancellationToken);
            if (assignment.Problem is { } badAssignment)
            {
                return badAssignment;
            }

            driver = assignment.Driver;
            job = Assigned(job, caller, assignment.VehicleId!, driver);
        }

        await jobs.CreateAsync(job, cancellationToken);
        await AnnounceAsync(job, driver?.UserId, cancellationToken);

        return ApiResult<JobView>.Created(JobView.From(job), "/api/jobs/" + job.JobId);
    }

    /// <summary>
    /// The jobs the caller may see, newest first, a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as
    /// <paramref name="after"/>. A job's creation time never changes, so pages neither skip nor repeat a job.
    /// </summary>
    public async Task<ApiResult<IReadOnlyList<JobView>>> ListAsync(
        FleetCaller caller, string? status, string? vehicleId, DateTimeOffset? from, DateTimeOffset? to, int? limit, string? after,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        JobStatus? statusFilter = null;
        if (status is not null)
        {
            if (!JobLifecycle.TryParse(status, out var parsed))
            {
                return ApiProblem.BadRequest($"status must be one of {string.Join(", ", JobLifecycle.Codes)}.");
            }

            statusFilter = parsed;
        }

        IReadOnlyCollection<string>? driverIds = null;
        if (!caller.SeesWholeCompany)
        {
            if (caller.Role != FleetRole.Driver)
            {
                return ApiProblem.Forbidden("Jobs are for the company's dispatchers, admins and drivers.");
            }

            driverIds = await DriverIdsOfAsync(caller, cancellationToken);
        }

        var (size, invalidLimit) = ListPageSize.Of(limit);
        var (cursor, invalidAfter) = PageCursors.ReadNewestFirst(after);
        if ((invalidLimit ?? invalidAfter) is { } invalid)
        {
            return invalid;
        }

        var page = await jobs.ListAsync(caller.CompanyId, new JobQuery(statusFilter, vehicleId, driverIds, from, to, size, cursor), cancellationToken);
        return ApiResult<IReadOnlyList<JobView>>.Ok(
            [.. page.Items.Select(JobView.From)],
            page.More ? PageCursors.Write(new NewestFirstCursor(page.Items[^1].CreatedAt, page.Items[^1].JobId)) : null);
    }

    public async Task<ApiResult<JobView>> GetAsync(FleetCaller caller, string jobId, CancellationToken cancellationToken)
    {
        var (job, problem) = await VisibleJobAsync(caller, jobId, cancellationToken);
        return problem ?? ApiResult<JobView>.Ok(JobView.From(job!));
    }

    public async Task<ApiResult<JobView>> AssignAsync(FleetCaller caller, string jobId, JobAssignmentRequest? request, CancellationToken cancellationToken)
    {
        if (DispatchersOnly(caller, "assign jobs") is { } refusal)
        {
            return refusal;
        }

        var assignment = await AssignmentOfAsync(caller.CompanyId, request?.VehicleId, request?.DriverId, cancellationToken);
        if (assignment.Problem is { } badAssignment)
        {
            return badAssignment;
        }

        return await ChangeAsync(
            caller,
            jobId,
            job => job.Status is not (JobStatus.Created or JobStatus.Assigned)
                ? (null, ApiProblem.Conflict($"A job that is {job.Status.ToCode()} cannot be assigned; only created and assigned jobs can."))
                : job.History.Count(change => change.Status == JobStatus.Assigned) >= StoredLimits.MaxAssignmentsPerJob
                ? (null, ApiProblem.Conflict($"Job '{jobId}' has been assigned {StoredLimits.MaxAssignmentsPerJob} times, the most one job may; cancel it and create a new one."))
                : (Assigned(job, caller, assignment.VehicleId!, assignment.Driver), null),
            assignment.Driver?.UserId,
            cancellationToken);
    }

    public async Task<ApiResult<JobView>> ChangeStatusAsync(FleetCaller caller, string jobId, JobStatusRequest? request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (request is null || !JobLifecycle.TryParse(request.Status, out var status))
        {
            return ApiProblem.BadRequest($"status must be one of {string.Join(", ", JobLifecycle.Codes)}.");
        }

        if (request.Note is { Length: > MaxNoteLength })
        {
            return ApiProblem.InvalidField("note", $"note must be at most {MaxNoteLength} characters.");
        }

        return await ChangeAsync(
            caller,
            jobId,
            job =>
            {
                if (status == JobStatus.Assigned)
                {
                    return (null, ApiProblem.Conflict("A job is assigned through POST /api/jobs/{id}/assign, which names its vehicle and driver."));
                }

                if (!JobLifecycle.CanMove(job.Status, status))
                {
                    var allowed = JobLifecycle.NextOf(job.Status);
                    var next = allowed.Count == 0 ? "nothing: it is over" : string.Join(" or ", allowed.Select(JobLifecycle.ToCode));
                    return (null, ApiProblem.Conflict($"A job that is {job.Status.ToCode()} can go to {next}, not {status.ToCode()}."));
                }

                return (job.With(new JobStatusChange(status, timeProvider.GetUtcNow(), caller.UserId, request.Note)), null);
            },
            notifyUserId: null,
            cancellationToken);
    }

    /// <summary>Reads the job, applies the change and stores it, again from a fresh read when someone changed it meanwhile.</summary>
    private async Task<ApiResult<JobView>> ChangeAsync(
        FleetCaller caller, string jobId, Func<Job, (Job? Changed, ApiProblem? Problem)> change, string? notifyUserId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (job, problem) = await VisibleJobAsync(caller, jobId, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            var (changed, refusal) = change(job!);
            if (refusal is not null)
            {
                return refusal;
            }

            if (await jobs.UpdateAsync(changed!, job!.Version, cancellationToken))
            {
                await AnnounceAsync(changed!, notifyUserId, cancellationToken);
                return ApiResult<JobView>.Ok(JobView.From(changed!));
            }

            if (attempt == MaxUpdateAttempts)
            {
                return ApiProblem.Conflict($"Job '{jobId}' kept changing while this change was being made; try again.");
            }
        }
    }

    /// <summary>A job of the caller's company; a driver only sees the jobs assigned to them.</summary>
    private async Task<(Job? Job, ApiProblem? Problem)> VisibleJobAsync(FleetCaller caller, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.SeesWholeCompany && caller.Role != FleetRole.Driver)
        {
            return (null, ApiProblem.Forbidden("Jobs are for the company's dispatchers, admins and drivers."));
        }

        var job = await jobs.GetAsync(caller.CompanyId, jobId, cancellationToken);
        if (job is null)
        {
            return (null, ApiProblem.NotFound($"No job '{jobId}'."));
        }

        if (!caller.SeesWholeCompany && (job.DriverId is null || !(await DriverIdsOfAsync(caller, cancellationToken)).Contains(job.DriverId)))
        {
            return (null, ApiProblem.Forbidden($"Job '{jobId}' is not assigned to you."));
        }

        return (job, null);
    }

    private Job Assigned(Job job, FleetCaller caller, string vehicleId, Registry.DriverProfile? driver)
    {
        var note = driver is null
            ? string.Create(CultureInfo.InvariantCulture, $"vehicle {vehicleId}")
            : string.Create(CultureInfo.InvariantCulture, $"vehicle {vehicleId}, driver {driver.DriverId}");
        return job.With(new JobStatusChange(JobStatus.Assigned, timeProvider.GetUtcNow(), caller.UserId, note)) with { VehicleId = vehicleId, DriverId = driver?.DriverId };
    }

    private async Task<(string? VehicleId, Registry.DriverProfile? Driver, ApiProblem? Problem)> AssignmentOfAsync(
        string companyId, string? vehicleId, string? driverId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(vehicleId))
        {
            return (null, null, ApiProblem.BadRequest("vehicle_id is required to assign a job."));
        }

        var vehicles = await configuration.VehiclesOfAsync(companyId, cancellationToken);
        if (!vehicles.Any(vehicle => vehicle.VehicleId == vehicleId))
        {
            return (null, null, ApiProblem.BadRequest($"No vehicle '{vehicleId}' in your company."));
        }

        if (driverId is null)
        {
            return (vehicleId, null, null);
        }

        var driver = (await configuration.DriversOfAsync(companyId, cancellationToken)).FirstOrDefault(candidate => candidate.DriverId == driverId);
        return driver is null ? (null, null, ApiProblem.BadRequest($"No driver '{driverId}' in your company.")) : (vehicleId, driver, null);
    }

    private async Task<HashSet<string>> DriverIdsOfAsync(FleetCaller caller, CancellationToken cancellationToken) =>
        (await configuration.DriversOfAsync(caller.CompanyId, cancellationToken))
            .Where(driver => driver.UserId == caller.UserId)
            .Select(driver => driver.DriverId)
            .ToHashSet(StringComparer.Ordinal);

    private Task AnnounceAsync(Job job, string? assignedUserId, CancellationToken cancellationToken) =>
        CommittedDelivery.PublishAsync(publisher, JobAnnouncements.Of(job, assignedUserId, timeProvider.GetUtcNow()), cancellationToken);

    private static ApiProblem? DispatchersOnly(FleetCaller caller, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.SeesWholeCompany ? null : ApiProblem.Forbidden($"Only the company's dispatchers and admins {what}.");
    }

    private static ApiProblem? StopOf(JobStopRequest? request, string name, out JobStop? stop)
    {
        stop = null;
        if (request?.Latitude is not { } latitude || request.Longitude is not { } longitude)
        {
            return ApiProblem.BadRequest($"{name} needs latitude and longitude.");
        }

        if (!new GeoPoint(latitude, longitude).IsValid)
        {
            return ApiProblem.BadRequest($"{name} latitude must be within -90..90 and longitude within -180..180.");
        }

        // 0,0 is in the Gulf of Guinea: what a form or a device sends when it has no position.
        if (latitude == 0 && longitude == 0)
        {
            return ApiProblem.InvalidField(name, $"{name} is at latitude 0, longitude 0, which is no place a job goes: give the stop's position.");
        }

        if (request.Address is { Length: > MaxTextLength })
        {
            return ApiProblem.InvalidField($"{name}.address", $"{name}.address must be at most {MaxTextLength} characters.");
        }

        stop = new JobStop(latitude, longitude, request.Address);
        return null;
    }
}
