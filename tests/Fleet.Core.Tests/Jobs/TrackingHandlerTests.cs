using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Jobs;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Jobs;

/// <summary>Tracking links: who may make one, what one stands for, and when it stops working.</summary>
public sealed class TrackingHandlerTests
{
    private static readonly Uri Page = new("https://dashboard.example/track/");
    private static readonly FleetCaller Dispatcher = new("u-dispatch", "c-1", FleetRole.Dispatcher, new HashSet<string>());
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly InMemoryJobStore _jobs = new();
    private readonly InMemoryFleetDirectory _companies = new();
    private readonly FrozenClock _clock = new(FixStream.Start);
    private readonly TrackingHandler _tracking;

    public TrackingHandlerTests() => _tracking = new TrackingHandler(new InMemoryJobGrantStore(), _jobs, new InMemoryTelemetryStore(), _companies, _clock);

    [Fact]
    public async Task A_link_stands_for_a_viewer_of_no_vehicle_scoped_to_its_job_and_is_stored_only_as_a_hash()
    {
        var job = await JobAsync(JobStatus.EnRoute);
        var grants = new InMemoryJobGrantStore();
        var tracking = new TrackingHandler(grants, _jobs, new InMemoryTelemetryStore(), _companies, _clock);

        var share = (await tracking.ShareAsync(Dispatcher, job.JobId, Page, None)).Value!;
        var caller = (await tracking.ValidateAsync(share.Token, None)).Caller!;

        Assert.Equal($"https://dashboard.example/track/#grant={share.Token}", share.TrackingUrl);
        Assert.Equal((FleetRole.Viewer, "c-1", new TrackedJob(job.JobId, false)), (caller.Role, caller.CompanyId, caller.Tracking));
        Assert.Empty(caller.VehicleIds);
        Assert.False(caller.SeesWholeCompany);
        Assert.Null(await grants.FindAsync(share.Token, None));
    }

    [Fact]
    public async Task After_the_job_ends_a_link_says_so_for_the_grace_period_and_then_stops_working()
    {
        var job = await JobAsync(JobStatus.InProgress);
        var token = (await _tracking.ShareAsync(Dispatcher, job.JobId, Page, None)).Value!.Token;
        await _jobs.UpdateAsync(job.With(new JobStatusChange(JobStatus.Completed, _clock.GetUtcNow(), "u-driver", null)), job.Version, None);

        _clock.Advance(TrackingHandler.GraceAfterEnd);
        var ended = (await _tracking.ValidateAsync(token, None)).Caller!;
        var view = (await _tracking.TrackAsync(ended, None)).Value!;
        Assert.Equal((true, true, "completed"), (ended.Tracking!.Over, view.Ended, view.Status));
        Assert.Null(view.Vehicle);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await _tracking.ValidateAsync(token, None);
        Assert.Null(expired.Caller);
        Assert.Equal("This tracking link has expired: the job has ended.", expired.Failure);
    }

    [Fact]
    public async Task Only_dispatchers_share_and_only_jobs_that_are_not_over()
    {
        var open = await JobAsync(JobStatus.Assigned);
        var over = await JobAsync(JobStatus.Cancelled, "job-2");
        var driver = Dispatcher with { Role = FleetRole.Driver };
        var link = (await _tracking.ValidateAsync((await _tracking.ShareAsync(Dispatcher, open.JobId, Page, None)).Value!.Token, None)).Caller!;

        Assert.Equal(403, (await _tracking.ShareAsync(driver, open.JobId, Page, None)).Status);
        Assert.Equal(403, (await _tracking.ShareAsync(link, open.JobId, Page, None)).Status);
        Assert.Equal(409, (await _tracking.ShareAsync(Dispatcher, over.JobId, Page, None)).Status);
        Assert.Equal(404, (await _tracking.ShareAsync(Dispatcher with { CompanyId = "c-2" }, open.JobId, Page, None)).Status);
        Assert.Equal(403, (await _tracking.TrackAsync(Dispatcher, None)).Status);
        Assert.Equal("This tracking link is not valid.", (await _tracking.ValidateAsync(TrackingHandler.TokenPrefix + "forged", None)).Failure);
    }

    [Fact]
    public async Task A_link_tells_its_page_the_company_time_zone_to_show_times_in()
    {
        _companies.AddCompany("c-1", "Formosa Freight", timeZone: TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei"));
        var job = await JobAsync(JobStatus.EnRoute);
        var link = (await _tracking.ValidateAsync((await _tracking.ShareAsync(Dispatcher, job.JobId, Page, None)).Value!.Token, None)).Caller!;

        Assert.Equal("Asia/Taipei", (await _tracking.TrackAsync(link, None)).Value!.TimeZone);
    }

    private async Task<Job> JobAsync(JobStatus status, string jobId = "job-1")
    {
        var job = new Job(
            jobId, "c-1", JobKind.Ride, new JobStop(25.03, 121.56, null), new JobStop(25.05, 121.52, null), null, null, "v-1", "d-1", status,
            FixStream.Start, 1, [new JobStatusChange(status, FixStream.Start, "u-dispatch", null)]);
        await _jobs.CreateAsync(job, None);
        return job;
    }
}
