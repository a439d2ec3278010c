using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Jobs;

/// <summary>The job lifecycle of DESIGN 5a as the API drives it: who may do what, which moves exist, what is told.</summary>
public sealed class JobsApiHandlerTests
{
    private static readonly FleetCaller Dispatcher = new("u-dispatch", "c-1", FleetRole.Dispatcher, new HashSet<string>());
    private static readonly FleetCaller DriverSam = new("u-sam", "c-1", FleetRole.Driver, new HashSet<string> { "v-1" });
    private static readonly FleetCaller DriverKim = new("u-kim", "c-1", FleetRole.Driver, new HashSet<string> { "v-2" });
    private static readonly FleetCaller OtherCompany = new("u-other", "c-2", FleetRole.Admin, new HashSet<string>());
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly InMemoryFleetDirectory _directory = new();
    private readonly InMemoryJobStore _store = new();
    private readonly RecordingPublisher _publisher = new();
    private readonly FrozenClock _clock = new(FixStream.Start);
    private readonly JobsApiHandler _jobs;

    public JobsApiHandlerTests()
    {
        _directory.AddCompany("c-1", "Acme");
        _directory.AddCompany("c-2", "Globex");
        _directory.AddVehicle(TestFleet.Vehicle("v-1"), "dev-1");
        _directory.AddVehicle(TestFleet.Vehicle("v-2"), "dev-2");
        _directory.SaveDriverAsync(new DriverProfile("d-sam", "c-1", "Sam", "u-sam"), None).GetAwaiter().GetResult();
        _directory.SaveDriverAsync(new DriverProfile("d-kim", "c-1", "Kim", "u-kim"), None).GetAwaiter().GetResult();
        _jobs = new JobsApiHandler(_store, _directory, _publisher, _clock, Fleet.Core.Jobs.JobProgressSettings.Default);
    }

    [Fact]
    public async Task A_delivery_goes_from_created_to_completed_with_every_change_stored_and_told()
    {
        var created = await CreateAsync();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var assigned = await _jobs.AssignAsync(Dispatcher, created.JobId, new JobAssignmentRequest("v-1", "d-sam"), None);
        Assert.Equal(200, assigned.Status);
        var assignment = Assert.Single(_publisher.Messages, message => message.Envelope.Type == RealtimeMessageTypes.AssignmentNew);
        Assert.Equal(new RealtimeTarget(RealtimeTargetKind.User, "c-1/u-sam"), assignment.Target);

        foreach (var (status, by) in new[] { ("en_route", DriverSam), ("arrived", DriverSam), ("in_progress", DriverSam), ("completed", Dispatcher) })
        {
            _clock.Advance(TimeSpan.FromMinutes(5));
            var moved = await _jobs.ChangeStatusAsync(by, created.JobId, new JobStatusRequest(status, $"now {status}"), None);
            Assert.Equal((200, status), (moved.Status, moved.Value?.Status));
        }

        var job = (await _jobs.GetAsync(Dispatcher, created.JobId, None)).Value!;
        Assert.Equal(["created", "assigned", "en_route", "arrived", "in_progress", "completed"], job.History.Select(change => change.Status));
        Assert.Equal(["u-dispatch", "u-dispatch", "u-sam", "u-sam", "u-sam", "u-dispatch"], job.History.Select(change => change.By));
        Assert.Equal(FixStream.Start.AddMinutes(21), job.History[^1].At);
        Assert.Equal(("v-1", "d-sam"), (job.VehicleId, job.DriverId));

        // The creation to the company, then each change once to the company and once to the job's followers.
        var updates = _publisher.Messages.Where(message => message.Envelope.Type == RealtimeMessageTypes.JobStatusUpdate).ToList();
        Assert.Equal(11, updates.Count);
        Assert.Equal(5, updates.Count(message => message.Target == RealtimeTarget.Group(RealtimeGroups.Job("c-1", created.JobId))));
        Assert.All(updates, message => Assert.Equal("c-1", message.Envelope.CompanyId));
        var toCompany = (JobStatusPayload)updates[^2].Envelope.Data;
        Assert.Equal(("completed", "in_progress", "u-dispatch", "now completed", "d-sam"), (toCompany.Status, toCompany.PreviousStatus, toCompany.By, toCompany.Note, toCompany.DriverId));

        // The job's followers are customers and riders: they learn the status, not who set it, their notes or the driver's id.
        var toFollowers = (JobStatusPayload)updates[^1].Envelope.Data;
        Assert.Equal(RealtimeTarget.Group(RealtimeGroups.Job("c-1", created.JobId)), updates[^1].Target);
        Assert.Equal(("completed", null, null, null), (toFollowers.Status, toFollowers.By, toFollowers.Note, toFollowers.DriverId));
    }

    public static TheoryData<JobStatus, JobStatus> IllegalMoves()
    {
        var moves = new TheoryData<JobStatus, JobStatus>();
        foreach (var from in Enum.GetValues<JobStatus>())
        {
            foreach (var to in Enum.GetValues<JobStatus>().Where(to => to != JobStatus.Assigned && !JobLifecycle.CanMove(from, to)))
            {
                moves.Add(from, to);
            }
        }

        return moves;
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public async Task Every_illegal_move_is_a_409_that_says_what_would_have_been_allowed_and_changes_nothing(JobStatus from, JobStatus to)
    {
        var job = await JobAtAsync(from);

        var refused = await _jobs.ChangeStatusAsync(Dispatcher, job.JobId, new JobStatusRequest(to.ToCode(), null), None);

        Assert.Equal(409, refused.Status);
        Assert.Contains($"A job that is {from.ToCode()} can go to ", refused.Problem!.Detail, StringComparison.Ordinal);
        Assert.EndsWith($"not {to.ToCode()}.", refused.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(job, await _store.GetAsync("c-1", job.JobId, None));
    }

    [Fact]
    public async Task Assigning_goes_through_assign_and_only_before_the_vehicle_sets_off()
    {
        var job = await JobAtAsync(JobStatus.Created);
        Assert.Equal(409, (await _jobs.ChangeStatusAsync(Dispatcher, job.JobId, new JobStatusRequest("assigned", null), None)).Status);

        Assert.Equal(200, (await _jobs.AssignAsync(Dispatcher, job.JobId, new JobAssignmentRequest("v-1", "d-sam"), None)).Status);
        var reassigned = await _jobs.AssignAsync(Dispatcher, job.JobId, new JobAssignmentRequest("v-2", "d-kim"), None);
        Assert.Equal((200, "d-kim"), (reassigned.Status, reassigned.Value!.DriverId));

        await _jobs.ChangeStatusAsync(DriverKim, job.JobId, new JobStatusRequest("en_route", null), None);
        Assert.Equal(409, (await _jobs.AssignAsync(Dispatcher, job.JobId, new JobAssignmentRequest("v-1", "d-sam"), None)).Status);
    }

    [Fact]
    public async Task A_driver_sees_and_moves_only_their_own_jobs()
    {
        var samsJob = await JobAtAsync(JobStatus.Assigned, "d-sam");
        var kimsJob = await JobAtAsync(JobStatus.Assigned, "d-kim");

        var refused = await _jobs.ChangeStatusAsync(DriverSam, kimsJob.JobId, new JobStatusRequest("en_route", null), None);
        Assert.Equal(403, refused.Status);
        Assert.Equal(403, (await _jobs.GetAsync(DriverSam, kimsJob.JobId, None)).Status);
        Assert.Equal(JobStatus.Assigned, (await _store.GetAsync("c-1", kimsJob.JobId, None))!.Status);

        Assert.Equal(200, (await _jobs.ChangeStatusAsync(DriverSam, samsJob.JobId, new JobStatusRequest("en_route", null), None)).Status);
        var listed = await _jobs.ListAsync(DriverSam, null, null, null, null, null, null, None);
        Assert.Equal([samsJob.JobId], listed.Value!.Select(job => job.JobId));
        Assert.Equal(403, (await _jobs.CreateAsync(DriverSam, Request(), None)).Status);
        Assert.Equal(403, (await _jobs.AssignAsync(DriverSam, samsJob.JobId, new JobAssignmentRequest("v-1", "d-sam"), None)).Status);
    }

    [Fact]
    public async Task Another_companys_job_does_not_exist_for_the_caller()
    {
        var job = await JobAtAsync(JobStatus.Assigned, "d-sam");

        Assert.Equal(404, (await _jobs.GetAsync(OtherCompany, job.JobId, None)).Status);
        Assert.Equal(404, (await _jobs.ChangeStatusAsync(OtherCompany, job.JobId, new JobStatusRequest("cancelled", null), None)).Status);
        Assert.Empty((await _jobs.ListAsync(OtherCompany, null, null, null, null, null, null, None)).Value!);
        Assert.Equal(400, (await _jobs.AssignAsync(OtherCompany, job.JobId, new JobAssignmentRequest("v-1", null), None)).Status);
    }

    [Theory]
    [InlineData("boat", 25.0, 121.5, "kind must be one of")]
    [InlineData("delivery", 95.0, 121.5, "pickup latitude must be within")]
    [InlineData("delivery", null, 121.5, "pickup needs latitude and longitude.")]
    public async Task A_job_that_is_not_one_is_a_400_naming_the_problem(string kind, double? latitude, double longitude, string detail)
    {
        var refused = await _jobs.CreateAsync(Dispatcher, Request() with { Kind = kind, Pickup = new JobStopRequest(latitude, longitude, "Depot") }, None);

        Assert.Equal(400, refused.Status);
        Assert.Contains(detail, refused.Problem!.Detail, StringComparison.Ordinal);
        Assert.Empty((await _jobs.ListAsync(Dispatcher, null, null, null, null, null, null, None)).Value!);
    }

    [Theory]
    [InlineData(0.0, 0.0, 25.05, 121.52, "pickup")]
    [InlineData(25.03, 121.56, 0.0, 0.0, "dropoff")]
    [InlineData(25.03, 121.56, 25.03, 121.56, "dropoff")]
    [InlineData(25.03, 121.56, 25.0303, 121.5603, "dropoff")]
    public async Task Stops_at_no_place_or_at_the_same_place_are_a_400_naming_the_stop(
        double pickupLatitude, double pickupLongitude, double dropoffLatitude, double dropoffLongitude, string field)
    {
        var refused = await _jobs.CreateAsync(
            Dispatcher,
            Request() with { Pickup = new JobStopRequest(pickupLatitude, pickupLongitude, "A"), Dropoff = new JobStopRequest(dropoffLatitude, dropoffLongitude, "B") },
            None);

        Assert.Equal(400, refused.Status);
        Assert.Equal([field], refused.Problem!.Errors!.Keys);
        Assert.Empty((await _jobs.ListAsync(Dispatcher, null, null, null, null, null, null, None)).Value!);
    }

    [Fact]
    public async Task Unknown_vehicles_drivers_and_statuses_are_400s()
    {
        var job = await JobAtAsync(JobStatus.Created);

        Assert.Equal(400, (await _jobs.AssignAsync(Dispatcher, job.JobId, new JobAssignmentRequest("v-9", null), None)).Status);
        Assert.Equal(400, (await _jobs.AssignAsync(Dispatcher, job.JobId, new JobAssignmentRequest("v-1", "d-nobody"), None)).Status);
        Assert.Equal(400, (await _jobs.ChangeStatusAsync(Dispatcher, job.JobId, new JobStatusRequest("teleported", null), None)).Status);
        Assert.Equal(400, (await _jobs.ListAsync(Dispatcher, "teleported", null, null, null, null, null, None)).Status);
    }

    [Fact]
    public async Task Jobs_list_a_page_at_a_time_newest_first_each_job_once_with_a_cursor_to_the_next()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await CreateAsync()).JobId);

            // Two jobs of one instant, so a page boundary falls between equal times.
            if (i != 1)
            {
                _clock.Advance(TimeSpan.FromMinutes(1));
            }
        }

        var pages = new List<IReadOnlyList<string>>();
        string? after = null;
        do
        {
            var page = await _jobs.ListAsync(Dispatcher, null, null, null, null, 2, after, None);
            Assert.Equal(200, page.Status);
            pages.Add([.. page.Value!.Select(job => job.JobId)]);
            after = page.NextAfter;
        }
        while (after is not null);

        var newestFirst = (await _jobs.ListAsync(Dispatcher, null, null, null, null, null, null, None)).Value!.Select(job => job.JobId).ToList();
        Assert.Equal(newestFirst, pages.SelectMany(page => page));
        Assert.Equal(created.Order(StringComparer.Ordinal), newestFirst.Order(StringComparer.Ordinal));
        Assert.Equal([2, 2, 1], pages.Select(page => page.Count));
    }

    [Theory]
    [InlineData(0, null, "limit")]
    [InlineData(JobQuery.MaxLimit + 1, null, "limit")]
    [InlineData(null, "not-a-cursor", "after")]
    [InlineData(null, "12_", "after")]
    [InlineData(null, "-5_job-1", "after")]
    public async Task A_limit_out_of_range_or_a_cursor_the_server_did_not_give_is_a_400_naming_it(int? limit, string? after, string field)
    {
        var refused = await _jobs.ListAsync(Dispatcher, null, null, null, null, limit, after, None);

        Assert.Equal(400, refused.Status);
        Assert.Equal([field], refused.Problem!.Errors!.Keys);
    }

    [Fact]
    public async Task A_job_created_with_its_vehicle_and_driver_starts_assigned_and_tells_the_driver()
    {
        var created = await _jobs.CreateAsync(Dispatcher, Request() with { VehicleId = "v-1", DriverId = "d-sam" }, None);

        Assert.Equal((201, "assigned"), (created.Status, created.Value!.Status));
        Assert.Equal(["created", "assigned"], created.Value.History.Select(change => change.Status));
        Assert.Contains(_publisher.Messages, message => message.Envelope.Type == RealtimeMessageTypes.AssignmentNew && message.Target == new RealtimeTarget(RealtimeTargetKind.User, "c-1/u-sam"));
    }

    [Fact]
    public async Task A_job_created_unassigned_is_told_to_the_company_group_alone()
    {
        // Issue 18: it was told to nobody, so dispatchers' open pages never listed a job another client made.
        var created = await CreateAsync();

        var told = Assert.Single(_publisher.Messages);
        Assert.Equal(RealtimeTarget.Group(RealtimeGroups.Company("c-1")), told.Target);
        Assert.Equal((RealtimeMessageTypes.JobStatusUpdate, "c-1", null), (told.Envelope.Type, told.Envelope.CompanyId, told.Envelope.Seq));
        Assert.Equal(
            new JobStatusPayload(created.JobId, "created", "created", FixStream.Start, "u-dispatch", null, null, null),
            told.Envelope.Data);
    }

    private static JobRequest Request() => new(
        "delivery", new JobStopRequest(25.03, 121.56, "Depot"), new JobStopRequest(25.05, 121.52, "12 Harbour Rd"), "order-42", null, null, null);

    private async Task<JobView> CreateAsync() => (await _jobs.CreateAsync(Dispatcher, Request(), None)).Value!;

    /// <summary>A job moved to <paramref name="status"/> along the lifecycle, assigned to the driver.</summary>
    private async Task<Job> JobAtAsync(JobStatus status, string driverId = "d-sam")
    {
        var job = await CreateAsync();
        if (status == JobStatus.Created)
        {
            return (await _store.GetAsync("c-1", job.JobId, None))!;
        }

        await _jobs.AssignAsync(Dispatcher, job.JobId, new JobAssignmentRequest(driverId == "d-sam" ? "v-1" : "v-2", driverId), None);
        var path = new[] { JobStatus.EnRoute, JobStatus.Arrived, JobStatus.InProgress, JobStatus.Completed };
        if (status == JobStatus.Cancelled)
        {
            await _jobs.ChangeStatusAsync(Dispatcher, job.JobId, new JobStatusRequest("cancelled", null), None);
        }
        else
        {
            foreach (var next in path.TakeWhile(next => next <= status))
            {
                await _jobs.ChangeStatusAsync(Dispatcher, job.JobId, new JobStatusRequest(next.ToCode(), null), None);
            }
        }

        var stored = (await _store.GetAsync("c-1", job.JobId, None))!;
        Assert.Equal(status, stored.Status);
        return stored;
    }
}
