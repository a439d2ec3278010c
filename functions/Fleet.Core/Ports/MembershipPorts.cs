using Fleet.Core.Identity;

namespace Fleet.Core.Ports;

/// <summary>Memberships (DESIGN 3.5): user -> company, role, vehicle grants. One per user and company.</summary>
public interface IMembershipStore
{
    /// <summary>Every company the user belongs to, by company id.</summary>
    Task<IReadOnlyList<Membership>> OfUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The company's members, by user id.</summary>
    Task<IReadOnlyList<Membership>> OfCompanyAsync(string companyId, CancellationToken cancellationToken);

    /// <summary>Creates the membership, or replaces the user's one in that company.</summary>
    Task SaveAsync(Membership membership, CancellationToken cancellationToken);

    /// <returns>False when the user has no membership in the company.</returns>
    Task<bool> DeleteAsync(string companyId, string userId, CancellationToken cancellationToken);
}

public static class MembershipStoreExtensions
{
    /// <summary>The user's membership in the company, or null: read through the user's few memberships, not the company's many.</summary>
    public static async Task<Membership?> MembershipAsync(this IMembershipStore store, string companyId, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.OfUserAsync(userId, cancellationToken)).FirstOrDefault(membership => membership.CompanyId == companyId);
    }
}
