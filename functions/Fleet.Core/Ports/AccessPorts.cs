using Fleet.Core.Identity;

namespace Fleet.Core.Ports;

/// <summary>Memberships (DESIGN 3.5): user -> company, role, vehicle grants. One per user and company.</summary>
public interface IMembershipStore
{
    /// <summary>Every company the user belongs to, by company id.</summary>
    Task<IReadOnlyList<Membership>> OfUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The company's members, by user id.</summary>
    Task<IReadOnlyList<Membership>> OfCompanyAsync(string companyId, CancellationToken cancellationToken);

    /// <summary>A page of the company's members, by user id.</summary>
    Task<ListPage<Membership>> OfCompanyAsync(string companyId, IdPage page, CancellationToken cancellationToken);

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

/// <summary>Device credentials (DESIGN 3.5), every list scoped to one company.</summary>
public interface IDeviceCredentialStore
{
    Task CreateAsync(Devices.DeviceCredential credential, CancellationToken cancellationToken);

    Task<Devices.DeviceCredential?> GetAsync(string credentialId, CancellationToken cancellationToken);

    /// <summary>The device's credentials, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<Devices.DeviceCredential>> OfDeviceAsync(string companyId, string deviceId, CancellationToken cancellationToken);

    /// <returns>False when the company has no such credential (revoking twice is true: it is revoked).</returns>
    Task<bool> RevokeAsync(string companyId, string credentialId, DateTimeOffset at, CancellationToken cancellationToken);

    Task MarkUsedAsync(string credentialId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>One event the device gateway forwards, keyed by its device (the stream's partition key, DESIGN 2).</summary>
public sealed record DeviceEvent(string DeviceId, ReadOnlyMemory<byte> Body);

/// <summary>
/// The telemetry stream as the device gateway writes to it: the local host's partitions, or Event Hubs in Azure. All
/// of a call's events are enqueued, or none: a device is told "accepted" only for what the stream took.
/// </summary>
public interface ITelemetryIngress
{
    /// <returns>Null when every event was enqueued, else how long to wait before sending them again.</returns>
    Task<TimeSpan?> EnqueueAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken);
}
