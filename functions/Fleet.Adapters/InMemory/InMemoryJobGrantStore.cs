using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

public sealed class InMemoryJobGrantStore : IJobGrantStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JobGrant> _grants = new(StringComparer.Ordinal);

    public Task CreateAsync(JobGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return _grants.TryAdd(grant.TokenHash, grant) ? Task.CompletedTask : throw new InvalidOperationException("That tracking link exists already.");
    }

    public Task<JobGrant?> FindAsync(string tokenHash, CancellationToken cancellationToken) => Task.FromResult(_grants.GetValueOrDefault(tokenHash));

    public Task<int> CountOfJobAsync(string companyId, string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(_grants.Values.Count(grant => grant.CompanyId == companyId && grant.JobId == jobId));
}
