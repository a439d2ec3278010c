using Fleet.Adapters.Tests.Support;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every <see cref="IJobGrantStore"/> must do, run against each implementation. Each test works in companies of
/// its own, so implementations may share one database between tests.
/// </summary>
public abstract class JobGrantStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected abstract IJobGrantStore Grants { get; }

    protected abstract IJobStore Jobs { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task A_link_is_found_by_its_hash_and_counted_with_its_own_job_only()
    {
        var (acme, globex) = ("c-" + Guid.NewGuid().ToString("N"), "c-" + Guid.NewGuid().ToString("N"));
        foreach (var (company, jobId) in new[] { (acme, "job-1"), (acme, "job-2"), (globex, "job-1") })
        {
            await Jobs.CreateAsync(Job(company, jobId), Token);
        }

        var grants = new[] { (acme, "job-1"), (acme, "job-1"), (acme, "job-1"), (acme, "job-2"), (globex, "job-1") }
            .Select(link => new JobGrant(Guid.NewGuid().ToString("N"), link.Item1, link.Item2, "u-dispatcher", Now))
            .ToList();
        foreach (var grant in grants)
        {
            await Grants.CreateAsync(grant, Token);
        }

        var counts = new List<int>();
        foreach (var (company, jobId) in new[] { (acme, "job-1"), (acme, "job-2"), (globex, "job-1"), (globex, "job-2") })
        {
            counts.Add(await Grants.CountOfJobAsync(company, jobId, Token));
        }

        Assert.Equal(grants[3], await Grants.FindAsync(grants[3].TokenHash, Token));
        Assert.Equal([3, 1, 1, 0], counts);
    }

    private static Job Job(string companyId, string jobId) => new(
        jobId,
        companyId,
        JobKind.Ride,
        new JobStop(25.0330, 121.5654, null),
        new JobStop(25.0478, 121.5170, null),
        null,
        null,
        null,
        null,
        JobStatus.Created,
        Now,
        1,
        [new JobStatusChange(JobStatus.Created, Now, "u-dispatcher", null)]);
}

public sealed class InMemoryJobGrantStoreContract : JobGrantStoreContract
{
    protected override IJobGrantStore Grants { get; } = new InMemory.InMemoryJobGrantStore();

    protected override IJobStore Jobs { get; } = new InMemory.InMemoryJobStore();
}

public sealed class PostgresJobGrantStoreContract(PostgresDatabase database) : JobGrantStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IJobGrantStore Grants { get; } = new Postgres.PostgresJobGrantStore(database.DataSource, database.Retry);

    protected override IJobStore Jobs { get; } = new Postgres.PostgresJobStore(database.DataSource, database.Retry);
}
