using System.Text;

namespace Fleet.Core.Telemetry;

/// <summary>
/// Strings for the identifiers devices repeat in every event (device and driver ids). A small lossy cache keyed by
/// the UTF-8 bytes returns the same string instance instead of decoding and allocating a new one each time. Entries
/// are immutable strings, so concurrent readers and writers can at worst miss.
/// </summary>
internal static class Utf8Strings
{
    private const int MaxCachedBytes = 64;
    private static readonly string?[] Slots = new string?[4096];

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedBytes || !Ascii.IsValid(utf8))
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (Slots.Length - 1);
        var cached = Volatile.Read(ref Slots[slot]);
        if (cached is not null && Ascii.Equals(utf8, cached))
        {
            return cached;
        }

        var text = Encoding.ASCII.GetString(utf8);
        Volatile.Write(ref Slots[slot], text);
        return text;
    }
}
