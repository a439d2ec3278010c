using Fleet.Core.Devices;
using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>Device credentials in process memory: the local host's default mode and fast tests.</summary>
public sealed class InMemoryDeviceCredentialStore : IDeviceCredentialStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DeviceCredential> _credentials = new(StringComparer.Ordinal);

    public Task CreateAsync(DeviceCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        lock (_gate)
        {
            if (!_credentials.TryAdd(credential.CredentialId, credential))
            {
                throw new InvalidOperationException($"Credential {credential.CredentialId} exists.");
            }
        }

        return Task.CompletedTask;
    }

    public Task<DeviceCredential?> GetAsync(string credentialId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_credentials.GetValueOrDefault(credentialId));
        }
    }

    public Task<IReadOnlyList<DeviceCredential>> OfDeviceAsync(string companyId, string deviceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeviceCredential>>(
            [
                .. _credentials.Values
                    .Where(credential => credential.CompanyId == companyId && credential.DeviceId == deviceId)
                    .OrderBy(credential => credential.CreatedAt)
                    .ThenBy(credential => credential.CredentialId, StringComparer.Ordinal),
            ]);
        }
    }

    public Task<bool> RevokeAsync(string companyId, string credentialId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_credentials.TryGetValue(credentialId, out var credential) || credential.CompanyId != companyId)
            {
                return Task.FromResult(false);
            }

            _credentials[credentialId] = credential with { RevokedAt = credential.RevokedAt ?? at };
            return Task.FromResult(true);
        }
    }

    public Task MarkUsedAsync(string credentialId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_credentials.TryGetValue(credentialId, out var credential) && !(credential.LastUsedAt >= at))
            {
                _credentials[credentialId] = credential with { LastUsedAt = at };
            }
        }

        return Task.CompletedTask;
    }
}
