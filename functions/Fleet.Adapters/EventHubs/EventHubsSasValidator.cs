using System.Globalization;
using System.Security.Cryptography;

namespace Fleet.Adapters.EventHubs;

/// <summary>
/// Checks the <c>Authorization</c> header of an Event Hubs send as the service does: the token's key name must be
/// known, its signature must match (compared in constant time), it must not have expired, and its <c>sr</c> must be the
/// namespace, the event hub, or, on a publisher path, that same publisher (compared case-insensitively after unescaping,
/// ignoring a trailing slash). A publisher-scoped token is valid only on its own publisher's path.
/// </summary>
/// <param name="findKey">The key for a key name, or null when the name is unknown.</param>
public sealed class EventHubsSasValidator(Func<string, string?> findKey, TimeProvider timeProvider)
{
    private static readonly string[] FieldNames = ["sr", "sig", "se", "skn"];

    private readonly Func<string, string?> _findKey = findKey ?? throw new ArgumentNullException(nameof(findKey));
    private readonly TimeProvider _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    public SasValidation Validate(string? authorization, EventHubsResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var header = authorization.AsSpan().Trim();
        var schemeEnd = header.IndexOf(' ');
        var scheme = schemeEnd < 0 ? header : header[..schemeEnd];
        if (!scheme.Equals(EventHubsSas.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return SasValidation.Fail(SasFailure.Missing, "The request has no SharedAccessSignature authorization.");
        }

        if (Parse(schemeEnd < 0 ? "" : header[schemeEnd..].TrimStart().ToString()) is not { } token)
        {
            return SasValidation.Fail(
                SasFailure.Malformed, "The token must hold sr, sig, se and skn exactly once each, and nothing else.");
        }

        if (!ulong.TryParse(token.Expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds) ||
            expirySeconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return SasValidation.Fail(SasFailure.Malformed, "The token's se is not a Unix time in seconds.");
        }

        var signatureText = Uri.UnescapeDataString(token.Signature);
        var signature = new byte[(signatureText.Length / 4 + 1) * 3];
        if (!Convert.TryFromBase64String(signatureText, signature, out var signatureLength))
        {
            return SasValidation.Fail(SasFailure.Malformed, "The token's sig is not base64.");
        }

        if (_findKey(Uri.UnescapeDataString(token.KeyName)) is not { Length: > 0 } key)
        {
            return SasValidation.Fail(SasFailure.UnknownKeyName, "The token's key name is not known.");
        }

        // What was signed is sr exactly as the signer escaped it: re-escaping it here would refuse a token from a
        // client whose URL encoder differs from .NET's in the characters it leaves alone (JavaScript's, for one).
        var expected = EventHubsSas.Sign(key, token.Resource, token.Expiry);
        if (!CryptographicOperations.FixedTimeEquals(expected, signature.AsSpan(0, signatureLength)))
        {
            return SasValidation.Fail(SasFailure.BadSignature, "The token's signature does not match.");
        }

        if (_timeProvider.GetUtcNow() >= DateTimeOffset.FromUnixTimeSeconds((long)expirySeconds))
        {
            return SasValidation.Fail(SasFailure.Expired, "The token has expired.");
        }

        return MatchResource(Uri.UnescapeDataString(token.Resource).TrimEnd('/'), resource);
    }

    private static SasValidation MatchResource(string audience, EventHubsResource resource)
    {
        if (string.Equals(audience, resource.NamespaceResourceUri, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(audience, resource.EventHubResourceUri, StringComparison.OrdinalIgnoreCase))
        {
            return SasValidation.Success(null);
        }

        var publishers = resource.EventHubResourceUri + EventHubsResource.PublishersSegment;
        if (!audience.StartsWith(publishers, StringComparison.OrdinalIgnoreCase) ||
            audience.IndexOf('/', publishers.Length) >= 0 || audience.Length == publishers.Length)
        {
            return SasValidation.Fail(SasFailure.WrongResource, "The token is for another namespace or event hub.");
        }

        var publisher = Uri.UnescapeDataString(audience[publishers.Length..]);
        if (resource.Publisher is null)
        {
            return SasValidation.Fail(
                SasFailure.WrongResource, "The token is scoped to a publisher; send to that publisher's path.");
        }

        return string.Equals(publisher, resource.Publisher, StringComparison.OrdinalIgnoreCase)
            ? SasValidation.Success(publisher)
            : SasValidation.Fail(SasFailure.WrongResource, "The token is scoped to another publisher.");
    }

    /// <summary>The four fields in any order, each once and non-empty, values as written; null for anything else.</summary>
    private static SasToken? Parse(string fields)
    {
        var values = new Dictionary<string, string>(FieldNames.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields.Split('&'))
        {
            var separator = field.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || separator == field.Length - 1)
            {
                return null;
            }

            var name = field[..separator];
            if (!FieldNames.Contains(name, StringComparer.OrdinalIgnoreCase) || !values.TryAdd(name, field[(separator + 1)..]))
            {
                return null;
            }
        }

        return values.Count == FieldNames.Length ? new SasToken(values["sr"], values["sig"], values["se"], values["skn"]) : null;
    }

    private sealed record SasToken(string Resource, string Signature, string Expiry, string KeyName);
}
