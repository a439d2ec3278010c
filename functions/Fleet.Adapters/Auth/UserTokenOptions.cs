using System.ComponentModel.DataAnnotations;

namespace Fleet.Adapters.Auth;

/// <summary>
/// How user tokens are validated (section <c>Fleet:Auth</c>): issuer and audience always, and the signing keys from an
/// OpenID Connect authority (Entra ID) or, for local development, a shared HS256 key. Who the user is comes from
/// <see cref="UserIdClaim"/>; what they may do from the app's memberships.
/// </summary>
public sealed class UserTokenOptions : IValidatableObject
{
    public const string Section = "Fleet:Auth";

    /// <summary>An HMAC-SHA256 key must be at least 256 bits.</summary>
    public const int MinSigningKeyLength = 32;

    /// <summary>In <see cref="Issuer"/>, stands for each of <see cref="AllowedTenants"/> (a multi-tenant Entra ID app).</summary>
    public const string TenantPlaceholder = "{tenantid}";

    [Required(ErrorMessage = "Fleet:Auth:Issuer is required.")]
    public string Issuer { get; set; } = "";

    [Required(ErrorMessage = "Fleet:Auth:Audience is required.")]
    public string Audience { get; set; } = "";

    /// <summary>OpenID Connect authority whose metadata lists the signing keys, e.g. https://login.microsoftonline.com/{tenant}/v2.0.</summary>
    public Uri? Authority { get; set; }

    /// <summary>A shared HS256 key (local development and tests only).</summary>
    public string? SigningKey { get; set; }

    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The claim that identifies a user: <c>sub</c> by default, <c>oid</c> for Entra ID (the same user in every app).</summary>
    [Required(ErrorMessage = "Fleet:Auth:UserIdClaim must name a claim.")]
    public string UserIdClaim { get; set; } = FleetClaims.Subject;

    /// <summary>User ids (values of <see cref="UserIdClaim"/>) of platform operators, who create companies.</summary>
    public string[] Operators { get; set; } = [];

    /// <summary>The app role (in the <c>roles</c> claim) that makes its holder an operator.</summary>
    public string OperatorRole { get; set; } = "Fleet.Operator";

    /// <summary>When set, only tokens whose <c>tid</c> is one of these are accepted.</summary>
    public string[] AllowedTenants { get; set; } = [];

    /// <summary>The issuers a token may name: <see cref="Issuer"/>, once per allowed tenant when it holds the placeholder.</summary>
    public IReadOnlyList<string> ValidIssuers => Issuer.Contains(TenantPlaceholder, StringComparison.Ordinal)
        ? [.. AllowedTenants.Select(tenant => Issuer.Replace(TenantPlaceholder, tenant, StringComparison.Ordinal))]
        : [Issuer];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authority is null && string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult("Fleet:Auth:Authority or Fleet:Auth:SigningKey is required.", [nameof(Authority), nameof(SigningKey)]);
        }

        // The shared key is the development key, public in the repository: next to a real authority anyone could use it.
        if (Authority is not null && !string.IsNullOrEmpty(SigningKey))
        {
            yield return new ValidationResult(
                "Fleet:Auth:SigningKey must be empty when Fleet:Auth:Authority is set.", [nameof(Authority), nameof(SigningKey)]);
        }

        if (SigningKey is { Length: > 0 and < MinSigningKeyLength })
        {
            yield return new ValidationResult($"Fleet:Auth:SigningKey must be at least {MinSigningKeyLength} characters.", [nameof(SigningKey)]);
        }

        if (Issuer.Contains(TenantPlaceholder, StringComparison.Ordinal) && AllowedTenants.Length == 0)
        {
            yield return new ValidationResult(
                $"Fleet:Auth:AllowedTenants must list the tenants when Fleet:Auth:Issuer holds {TenantPlaceholder}.", [nameof(AllowedTenants)]);
        }

        if (Operators.Any(string.IsNullOrWhiteSpace) || AllowedTenants.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("Fleet:Auth:Operators and Fleet:Auth:AllowedTenants may not hold empty values.", [nameof(Operators), nameof(AllowedTenants)]);
        }
    }
}
