using System.Buffers.Binary;
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

        var slot = Slot(utf8);
        var cached = Volatile.Read(ref Slots[slot]);
        if (cached is not null && Ascii.Equals(utf8, cached))
        {
            return cached;
        }

        var text = Encoding.ASCII.GetString(utf8);
        Volatile.Write(ref Slots[slot], text);
        return text;
    }

    /// <summary>
    /// Ids differ mostly at their ends ("dev-0041", "dev-0042"), so the length and the first and last eight bytes,
    /// multiplied and folded, spread them well; a collision only costs a miss.
    /// </summary>
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        ulong head, tail;
        if (utf8.Length >= sizeof(ulong))
        {
            head = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            tail = BinaryPrimitives.ReadUInt64LittleEndian(utf8[^sizeof(ulong)..]);
        }
        else
        {
            head = 0;
            foreach (var b in utf8)
            {
                head = (head << 8) | b;
            }

            tail = head;
        }

        var mixed = (head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)utf8.Length;
        return (int)(mixed >> 52) & (Slots.Length - 1);
    }
}
