using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Adapters.EventHubs;

/// <summary>
/// Event Hubs shared access signatures as the service defines them ("Generate SAS token"): the resource URI and the
/// expiry signed with HMAC-SHA256 under the UTF-8 bytes of the key string itself (it is not base64-decoded).
/// </summary>
public static class EventHubsSas
{
    /// <summary>The <c>Authorization</c> scheme of a SAS token.</summary>
    public const string Scheme = "SharedAccessSignature";

    /// <summary>
    /// <c>SharedAccessSignature sr={escaped uri}&amp;sig={escaped signature}&amp;se={expiry}&amp;skn={key name}</c> for
    /// <paramref name="resourceUri"/> (a namespace, an event hub, or a publisher URI; see <see cref="EventHubsResource"/>),
    /// valid until <paramref name="expiresAt"/>, truncated to whole Unix seconds.
    /// </summary>
    public static string Create(string resourceUri, string keyName, string key, DateTimeOffset expiresAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceUri);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyName);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(expiresAt, DateTimeOffset.UnixEpoch);

        var escapedResource = Uri.EscapeDataString(resourceUri);
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(Sign(key, escapedResource, expiry));

        // The service's own recipe leaves the key name as is; escaping it changes nothing for ordinary names and keeps
        // an '&' or '=' in one from breaking the token apart.
        return $"{Scheme} sr={escapedResource}&sig={Uri.EscapeDataString(signature)}&se={expiry}&skn={Uri.EscapeDataString(keyName)}";
    }

    /// <summary>HMAC-SHA256 of <c>{sr as written in the token}\n{se as written}</c> under the UTF-8 bytes of the key.</summary>
    internal static byte[] Sign(string key, string escapedResource, string expiry) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(escapedResource + "\n" + expiry));
}
