using Fleet.Core.Identity;
using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>Memberships in process memory: the local host's default mode and fast tests.</summary>
public sealed class InMemoryMembershipStore : IMembershipStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string UserId, string CompanyId), Membership> _memberships = [];

    public Task<IReadOnlyList<Membership>> OfUserAsync(string userId, CancellationToken cancellationToken) =>
        Select(membership => membership.UserId == userId, membership => membership.CompanyId);

    public Task<IReadOnlyList<Membership>> OfCompanyAsync(string companyId, CancellationToken cancellationToken) =>
        Select(membership => membership.CompanyId == companyId, membership => membership.UserId);

    public Task<ListPage<Membership>> OfCompanyAsync(string companyId, IdPage page, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(InMemoryPages.Of(_memberships.Values.Where(membership => membership.CompanyId == companyId), membership => membership.UserId, page));
        }
    }

    public Task SaveAsync(Membership membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(membership);
        lock (_gate)
        {
            _memberships[(membership.UserId, membership.CompanyId)] = membership;
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string companyId, string userId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_memberships.Remove((userId, companyId)));
        }
    }

    private Task<IReadOnlyList<Membership>> Select(Func<Membership, bool> predicate, Func<Membership, string> order)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Membership>>([.. _memberships.Values.Where(predicate).OrderBy(order, StringComparer.Ordinal)]);
        }
    }
}
