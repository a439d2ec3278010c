using Fleet.Adapters.Tests.Support;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every <see cref="IJobStore"/> must do (DESIGN 5a), run against each implementation so they cannot drift apart.
/// Each test works in companies of its own, so implementations may share one store between tests. Times are whole
/// microseconds: PostgreSQL keeps no finer, and the stores must agree exactly on what they hold.
/// </summary>
public abstract class JobStoreContract
{
    // Not on a whole second, so a store that dropped the fraction would be caught.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    // One shared instance, so two jobs with their histories set aside compare equal as records.
    private static readonly IReadOnlyList<JobStatusChange> NoHistory = [];

    protected abstract IJobStore Store { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task A_created_job_reads_back_every_field_and_its_history_exactly()
    {
        var company = NewCompany();
        var job = new Job(
            "job-1",
            company,
            JobKind.Shipment,
            new JobStop(-33.868_820_123, 151.209_295_987, "Quai d'Orsay 7, Paris \u00e9\u4e2d"),
            new JobStop(25.0330, -121.5654, null),
            "PO-4711",
            Now.AddHours(3).AddTicks(10),
            "v-1",
            "d-1",
            JobStatus.Assigned,
            Now.AddTicks(-70),
            2,
            [
                new JobStatusChange(JobStatus.Created, Now.AddTicks(-70), "u-dispatcher", null),
                new JobStatusChange(JobStatus.Assigned, Now.AddSeconds(42).AddTicks(990), "u-other", "call at the gate"),
            ]);

        await Store.CreateAsync(job, Token);

        AssertSame(job, await Store.GetAsync(company, job.JobId, Token));
        AssertSame(job, Assert.Single((await Store.ListAsync(company, Query(), Token)).Items));
    }

    [Fact]
    public async Task A_job_without_optional_fields_reads_back_with_them_absent()
    {
        var company = NewCompany();
        var job = Job(company, "job-1", minutesAgo: 5) with { CustomerReference = null, Pickup = new JobStop(0.5, 0.25, null) };

        await Store.CreateAsync(job, Token);

        var stored = await Store.GetAsync(company, job.JobId, Token);
        AssertSame(job, stored);
        Assert.Null(stored!.ScheduledFor);
        Assert.Null(stored.VehicleId);
    }

    [Fact]
    public async Task Jobs_list_newest_created_first_and_a_limit_keeps_the_newest()
    {
        var company = NewCompany();
        var jobs = new[] { Job(company, "job-b", minutesAgo: 30), Job(company, "job-a", minutesAgo: 1), Job(company, "job-c", minutesAgo: 10) };
        foreach (var job in jobs)
        {
            await Store.CreateAsync(job, Token);
        }

        Assert.Equal(["job-a", "job-c", "job-b"], await ListedAsync(company, Query()));
        Assert.Equal(["job-a", "job-c"], await ListedAsync(company, Query() with { Limit = 2 }));
    }

    [Fact]
    public async Task A_limit_above_the_maximum_lists_at_most_the_maximum()
    {
        var company = NewCompany();
        for (var i = 0; i <= JobQuery.MaxLimit; i++)
        {
            await Store.CreateAsync(Job(company, $"job-{i:D4}", minutesAgo: i), Token);
        }

        var listed = await ListedAsync(company, Query() with { Limit = JobQuery.MaxLimit + 100 });

        Assert.Equal(JobQuery.MaxLimit, listed.Count);
        Assert.Equal("job-0000", listed[0]);
    }

    [Fact]
    public async Task Lists_filter_by_status_vehicle_and_drivers()
    {
        var company = NewCompany();
        var open = Job(company, "job-open", minutesAgo: 1);
        var firstAssigned = Assigned(Job(company, "job-v1-d1", minutesAgo: 2), "v-1", "d-1");
        var secondAssigned = Assigned(Job(company, "job-v2-d2", minutesAgo: 3), "v-2", "d-2");
        var thirdAssigned = Assigned(Job(company, "job-v1-d3", minutesAgo: 4), "v-1", "d-3");
        foreach (var job in new[] { open, firstAssigned, secondAssigned, thirdAssigned })
        {
            await Store.CreateAsync(job, Token);
        }

        Assert.Equal(["job-open"], await ListedAsync(company, Query() with { Status = JobStatus.Created }));
        Assert.Equal(["job-v1-d1", "job-v2-d2", "job-v1-d3"], await ListedAsync(company, Query() with { Status = JobStatus.Assigned }));
        Assert.Equal(["job-v1-d1", "job-v1-d3"], await ListedAsync(company, Query() with { VehicleId = "v-1" }));
        Assert.Equal(["job-v1-d1", "job-v1-d3"], await ListedAsync(company, Query() with { DriverIds = ["d-3", "d-1", "d-9"] }));
        Assert.Equal(["job-v1-d3"], await ListedAsync(company, Query() with { VehicleId = "v-1", DriverIds = ["d-3", "d-2"] }));
        Assert.Empty(await ListedAsync(company, Query() with { DriverIds = [] }));
        Assert.Empty(await ListedAsync(company, Query() with { Status = JobStatus.Completed }));
    }

    [Fact]
    public async Task From_and_to_apply_to_the_scheduled_time_or_else_the_creation_time()
    {
        var company = NewCompany();

        // Created long ago but scheduled inside the window: listed. Created inside it but scheduled after: not.
        var scheduledInside = Job(company, "job-scheduled-inside", minutesAgo: 600) with { ScheduledFor = Now.AddMinutes(-30) };
        var scheduledAfter = Job(company, "job-scheduled-after", minutesAgo: 30) with { ScheduledFor = Now.AddMinutes(90) };
        var createdInside = Job(company, "job-created-inside", minutesAgo: 45);
        var createdBefore = Job(company, "job-created-before", minutesAgo: 61);
        var atTheEnd = Job(company, "job-at-the-end", minutesAgo: 0);
        foreach (var job in new[] { scheduledInside, scheduledAfter, createdInside, createdBefore, atTheEnd })
        {
            await Store.CreateAsync(job, Token);
        }

        // [from, to): the start is inside, the end is not.
        var window = Query() with { From = Now.AddMinutes(-60), To = Now };
        Assert.Equal(["job-created-inside", "job-scheduled-inside"], await ListedAsync(company, window));
        Assert.Equal(["job-at-the-end", "job-scheduled-after"], await ListedAsync(company, Query() with { From = Now }));
        Assert.Equal(
            ["job-created-inside", "job-created-before", "job-scheduled-inside"], await ListedAsync(company, Query() with { To = Now.AddTicks(-10) }));
        Assert.Equal(["job-created-inside"], await ListedAsync(company, Query() with { From = Now.AddMinutes(-45), To = Now.AddMinutes(-44) }));
    }

    [Fact]
    public async Task Another_companys_job_is_invisible_even_under_the_same_id()
    {
        var company = NewCompany();
        var other = NewCompany();
        var job = Job(company, "job-1", minutesAgo: 1);
        await Store.CreateAsync(job, Token);

        Assert.Null(await Store.GetAsync(other, job.JobId, Token));
        Assert.Empty((await Store.ListAsync(other, Query(), Token)).Items);
        Assert.False(await Store.UpdateAsync(Assigned(job with { CompanyId = other }, "v-1", "d-1"), job.Version, Token));

        // Ids are unique within a company only: the other company may use the same one without touching the first's.
        var theirs = Job(other, "job-1", minutesAgo: 2) with { CustomerReference = "theirs" };
        await Store.CreateAsync(theirs, Token);
        AssertSame(theirs, await Store.GetAsync(other, "job-1", Token));
        AssertSame(job, await Store.GetAsync(company, "job-1", Token));
    }

    [Fact]
    public async Task An_update_at_the_stored_version_stores_the_assignment_the_status_and_the_new_history()
    {
        var company = NewCompany();
        var job = Job(company, "job-1", minutesAgo: 10);
        await Store.CreateAsync(job, Token);

        var assigned = Assigned(job, "v-7", "d-7");
        Assert.True(await Store.UpdateAsync(assigned, job.Version, Token));
        var enRoute = assigned.With(new JobStatusChange(JobStatus.EnRoute, Now.AddMinutes(2).AddTicks(30), "u-driver", "leaving now"));
        Assert.True(await Store.UpdateAsync(enRoute, assigned.Version, Token));

        var stored = await Store.GetAsync(company, job.JobId, Token);
        AssertSame(enRoute, stored);
        Assert.Equal([JobStatus.Created, JobStatus.Assigned, JobStatus.EnRoute], stored!.History.Select(change => change.Status));
        Assert.Equal(3, stored.Version);
        AssertSame(enRoute, Assert.Single((await Store.ListAsync(company, Query(), Token)).Items));
    }

    [Fact]
    public async Task The_active_jobs_of_vehicles_are_those_under_way_on_them_in_their_company()
    {
        var company = NewCompany();
        var other = NewCompany();
        var created = Job(company, "job-created", minutesAgo: 9);
        var assigned = Assigned(Job(company, "job-assigned", minutesAgo: 8), "v-1", "d-1");
        var enRoute = Assigned(Job(company, "job-en-route", minutesAgo: 7), "v-1", "d-1").With(new JobStatusChange(JobStatus.EnRoute, Now, "u-driver", null));
        var inProgress = enRoute with { JobId = "job-in-progress", Status = JobStatus.InProgress, VehicleId = "v-2" };
        var completed = enRoute with { JobId = "job-completed", Status = JobStatus.Completed };
        var elsewhere = enRoute with { CompanyId = other };
        var otherVehicle = enRoute with { JobId = "job-other-vehicle", VehicleId = "v-9" };
        foreach (var job in new[] { created, assigned, enRoute, inProgress, completed, elsewhere, otherVehicle })
        {
            await Store.CreateAsync(job, Token);
        }

        var active = await Store.ActiveForVehiclesAsync([(company, "v-1"), (company, "v-2")], Token);

        Assert.Equal(["job-en-route", "job-in-progress"], active.Select(job => job.JobId));
        AssertSame(enRoute, active[0]);
        Assert.Empty(await Store.ActiveForVehiclesAsync([], Token));
    }

    [Fact]
    public async Task An_update_from_a_stale_version_returns_false_and_changes_nothing()
    {
        var company = NewCompany();
        var job = Job(company, "job-1", minutesAgo: 10);
        await Store.CreateAsync(job, Token);
        var assigned = Assigned(job, "v-1", "d-1");
        Assert.True(await Store.UpdateAsync(assigned, job.Version, Token));

        // Read at version 1, written after someone else moved the job to version 2.
        var stale = job.With(new JobStatusChange(JobStatus.Cancelled, Now.AddMinutes(5), "u-late", "too late")) with { VehicleId = "v-9" };

        Assert.False(await Store.UpdateAsync(stale, job.Version, Token));
        AssertSame(assigned, await Store.GetAsync(company, job.JobId, Token));
    }

    [Fact]
    public async Task Updating_a_job_that_does_not_exist_returns_false_and_creates_nothing()
    {
        var company = NewCompany();
        var job = Job(company, "job-missing", minutesAgo: 1);

        Assert.False(await Store.UpdateAsync(Assigned(job, "v-1", "d-1"), job.Version, Token));
        Assert.Null(await Store.GetAsync(company, job.JobId, Token));
    }

    [Fact]
    public async Task Concurrent_updates_from_one_version_have_exactly_one_winner()
    {
        var company = NewCompany();
        var job = Job(company, "job-1", minutesAgo: 10);
        await Store.CreateAsync(job, Token);
        var contenders = Enumerable.Range(1, 8).Select(writer => Assigned(job, $"v-{writer}", $"d-{writer}")).ToList();

        var results = await Task.WhenAll(contenders.Select(contender => Task.Run(() => Store.UpdateAsync(contender, job.Version, Token))));

        var winner = Assert.Single(contenders.Where((_, index) => results[index]));
        var stored = await Store.GetAsync(company, job.JobId, Token);
        AssertSame(winner, stored);
        Assert.Equal(2, stored!.History.Count);
    }

    [Fact]
    public async Task Creating_a_job_whose_id_exists_throws_and_keeps_the_first()
    {
        var company = NewCompany();
        var job = Job(company, "job-1", minutesAgo: 1);
        await Store.CreateAsync(job, Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateAsync(job with { CustomerReference = "second" }, Token));

        AssertSame(job, await Store.GetAsync(company, job.JobId, Token));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Pages_list_newest_first_with_ties_in_id_order_each_job_exactly_once(int limit)
    {
        var company = NewCompany();
        var other = NewCompany();

        // Three created in the same microsecond, so the cursor must tell them apart by id.
        foreach (var (jobId, minutesAgo) in new[] { ("job-b", 5), ("job-old", 9), ("job-B", 5), ("job-new", 1), ("job-a", 5) })
        {
            await Store.CreateAsync(Job(company, jobId, minutesAgo), Token);
        }

        await Store.CreateAsync(Job(other, "job-x", 5), Token);
        var pages = new List<IReadOnlyList<Job>>();
        NewestFirstCursor? after = null;
        while (true)
        {
            var page = await Store.ListAsync(company, Query() with { Limit = limit, After = after }, Token);
            pages.Add(page.Items);
            if (!page.More)
            {
                break;
            }

            after = new NewestFirstCursor(page.Items[^1].CreatedAt, page.Items[^1].JobId);
        }

        Assert.Equal(["job-new", "job-B", "job-a", "job-b", "job-old"], pages.SelectMany(page => page).Select(job => job.JobId));
        Assert.Equal(limit == 2 ? [2, 2, 1] : [4, 1], pages.Select(page => page.Count));
    }

    [Fact]
    public async Task A_cursor_keeps_the_querys_filters()
    {
        var company = NewCompany();
        for (var minutesAgo = 1; minutesAgo <= 5; minutesAgo++)
        {
            // Every other job assigned, so a page of assigned jobs must pass over the others.
            var job = Job(company, $"job-{minutesAgo}", minutesAgo);
            await Store.CreateAsync(minutesAgo % 2 == 1 ? Assigned(job, "v-1", "d-1") : job, Token);
        }

        var first = await Store.ListAsync(company, Query() with { Status = JobStatus.Assigned, Limit = 1 }, Token);
        var rest = await Store.ListAsync(
            company, Query() with { Status = JobStatus.Assigned, Limit = 5, After = new NewestFirstCursor(first.Items[0].CreatedAt, first.Items[0].JobId) }, Token);

        Assert.Equal(["job-1"], first.Items.Select(job => job.JobId));
        Assert.True(first.More);
        Assert.Equal(["job-3", "job-5"], rest.Items.Select(job => job.JobId));
        Assert.False(rest.More);
    }

    private static JobQuery Query() => new(null, null, null, null, null, JobQuery.MaxLimit);

    /// <summary>A company id no other test uses, so tests can share one store (and one table).</summary>
    private static string NewCompany() => "c-" + Guid.NewGuid().ToString("N");

    private async Task<List<string>> ListedAsync(string companyId, JobQuery query) =>
        [.. (await Store.ListAsync(companyId, query, Token)).Items.Select(job => job.JobId)];

    /// <summary>A new delivery, created (and first recorded) the given minutes before <see cref="Now"/>.</summary>
    private static Job Job(string companyId, string jobId, int minutesAgo)
    {
        var createdAt = Now.AddMinutes(-minutesAgo);
        return new Job(
            jobId,
            companyId,
            JobKind.Delivery,
            new JobStop(25.0330, 121.5654, "Pickup"),
            new JobStop(25.0478, 121.5170, "Drop-off"),
            "ref-" + jobId,
            null,
            null,
            null,
            JobStatus.Created,
            createdAt,
            1,
            [new JobStatusChange(JobStatus.Created, createdAt, "u-dispatcher", null)]);
    }

    private static Job Assigned(Job job, string vehicleId, string driverId) =>
        job.With(new JobStatusChange(JobStatus.Assigned, job.CreatedAt.AddMinutes(1).AddTicks(10), "u-dispatcher", $"to {driverId}")) with
        {
            VehicleId = vehicleId,
            DriverId = driverId,
        };

    /// <summary>Records compare lists by reference, so the history is compared entry by entry and the rest as a record.</summary>
    private static void AssertSame(Job expected, Job? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { History = NoHistory }, actual with { History = NoHistory });
        Assert.Equal(expected.History, actual.History);
    }
}

public sealed class InMemoryJobStoreContract : JobStoreContract
{
    protected override IJobStore Store { get; } = new InMemory.InMemoryJobStore();
}

public sealed class PostgresJobStoreContract(PostgresDatabase database) : JobStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IJobStore Store { get; } = new Postgres.PostgresJobStore(database.DataSource, database.Retry);
}
