using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Adapters.Auth;

/// <summary>What <c>/api/negotiate</c> returns; camelCase on the wire, as the SignalR client requires.</summary>
public sealed record SignalRConnectionInfo(string Url, string AccessToken);

/// <summary>
/// Client tokens exactly as Azure SignalR Service issues them: HS256 with the access key's UTF-8 bytes, <c>aud</c> = the
/// client URL, <c>nameid</c> = the user id, an expiry. The local host validates them at its <c>/client</c> hub.
/// </summary>
public sealed class SignalRClientTokens
{
    public const string HubName = "fleet";

    private readonly SymmetricSecurityKey _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public SignalRClientTokens(string accessKey, TimeSpan lifetime, TimeProvider timeProvider)
    {
        if (accessKey.Length < UserTokenOptions.MinSigningKeyLength)
        {
            throw new ArgumentException($"The SignalR access key must be at least {UserTokenOptions.MinSigningKeyLength} characters.", nameof(accessKey));
        }

        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey));
        _lifetime = lifetime;
        _timeProvider = timeProvider;
    }

    /// <summary>The URL clients connect to, for a service reached at <paramref name="serviceBase"/> (scheme, host, port).</summary>
    public static string ClientUrl(string serviceBase) => serviceBase.TrimEnd('/') + "/client/?hub=" + HubName;

    public SignalRConnectionInfo Mint(string serviceBase, string userId)
    {
        var url = ClientUrl(serviceBase);
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = url,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal) { [FleetClaims.SignalRUserId] = userId },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return new SignalRConnectionInfo(url, token);
    }

    /// <summary>The user of a valid client token for this service and when the token expires, or null.</summary>
    public async Task<(ClaimsIdentity Identity, DateTimeOffset ExpiresAt)?> ValidateAsync(string? token, string serviceBase)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidAudience = ClientUrl(serviceBase),
            IssuerSigningKey = _key,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!result.IsValid || result.ClaimsIdentity.FindFirst(FleetClaims.SignalRUserId)?.Value is not { Length: > 0 } userId)
        {
            return null;
        }

        // SignalR's default user id is the NameIdentifier claim; the token's short name is not mapped to it by itself.
        return (new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], authenticationType: "SignalRClientToken"),
            new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero));
    }
}
