using System.Security.Cryptography;
using System.Text;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Api;

/// <param name="TrackingUrl">The page that shows the job; the secret rides in the fragment, which browsers never send.</param>
public sealed record JobShare(string JobId, string Token, string TrackingUrl);

/// <summary>What a tracking link shows: the job's status, and its vehicle only while the job is under way.</summary>
/// <param name="TimeZone">The company's IANA time zone, which the page tells times in (an arrival is local to the stops, not to the reader).</param>
public sealed record TrackingView(
    string JobId, string Kind, string Status, bool Ended, JobStopView Pickup, JobStopView Dropoff, TrackedVehiclePayload? Vehicle, string TimeZone);

public sealed record TrackingValidation(FleetCaller? Caller, string? Failure);

/// <summary>
/// Tracking links (DESIGN 5a): a customer or rider follows one job's vehicle, its status and ETA, and nothing else. A
/// link is a random secret whose hash is stored; it is good while its job is not over and for
/// <see cref="GraceAfterEnd"/> after, when it only says the job has ended.
/// </summary>
public sealed class TrackingHandler(
    IJobGrantStore grants, IJobStore jobs, IVehicleStateStore vehicleStates, ICompanyDirectory companies, TimeProvider timeProvider)
{
    /// <summary>Tokens start with it, so a host tells a link from a user token before validating anything.</summary>
    public const string TokenPrefix = "jt_";

    public static readonly TimeSpan GraceAfterEnd = TimeSpan.FromMinutes(10);

    public static bool IsTrackingToken(string? token) => token?.StartsWith(TokenPrefix, StringComparison.Ordinal) == true;

    /// <param name="trackingPage">The tracking page's absolute URL (the dashboard's <c>/track/</c>).</param>
    public async Task<ApiResult<JobShare>> ShareAsync(FleetCaller caller, string jobId, Uri trackingPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(trackingPage);
        if (!caller.SeesWholeCompany || caller.Tracking is not null)
        {
            return ApiProblem.Forbidden("Only the company's dispatchers and admins share jobs.");
        }

        var job = await jobs.GetAsync(caller.CompanyId, jobId, cancellationToken);
        if (job is null)
        {
            return ApiProblem.NotFound($"No job '{jobId}'.");
        }

        if (job.IsOver)
        {
            return ApiProblem.Conflict($"Job '{jobId}' is {job.Status.ToCode()}: there is nothing left to follow.");
        }

        if (await grants.CountOfJobAsync(caller.CompanyId, job.JobId, cancellationToken) >= StoredLimits.MaxTrackingLinksPerJob)
        {
            return ApiProblem.Conflict($"Job '{jobId}' has been shared {StoredLimits.MaxTrackingLinksPerJob} times, the most one job may; send a link made before.");
        }

        var token = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await grants.CreateAsync(new JobGrant(HashOf(token), caller.CompanyId, job.JobId, caller.UserId, timeProvider.GetUtcNow()), cancellationToken);
        return ApiResult<JobShare>.Created(new JobShare(job.JobId, token, new Uri(trackingPage, "#grant=" + token).ToString()));
    }

    /// <summary>The caller a link stands for: a viewer of no vehicle, scoped to one job.</summary>
    public async Task<TrackingValidation> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var grant = await grants.FindAsync(HashOf(token), cancellationToken);
        var job = grant is null ? null : await jobs.GetAsync(grant.CompanyId, grant.JobId, cancellationToken);
        if (grant is null || job is null)
        {
            return new TrackingValidation(null, "This tracking link is not valid.");
        }

        if (job.IsOver && timeProvider.GetUtcNow() > job.History[^1].At + GraceAfterEnd)
        {
            return new TrackingValidation(null, "This tracking link has expired: the job has ended.");
        }

        var caller = new FleetCaller(
            "tracking:" + grant.TokenHash[..16], grant.CompanyId, FleetRole.Viewer, new HashSet<string>(StringComparer.Ordinal), new TrackedJob(job.JobId, job.IsOver));
        return new TrackingValidation(caller, null);
    }

    public async Task<ApiResult<TrackingView>> TrackAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Tracking is not { } tracking)
        {
            return ApiProblem.Forbidden("This view is for tracking links.");
        }

        var job = await jobs.GetAsync(caller.CompanyId, tracking.JobId, cancellationToken);
        if (job is null)
        {
            return ApiProblem.NotFound("The job is gone.");
        }

        TrackedVehiclePayload? vehicle = null;
        if (JobLifecycle.IsActive(job.Status) && job.VehicleId is { } vehicleId)
        {
            // The one vehicle, not the company's fleet: a customer's page asks this on every reconnect.
            var states = await vehicleStates.LoadAsync([vehicleId], cancellationToken);
            if (states.TryGetValue(vehicleId, out var state) && state.CompanyId == job.CompanyId && state.LastFix is { } last)
            {
                vehicle = TrackedVehiclePayload.From(new PositionRecord(last.Fix, vehicleId, job.CompanyId, last.OdometerKm, IsLate: false), state.Status);
            }
        }

        var view = JobView.From(job);
        var company = (await companies.GetAsync([job.CompanyId], cancellationToken)).GetValueOrDefault(job.CompanyId);
        var timeZone = (company?.TimeZone ?? TimeZoneInfo.Utc).Id;
        return ApiResult<TrackingView>.Ok(new TrackingView(job.JobId, view.Kind, view.Status, job.IsOver, view.Pickup, view.Dropoff, vehicle, timeZone));
    }

    private static string HashOf(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
