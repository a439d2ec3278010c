using Fleet.Core.Devices;
using Fleet.Core.Ports;

namespace Fleet.Core.Api;

public sealed record DeviceCredentialRequest(string? Label);

/// <summary>A credential as listed: never its secret.</summary>
public sealed record DeviceCredentialView(
    string CredentialId, string DeviceId, string? Label, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static DeviceCredentialView From(DeviceCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new(credential.CredentialId, credential.DeviceId, credential.Label, credential.CreatedAt, credential.LastUsedAt, credential.RevokedAt);
    }
}

/// <param name="Token">The device token, shown this once: only its hash is stored.</param>
public sealed record NewDeviceCredential(DeviceCredentialView Credential, string Token);

/// <summary>
/// Device credentials (DESIGN 3.5), managed by the admins of the device's company: create (a device may hold several,
/// which is how it rotates: create the next, move the device over, revoke the old), list, revoke.
/// </summary>
public sealed class DeviceCredentialsApiHandler(IDeviceCredentialStore credentials, IDeviceRegistry registry, DeviceAuthenticator authenticator, TimeProvider timeProvider)
{
    public const int MaxLabelLength = 100;

    public async Task<ApiResult<NewDeviceCredential>> CreateAsync(FleetCaller caller, string deviceId, DeviceCredentialRequest? request, CancellationToken cancellationToken)
    {
        if (await OwnDeviceAsync(caller, deviceId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (request?.Label is { } label && (label.Length > MaxLabelLength || label.Any(char.IsControl)))
        {
            return ApiProblem.InvalidField("label", $"label must be at most {MaxLabelLength} characters, without control characters.");
        }

        // Revoked credentials stay listed as the record of who could send; only the ones that still open the gateway count.
        var active = (await credentials.OfDeviceAsync(caller.CompanyId, deviceId, cancellationToken)).Count(credential => !credential.Revoked);
        if (active >= StoredLimits.MaxActiveCredentialsPerDevice)
        {
            return ApiProblem.Conflict(
                $"Device '{deviceId}' holds {StoredLimits.MaxActiveCredentialsPerDevice} credentials that are not revoked, the most one may; revoke one first.");
        }

        var credentialId = ResourceIds.New("dc");
        var (token, hash) = DeviceTokens.Create(credentialId);
        var credential = new DeviceCredential(credentialId, caller.CompanyId, deviceId, hash, request?.Label?.Trim(), timeProvider.GetUtcNow(), caller.UserId);
        await credentials.CreateAsync(credential, cancellationToken);
        return ApiResult<NewDeviceCredential>.Created(
            new NewDeviceCredential(DeviceCredentialView.From(credential), token),
            $"/api/devices/{Uri.EscapeDataString(deviceId)}/credentials");
    }

    public async Task<ApiResult<IReadOnlyList<DeviceCredentialView>>> ListAsync(FleetCaller caller, string deviceId, CancellationToken cancellationToken)
    {
        if (await OwnDeviceAsync(caller, deviceId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        return ApiResult<IReadOnlyList<DeviceCredentialView>>.Ok(
            [.. (await credentials.OfDeviceAsync(caller.CompanyId, deviceId, cancellationToken)).Select(DeviceCredentialView.From)]);
    }

    public async Task<ApiResult> RevokeAsync(FleetCaller caller, string deviceId, string credentialId, CancellationToken cancellationToken)
    {
        if (await OwnDeviceAsync(caller, deviceId, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var credential = await credentials.GetAsync(credentialId, cancellationToken);
        if (credential is null || credential.CompanyId != caller.CompanyId || credential.DeviceId != deviceId)
        {
            return ApiProblem.NotFound($"Device '{deviceId}' has no credential '{credentialId}'.");
        }

        await credentials.RevokeAsync(caller.CompanyId, credentialId, timeProvider.GetUtcNow(), cancellationToken);
        authenticator.Forget(credentialId);
        return ApiResult.NoContent;
    }

    // A device of another company and one that does not exist get the same answer.
    private async Task<ApiProblem?> OwnDeviceAsync(FleetCaller caller, string deviceId, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        var registration = (await registry.ResolveAsync([deviceId], cancellationToken)).GetValueOrDefault(deviceId);
        return registration?.CompanyId == caller.CompanyId ? null : ApiProblem.NotFound($"No device '{deviceId}' in this company.");
    }
}
