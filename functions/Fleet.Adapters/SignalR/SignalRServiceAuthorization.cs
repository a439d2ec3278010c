using System.Text;
using Azure.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Adapters.SignalR;

/// <summary>The bearer token of one data-plane REST request to SignalR Service.</summary>
public abstract class SignalRServiceAuthorization
{
    public abstract ValueTask<string> TokenForAsync(Uri request, CancellationToken cancellationToken);
}

/// <summary>An Entra token of the app's identity: how Azure deployments call, with the service's access keys disabled.</summary>
public sealed class EntraSignalRAuthorization(TokenCredential credential) : SignalRServiceAuthorization
{
    // The audience of every SignalR Service data-plane token issued by Entra ID.
    private static readonly TokenRequestContext Scope = new(["https://signalr.azure.com/.default"]);

    public override async ValueTask<string> TokenForAsync(Uri request, CancellationToken cancellationToken) =>
        (await credential.GetTokenAsync(Scope, cancellationToken)).Token;
}

/// <summary>
/// A token signed with the connection string's access key (HS256 over its UTF-8 bytes), whose audience is the request's
/// URL without its query: the service's documented scheme, and what the SignalR emulator of local development accepts.
/// </summary>
public sealed class AccessKeySignalRAuthorization(string accessKey, TimeProvider timeProvider) : SignalRServiceAuthorization
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly SigningCredentials _signing = new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey)), SecurityAlgorithms.HmacSha256);
    private readonly JsonWebTokenHandler _handler = new();

    public override ValueTask<string> TokenForAsync(Uri request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return ValueTask.FromResult(_handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = request.GetLeftPart(UriPartial.Path),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = _signing,
        }));
    }
}
