using System.Collections.Concurrent;
using Fleet.Core.Ports;

namespace Fleet.Core.Devices;

/// <summary>The device a valid credential speaks for.</summary>
public sealed record DeviceCaller(string CompanyId, string DeviceId, string CredentialId);

/// <summary>A device that may send, or why not: 401 for a credential that is not valid, 403 for a disabled company.</summary>
public sealed record DeviceAuthentication(DeviceCaller? Device, int Status, string? Failure)
{
    public static DeviceAuthentication Refused(int status, string failure) => new(null, status, failure);
}

/// <summary>
/// Checks device tokens at the gateway. Credentials are cached for <see cref="CacheLifetime"/>, so a revocation takes
/// effect on every instance within that time and at once on the instance that revoked (it calls <see cref="Forget"/>);
/// last use is written at most once per <see cref="LastUsedResolution"/> per credential, not on every request.
/// </summary>
public sealed class DeviceAuthenticator(IDeviceCredentialStore credentials, ICompanyDirectory companies, TimeProvider timeProvider)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int SweepAboveEntries = 100_000;

    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    public async Task<DeviceAuthentication> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (DeviceTokens.Parse(token) is not { } parsed)
        {
            return DeviceAuthentication.Refused(401, "A device token is required (the credential's secret, shown once when it was created).");
        }

        var (credentialId, secret) = parsed;
        var now = timeProvider.GetUtcNow();
        var credential = await CredentialAsync(credentialId, now, cancellationToken);
        // One answer for an unknown id, a wrong secret and a revoked credential: a guess learns nothing.
        if (credential is null || credential.Revoked || !DeviceTokens.Matches(secret, credential.SecretHash))
        {
            return DeviceAuthentication.Refused(401, "This device token is not valid: it is unknown, wrong or revoked.");
        }

        var company = (await companies.GetAsync([credential.CompanyId], cancellationToken)).GetValueOrDefault(credential.CompanyId);
        if (company is null || company.Disabled)
        {
            return DeviceAuthentication.Refused(
                403, $"Company '{credential.CompanyId}' {(company is null ? "does not exist" : "is disabled")}: its devices' telemetry is not taken.");
        }

        await MarkUsedAsync(credential, now, cancellationToken);
        return new DeviceAuthentication(new DeviceCaller(credential.CompanyId, credential.DeviceId, credential.CredentialId), 200, null);
    }

    /// <summary>Drops the cached credential: the next request reads the stored one (a revocation on this instance).</summary>
    public void Forget(string credentialId) => _cache.TryRemove(credentialId, out _);

    private async Task<DeviceCredential?> CredentialAsync(string credentialId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(credentialId, out var cached) && now - cached.LoadedAt < CacheLifetime)
        {
            return cached.Credential;
        }

        var credential = await credentials.GetAsync(credentialId, cancellationToken);
        if (_cache.Count >= SweepAboveEntries)
        {
            foreach (var (id, entry) in _cache)
            {
                if (now - entry.LoadedAt >= CacheLifetime)
                {
                    _cache.TryRemove(id, out _);
                }
            }
        }

        _cache[credentialId] = new Cached(credential, now, cached?.MarkedAt ?? credential?.LastUsedAt);
        return credential;
    }

    private async Task MarkUsedAsync(DeviceCredential credential, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(credential.CredentialId, out var cached) && cached.MarkedAt is { } marked && now - marked < LastUsedResolution)
        {
            return;
        }

        _cache[credential.CredentialId] = (cached ?? new Cached(credential, now, null)) with { MarkedAt = now };
        await credentials.MarkUsedAsync(credential.CredentialId, now, cancellationToken);
    }

    private sealed record Cached(DeviceCredential? Credential, DateTimeOffset LoadedAt, DateTimeOffset? MarkedAt);
}
