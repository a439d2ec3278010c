using Fleet.Adapters.InMemory;
using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Jobs;

/// <summary>Jobs moved on by telemetry through the batch handler (DESIGN 5a): arrival with dwell, ETA, the job's view.</summary>
public sealed class JobTrackerTests
{
    // The customer (a delivery's drop-off, its next stop once en route) lies 1 km east of where the vehicle starts.
    private static readonly GeoPoint Customer = GeoMath.Offset(FixStream.Origin, 1_000, 90);

    private readonly FleetHarness _harness = new FleetHarness().WithCompany("c-1", "dev-1");
    private readonly FixStream _device = new("dev-1");
    private readonly InMemoryJobStore _jobs = new();
    private readonly TelemetryBatchHandler _handler;
    private long _sequence = 1;

    public JobTrackerTests() => _handler = HandlerWith(_jobs);

    [Fact]
    public async Task Driving_past_the_drop_off_is_not_an_arrival_but_stopping_there_is()
    {
        var job = await JobAsync(JobStatus.EnRoute);

        // 40 km/h straight past the customer and 500 m beyond: inside the 75 m radius for about 13 s.
        await SendAsync(_device.Drive(0, 135, FixStream.Origin, 90, 40));
        Assert.Equal(JobStatus.EnRoute, (await _jobs.GetAsync("c-1", job.JobId, CancellationToken.None))!.Status);

        // Back and standing at the customer's door for longer than the 30 s dwell.
        await SendAsync(_device.Park(200, 40, GeoMath.Offset(Customer, 20, 0), intervalSeconds: 5));

        var arrived = (await _jobs.GetAsync("c-1", job.JobId, CancellationToken.None))!;
        Assert.Equal(JobStatus.Arrived, arrived.Status);
        Assert.Equal((Job.System, FixStream.At(230), "arrived at the dropoff (detected from telemetry)"), (arrived.History[^1].ByUserId, arrived.History[^1].At, arrived.History[^1].Note));
        var told = _harness.Publisher.Messages.Where(message => message.Envelope.Type == RealtimeMessageTypes.JobStatusUpdate).ToList();
        Assert.Equal([RealtimeGroups.Company("c-1"), RealtimeGroups.Job(job.CompanyId, job.JobId)], told.Select(message => message.Target.Name));
    }

    [Fact]
    public async Task The_eta_falls_as_the_vehicle_approaches_and_is_within_20_percent_of_the_time_left()
    {
        var job = await JobAsync(JobStatus.EnRoute);

        // 36 km/h = 10 m/s towards the customer, one fix every 5 s for 80 s, sent as the device reports them.
        foreach (var fix in _device.Drive(0, 80, FixStream.Origin, 90, 36))
        {
            await SendAsync([fix]);
        }

        var etaMessages = _harness.Publisher.Messages.Where(message => message.Envelope.Type == RealtimeMessageTypes.JobEtaUpdate).ToList();
        var etas = etaMessages
            .Where(message => message.Target == RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)))
            .Select(message => (JobEtaPayload)message.Envelope.Data)
            .ToList();
        Assert.Equal([0, 15, 30, 45, 60, 75], etas.Select(eta => (eta.At - FixStream.Start).TotalSeconds));
        Assert.All(etas.Zip(etas.Skip(1)), pair => Assert.True(pair.Second.EtaSeconds < pair.First.EtaSeconds));
        Assert.All(etas, eta =>
        {
            var secondsLeft = (1_000 - (eta.At - FixStream.Start).TotalSeconds * 10) / 10;
            Assert.InRange(eta.EtaSeconds, secondsLeft * 0.8, secondsLeft * 1.2);
            Assert.Equal(("dropoff", "v-1"), (eta.NextStop, eta.VehicleId));
        });

        // The same ETAs reach the job's followers and the company's dispatchers, and nobody else.
        Assert.Equal(
            etas.SelectMany(eta => new[] { (RealtimeGroups.Job(job.CompanyId, job.JobId), eta), (RealtimeGroups.Company("c-1"), eta) }),
            etaMessages.Select(message => (message.Target.Name, (JobEtaPayload)message.Envelope.Data)));
    }

    [Fact]
    public async Task A_batch_of_several_fixes_pushes_one_eta_and_that_from_its_newest_fix()
    {
        var job = await JobAsync(JobStatus.EnRoute);

        // Fixes at 0, 5 and 10 s, 10 m/s towards the customer, in one batch.
        await SendAsync(_device.Drive(0, 10, FixStream.Origin, 90, 36));

        var eta = (JobEtaPayload)Assert.Single(
            _harness.Publisher.Messages,
            message => message.Envelope.Type == RealtimeMessageTypes.JobEtaUpdate && message.Target == RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId))).Envelope.Data;
        Assert.Equal(FixStream.At(10), eta.At);
        Assert.Equal(900, eta.RemainingMeters, 0);
    }

    [Fact]
    public async Task The_jobs_followers_see_its_vehicle_only_while_the_job_is_under_way()
    {
        var job = await JobAsync(JobStatus.InProgress);
        await SendAsync(_device.Drive(0, 10, FixStream.Origin, 90, 36));
        var jobGroup = RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId));
        Assert.Contains(_harness.Publisher.Messages, message => message.Target == jobGroup && message.Envelope.Type == RealtimeMessageTypes.VehicleLocationUpdate);

        var stored = (await _jobs.GetAsync("c-1", job.JobId, CancellationToken.None))!;
        await _jobs.UpdateAsync(stored.With(new JobStatusChange(JobStatus.Completed, FixStream.At(11), "u-driver", null)), stored.Version, CancellationToken.None);
        var before = _harness.Publisher.Messages.Count;
        await SendAsync(_device.Drive(15, 10, GeoMath.Offset(FixStream.Origin, 100, 90), 90, 36));

        Assert.DoesNotContain(_harness.Publisher.Messages.Skip(before), message => message.Target == jobGroup);
    }

    [Fact]
    public async Task The_throttle_counts_from_the_fix_an_eta_was_pushed_from()
    {
        var job = await JobAsync(JobStatus.EnRoute);
        var fixes = _device.Drive(0, 45, FixStream.Origin, 90, 36);

        // Pushed at 0 s; then 15, 20 and 25 s in one batch, pushed as of 25 s; 30 s is too soon after that, 40 s is not.
        await SendAsync([fixes[0]]);
        await SendAsync([fixes[3], fixes[4], fixes[5]]);
        await SendAsync([fixes[6]]);
        await SendAsync([fixes[8]]);

        var pushedAt = _harness.Publisher.Messages
            .Where(message => message.Envelope.Type == RealtimeMessageTypes.JobEtaUpdate && message.Target == RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)))
            .Select(message => (((JobEtaPayload)message.Envelope.Data).At - FixStream.Start).TotalSeconds);
        Assert.Equal([0, 25, 40], pushedAt);
    }

    [Fact]
    public async Task A_status_change_lets_the_next_fix_push_an_eta_without_waiting_for_the_throttle()
    {
        var job = await JobAsync(JobStatus.EnRoute);
        var fixes = _device.Drive(0, 10, FixStream.Origin, 90, 36);
        await SendAsync([fixes[0]]);
        await SendAsync([fixes[1]]);

        // Five seconds after the last push, someone marks the job arrived: the fix after that is pushed at once.
        var current = (await _jobs.GetAsync("c-1", job.JobId, CancellationToken.None))!;
        Assert.True(await _jobs.UpdateAsync(current.With(new JobStatusChange(JobStatus.Arrived, FixStream.At(7), "u-driver", null)), current.Version, CancellationToken.None));
        await SendAsync([fixes[2]]);

        var pushedAt = _harness.Publisher.Messages
            .Where(message => message.Envelope.Type == RealtimeMessageTypes.JobEtaUpdate && message.Target == RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)))
            .Select(message => (((JobEtaPayload)message.Envelope.Data).At - FixStream.Start).TotalSeconds);
        Assert.Equal([0, 10], pushedAt);
    }

    [Fact]
    public async Task A_job_store_that_fails_leaves_the_batch_stored_and_says_so()
    {
        var failing = HandlerWith(new UnreachableJobs());

        var result = await failing.HandleAsync(TelemetryJson.Events("dev-1", _device.Drive(0, 20, FixStream.Origin, 90, 36)), CancellationToken.None);

        Assert.IsType<IOException>(result.JobTrackingFailure);
        Assert.Equal(5, result.Positions);
        Assert.Equal(5, _harness.Store.PositionsOf("c-1", "v-1").Count);
    }

    /// <summary>
    /// The harness's handler tracking jobs in <paramref name="jobs"/>; job messages go to <paramref name="jobsPublisher"/>
    /// when given, so a test can fail the jobs' side alone while the batch's own messages still reach the harness.
    /// </summary>
    private TelemetryBatchHandler HandlerWith(IJobStore jobs, IRealtimePublisher? jobsPublisher = null) =>
        new(
            _harness.Directory, _harness.Directory, _harness.Store, _harness.Alerts, _harness.Store, _harness.Store, _harness.Publisher, _harness.Followers, _harness.Clock,
            new JobTracker(jobs, jobsPublisher ?? _harness.Publisher, _harness.Clock, JobProgressSettings.Default));

    private async Task<Job> JobAsync(JobStatus status)
    {
        var created = FixStream.Start.AddMinutes(-10);
        var job = new Job(
            "job-1", "c-1", JobKind.Delivery, new JobStop(25.1, 121.6, "Depot"), new JobStop(Customer.Latitude, Customer.Longitude, "Customer"),
            null, null, "v-1", "d-1", status, created, 3,
            [new JobStatusChange(JobStatus.Created, created, "u-dispatch", null), new JobStatusChange(JobStatus.Assigned, created, "u-dispatch", null), new JobStatusChange(status, created, "u-driver", null)]);
        await _jobs.CreateAsync(job, CancellationToken.None);
        return job;
    }

    private async Task SendAsync(IReadOnlyList<TelemetryFix> fixes)
    {
        var events = TelemetryJson.Events("dev-1", fixes, _sequence);
        _sequence += events.Count;
        await _handler.HandleAsync(events, CancellationToken.None);
    }

    [Fact]
    public async Task A_jobs_push_that_fails_is_reported_as_the_batchs_realtime_failure()
    {
        await JobAsync(JobStatus.EnRoute);
        var handler = HandlerWith(_jobs, new UnreachableJobGroups());

        var result = await handler.HandleAsync(TelemetryJson.Events("dev-1", _device.Drive(0, 10, FixStream.Origin, 90, 36)), CancellationToken.None);

        // The batch's own messages went out (the harness's publisher); only the job's group could not be told.
        Assert.IsType<HttpRequestException>(result.Jobs!.RealtimeFailure);
        Assert.Same(result.Jobs.RealtimeFailure, result.RealtimeFailure);
    }

    private sealed class UnreachableJobGroups : IRealtimePublisher
    {
        public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken) =>
            throw new HttpRequestException("SignalR Service unreachable");
    }

    private sealed class UnreachableJobs : IJobStore
    {
        public Task CreateAsync(Job job, CancellationToken cancellationToken) => throw new IOException("database unreachable");

        public Task<Job?> GetAsync(string companyId, string jobId, CancellationToken cancellationToken) => throw new IOException("database unreachable");

        public Task<ListPage<Job>> ListAsync(string companyId, JobQuery query, CancellationToken cancellationToken) => throw new IOException("database unreachable");

        public Task<bool> UpdateAsync(Job job, int expectedVersion, CancellationToken cancellationToken) => throw new IOException("database unreachable");

        public Task<IReadOnlyList<Job>> ActiveForVehiclesAsync(IReadOnlyCollection<(string CompanyId, string VehicleId)> vehicles, CancellationToken cancellationToken) =>
            throw new IOException("database unreachable");
    }
}
