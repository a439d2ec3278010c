using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fleet.Core.Alerts;

/// <summary>
/// Ids derived from what identifies a thing (vehicle, kind, episode start), so every replay produces the same id and
/// storage upserts instead of duplicating.
/// </summary>
public static class DeterministicId
{
    public static string For(string scope, string kind, string key)
    {
        var input = string.Concat(scope, "\n", kind, "\n", key);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    public static string For(string scope, string kind, DateTimeOffset episodeStart) =>
        For(scope, kind, episodeStart.UtcTicks.ToString(CultureInfo.InvariantCulture));

    public static string ForAlert(string vehicleId, AlertType type, string episodeKey) => For(vehicleId, type.ToCode(), episodeKey);

    public static string ForAlert(string vehicleId, AlertType type, DateTimeOffset episodeStart) =>
        For(vehicleId, type.ToCode(), episodeStart);

    public static string ForTrip(string vehicleId, DateTimeOffset start) => For(vehicleId, "trip", start);
}
