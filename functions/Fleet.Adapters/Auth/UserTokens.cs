using System.Security.Claims;
using System.Text;
using Fleet.Core.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Adapters.Auth;

/// <summary>A validated identity, or why the token was refused (for the 401 answer; never the token itself).</summary>
/// <param name="Unavailable">The token could not be checked at all (the authority's keys are out of reach): not the caller's fault.</param>
public sealed record UserTokenValidation(FleetIdentity? Identity, string? Failure, bool Unavailable = false)
{
    public static UserTokenValidation Refused(string failure) => new(null, failure);
}

/// <summary>
/// Validates user tokens (signature, issuer, audience, lifetime, tenant) and reads who the user is from them; mints
/// development tokens with the shared key. Thread-safe; one per process.
/// </summary>
public sealed class UserTokens
{
    private readonly UserTokenOptions _options;
    private readonly HashSet<string> _operators;
    private readonly HashSet<string> _allowedTenants;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SymmetricSecurityKey? _sharedKey;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _authorityMetadata;

    public UserTokens(IOptions<UserTokenOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _operators = new HashSet<string>(_options.Operators, StringComparer.Ordinal);
        _allowedTenants = new HashSet<string>(_options.AllowedTenants, StringComparer.OrdinalIgnoreCase);
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
            ValidIssuers = _options.ValidIssuers,
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

        return ToIdentity(result.ClaimsIdentity);
    }

    /// <summary>Whether <see cref="MintDevelopmentToken"/> can sign: a shared signing key is configured.</summary>
    public bool MintsDevelopmentTokens => _sharedKey is not null;

    /// <summary>
    /// A token for any user, signed with the shared key (the development token endpoint), asking to act for the company.
    /// What the user may do there is their membership's, which the endpoint ensures.
    /// </summary>
    public string MintDevelopmentToken(string userId, string? companyId)
    {
        if (_sharedKey is null)
        {
            throw new InvalidOperationException("Development tokens need Fleet:Auth:SigningKey.");
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.ValidIssuers[0],
            Audience = _options.Audience,
            Claims = companyId is null
                ? new Dictionary<string, object>(StringComparer.Ordinal) { [_options.UserIdClaim] = userId }
                : new Dictionary<string, object>(StringComparer.Ordinal) { [_options.UserIdClaim] = userId, [FleetClaims.CompanyHint] = companyId },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.DevTokenLifetime,
            SigningCredentials = new SigningCredentials(_sharedKey, SecurityAlgorithms.HmacSha256),
        });
    }

    private UserTokenValidation ToIdentity(ClaimsIdentity identity)
    {
        // A claim that names the user twice is ambiguous: taking either value could make the token someone else's.
        var userIds = identity.FindAll(_options.UserIdClaim).ToList();
        if (userIds.Count != 1 || string.IsNullOrWhiteSpace(userIds[0].Value))
        {
            return UserTokenValidation.Refused(userIds.Count > 1
                ? $"The token has several '{_options.UserIdClaim}' claims."
                : $"The token lacks the '{_options.UserIdClaim}' claim that identifies its user.");
        }

        if (_allowedTenants.Count > 0 && !(Single(identity, FleetClaims.TenantId) is { } tenant && _allowedTenants.Contains(tenant)))
        {
            return UserTokenValidation.Refused("The token's tenant ('tid') is not one this service accepts.");
        }

        var userId = userIds[0].Value;
        var isOperator = _operators.Contains(userId) || identity.FindAll(FleetClaims.Roles).Any(role => role.Value == _options.OperatorRole);
        return new UserTokenValidation(
            new FleetIdentity(
                userId,
                isOperator,
                Single(identity, FleetClaims.Name),
                Single(identity, FleetClaims.PreferredUsername) ?? Single(identity, FleetClaims.Email),
                Single(identity, FleetClaims.CompanyHint)),
            null);
    }

    private static string? Single(ClaimsIdentity identity, string type)
    {
        var values = identity.FindAll(type).Take(2).ToList();
        return values.Count == 1 && values[0].Value.Length > 0 ? values[0].Value : null;
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
