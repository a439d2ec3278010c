using System.ComponentModel.DataAnnotations;

namespace Fleet.Adapters.Auth;

/// <summary>
/// How user tokens are validated (section <c>Fleet:Auth</c>): issuer and audience always, and the signing keys from an
/// OpenID Connect authority (Entra ID) or, for local development, a shared HS256 key.
/// </summary>
public sealed class UserTokenOptions : IValidatableObject
{
    public const string Section = "Fleet:Auth";

    /// <summary>An HMAC-SHA256 key must be at least 256 bits.</summary>
    public const int MinSigningKeyLength = 32;

    [Required(ErrorMessage = "Fleet:Auth:Issuer is required.")]
    public string Issuer { get; set; } = "";

    [Required(ErrorMessage = "Fleet:Auth:Audience is required.")]
    public string Audience { get; set; } = "";

    /// <summary>OpenID Connect authority whose metadata lists the signing keys, e.g. https://login.microsoftonline.com/{tenant}/v2.0.</summary>
    public Uri? Authority { get; set; }

    /// <summary>A shared HS256 key (local development and tests only).</summary>
    public string? SigningKey { get; set; }

    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

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
    }
}
