using Fleet.Core.Jobs;
using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>Jobs in memory, with the PostgreSQL store's semantics (version-checked updates, newest first).</summary>
public sealed class InMemoryJobStore : IJobStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string CompanyId, string JobId), Job> _jobs = [];

    public Task CreateAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_lock)
        {
            if (!_jobs.TryAdd((job.CompanyId, job.JobId), job))
            {
                throw new InvalidOperationException($"Job '{job.JobId}' exists already.");
            }
        }

        return Task.CompletedTask;
    }

    public Task<Job?> GetAsync(string companyId, string jobId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_jobs.GetValueOrDefault((companyId, jobId)));
        }
    }

    public Task<ListPage<Job>> ListAsync(string companyId, JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            var matching = _jobs.Values
                .Where(job => job.CompanyId == companyId)
                .Where(job => query.Status is not { } status || job.Status == status)
                .Where(job => query.VehicleId is null || job.VehicleId == query.VehicleId)
                .Where(job => query.DriverIds is null || (job.DriverId is { } driverId && query.DriverIds.Contains(driverId)))
                .Where(job => query.From is not { } from || (job.ScheduledFor ?? job.CreatedAt) >= from)
                .Where(job => query.To is not { } to || (job.ScheduledFor ?? job.CreatedAt) < to);
            return Task.FromResult(InMemoryPages.NewestFirst(
                matching, job => job.CreatedAt, job => job.JobId, query.After, Math.Clamp(query.Limit, 0, JobQuery.MaxLimit)));
        }
    }

    public Task<IReadOnlyList<Job>> ActiveForVehiclesAsync(IReadOnlyCollection<(string CompanyId, string VehicleId)> vehicles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        var wanted = vehicles.ToHashSet();
        lock (_lock)
        {
            IReadOnlyList<Job> active = [.. _jobs.Values
                .Where(job => job.VehicleId is { } vehicleId && JobLifecycle.IsActive(job.Status) && wanted.Contains((job.CompanyId, vehicleId)))
                .OrderBy(job => job.JobId, StringComparer.Ordinal)];
            return Task.FromResult(active);
        }
    }

    public Task<bool> UpdateAsync(Job job, int expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        lock (_lock)
        {
            var key = (job.CompanyId, job.JobId);
            if (!_jobs.TryGetValue(key, out var stored) || stored.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            _jobs[key] = job;
            return Task.FromResult(true);
        }
    }
}
