using System.Security.Cryptography;
using System.Text;
using Fleet.Core.Api;

namespace Fleet.Core.Devices;

/// <summary>
/// A device's credential (DESIGN 3.5) as stored: only a hash of its secret, so a leaked table lets nobody send. A device
/// may hold several at once while it moves from one to the next; a revoked one stays listed, refused.
/// </summary>
public sealed record DeviceCredential(
    string CredentialId,
    string CompanyId,
    string DeviceId,
    byte[] SecretHash,
    string? Label,
    DateTimeOffset CreatedAt,
    string CreatedByUserId,
    DateTimeOffset? LastUsedAt = null,
    DateTimeOffset? RevokedAt = null)
{
    public bool Revoked => RevokedAt is not null;
}

/// <summary>
/// Device tokens: <c>fdk_{credential id}_{secret}</c>, the secret 256 random bits in base64url. The id finds the stored
/// credential and the secret is checked against its hash in constant time. URL-safe throughout, because Traccar Client
/// sends the token as its device identifier in the query string.
/// </summary>
public static class DeviceTokens
{
    public const string Prefix = "fdk_";

    /// <summary>A new credential's token and the hash to store; the token is shown once and kept nowhere.</summary>
    public static (string Token, byte[] SecretHash) Create(string credentialId)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{Prefix}{credentialId}_{secret}", HashOf(secret));
    }

    public static bool LooksLikeToken(string? token) => token?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>The credential id and secret a token names, or null when it is not shaped like one.</summary>
    public static (string CredentialId, string Secret)? Parse(string? token)
    {
        if (!LooksLikeToken(token) || token!.Length > 256)
        {
            return null;
        }

        var rest = token[Prefix.Length..];
        var separator = rest.IndexOf('_', StringComparison.Ordinal);
        return separator > 0 && separator < rest.Length - 1 && ResourceIds.IsValid(rest[..separator])
            ? (rest[..separator], rest[(separator + 1)..])
            : null;
    }

    /// <summary>Whether <paramref name="secret"/> is the one whose hash was stored, compared in constant time.</summary>
    public static bool Matches(string secret, byte[] secretHash) => CryptographicOperations.FixedTimeEquals(HashOf(secret), secretHash);

    // 256 random bits need no slow hash: no guess can be tested faster than it could be sent.
    private static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
