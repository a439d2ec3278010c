using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Alerts;

/// <summary>
/// Ids derived from what identifies a thing (vehicle, kind, episode start), so every replay produces the same id and
/// storage upserts instead of duplicating. SHA-256, so that no vehicle id an admin chooses can be crafted to collide
/// with another company's trip or alert.
/// </summary>
public static class DeterministicId
{
    private const int MaxStackBytes = 512;

    public static string For(string scope, string kind, string key)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(key);
        var length = Encoding.UTF8.GetMaxByteCount(scope.Length + kind.Length + key.Length + 2);
        var input = length <= MaxStackBytes ? stackalloc byte[MaxStackBytes] : new byte[length];
        var written = Encoding.UTF8.GetBytes(scope, input);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(kind, input[written..]);
        input[written++] = (byte)'\n';
        written += Encoding.UTF8.GetBytes(key, input[written..]);

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..written], hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    public static string For(string scope, string kind, DateTimeOffset episodeStart) =>
        For(scope, kind, episodeStart.UtcTicks.ToString(CultureInfo.InvariantCulture));

    public static string ForAlert(string vehicleId, AlertType type, string episodeKey) => For(vehicleId, type.ToCode(), episodeKey);

    public static string ForAlert(string vehicleId, AlertType type, DateTimeOffset episodeStart) =>
        For(vehicleId, type.ToCode(), episodeStart);

    public static string ForTrip(string vehicleId, DateTimeOffset start) => For(vehicleId, "trip", start);
}
