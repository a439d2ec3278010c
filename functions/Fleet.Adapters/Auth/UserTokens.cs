using System.Security.Claims;
using System.Text;
using Fleet.Core.Api;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Adapters.Auth;

/// <summary>A validated caller, or why the token was refused (for the 401 answer; never the token itself).</summary>
/// <param name="Unavailable">The token could not be checked at all (the authority's keys are out of reach): not the caller's fault.</param>
public sealed record UserTokenValidation(FleetCaller? Caller, string? Failure, bool Unavailable = false)
{
    public static UserTokenValidation Refused(string failure) => new(null, failure);
}

/// <summary>
/// Validates user tokens (signature, issuer, audience, lifetime) and turns their claims into a <see cref="FleetCaller"/>;
/// mints development tokens with the shared key. Thread-safe; one per process.
/// </summary>
public sealed class UserTokens
{
    private static readonly Dictionary<string, FleetRole> Roles = new(StringComparer.Ordinal)
    {
        ["admin"] = FleetRole.Admin,
        ["dispatcher"] = FleetRole.Dispatcher,
        ["driver"] = FleetRole.Driver,
        ["viewer"] = FleetRole.Viewer,
    };

    private readonly UserTokenOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey? _sharedKey;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _authorityMetadata;

    public UserTokens(IOptions<UserTokenOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _timeProvider = timeProvider;
        if (_options.SigningKey is { Length: > 0 } key)
        {
            _sharedKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key));
        }

        if (_options.Authority is { } authority)
        {
            _authorityMetadata = new ConfigurationManager<OpenIdConnectConfiguration>(
                new Uri(authority, ".well-known/openid-configuration").ToString(),
                new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = authority.Scheme == Uri.UriSchemeHttps });
        }
    }

    public static IReadOnlyCollection<string> RoleNames => Roles.Keys;

    public static bool TryParseRole(string? name, out FleetRole role) => Roles.TryGetValue(name ?? "", out role);

    public async Task<UserTokenValidation> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return UserTokenValidation.Refused("A bearer token is required.");
        }

        var keys = new List<SecurityKey>();
        if (_sharedKey is not null)
        {
            keys.Add(_sharedKey);
        }

        if (_authorityMetadata is not null)
        {
            try
            {
                keys.AddRange((await _authorityMetadata.GetConfigurationAsync(cancellationToken)).SigningKeys);
            }
            catch (InvalidOperationException)
            {
                // The metadata manager reports every way of failing to fetch the keys (network, HTTP status, bad
                // document) as this; it retries on later calls by itself.
                return new UserTokenValidation(null, "The token authority's signing keys cannot be fetched right now.", Unavailable: true);
            }
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKeys = keys,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        });
        if (!result.IsValid)
        {
            return UserTokenValidation.Refused("The token is not valid: " + Describe(result.Exception));
        }

        return ToCaller(result.ClaimsIdentity);
    }

    /// <summary>Whether <see cref="MintDevelopmentToken"/> can sign: a shared signing key is configured.</summary>
    public bool MintsDevelopmentTokens => _sharedKey is not null;

    /// <summary>A token for any user of any company, signed with the shared key (the development token endpoint).</summary>
    public string MintDevelopmentToken(string userId, string companyId, FleetRole role, IReadOnlyCollection<string> vehicleIds)
    {
        if (_sharedKey is null)
        {
            throw new InvalidOperationException("Development tokens need Fleet:Auth:SigningKey.");
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [FleetClaims.Subject] = userId,
            [FleetClaims.CompanyId] = companyId,
            [FleetClaims.Role] = Roles.Single(pair => pair.Value == role).Key,
        };
        if (vehicleIds.Count > 0)
        {
            claims[FleetClaims.VehicleIds] = vehicleIds.ToArray();
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.DevTokenLifetime,
            SigningCredentials = new SigningCredentials(_sharedKey, SecurityAlgorithms.HmacSha256),
        });
    }

    private static UserTokenValidation ToCaller(ClaimsIdentity identity)
    {
        var userId = identity.FindFirst(FleetClaims.Subject)?.Value;
        var companyId = identity.FindFirst(FleetClaims.CompanyId)?.Value;
        var roleName = identity.FindFirst(FleetClaims.Role)?.Value;
        if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrWhiteSpace(companyId))
        {
            return UserTokenValidation.Refused($"The token lacks the '{FleetClaims.Subject}' or '{FleetClaims.CompanyId}' claim.");
        }

        if (!TryParseRole(roleName, out var role))
        {
            return UserTokenValidation.Refused($"The token's '{FleetClaims.Role}' claim is not one of {string.Join(", ", Roles.Keys)}.");
        }

        var vehicles = identity.FindAll(FleetClaims.VehicleIds).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);
        return new UserTokenValidation(new FleetCaller(userId, companyId, role, vehicles), null);
    }

    // Names the failed check (expired, audience, signature) without echoing token contents.
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "it has expired.",
        SecurityTokenNotYetValidException => "it is not valid yet.",
        SecurityTokenInvalidAudienceException => "wrong audience.",
        SecurityTokenInvalidIssuerException => "wrong issuer.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad signature.",
        SecurityTokenNoExpirationException => "it has no expiry.",
        _ => "it could not be read.",
    };
}
