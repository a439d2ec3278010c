namespace Fleet.Core.Telemetry;

/// <summary>
/// Direct readers of the text forms devices nearly always send (UTC timestamps, short decimals), several times faster
/// than the general parsers and giving exactly their results; anything else goes to the general readers.
/// </summary>
internal static class TelemetryText
{
    /// <summary>
    /// The form devices almost always send, "yyyy-MM-ddTHH:mm:ss[.fffffff]Z", read directly; anything else (offsets,
    /// other precisions, odd but valid ISO forms) goes to the general reader.
    /// </summary>
    internal static bool TryParseUtcTimestamp(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length is < 20 or > 28 || text[^1] != (byte)'Z' || text[4] != (byte)'-' || text[7] != (byte)'-' ||
            text[10] != (byte)'T' || text[13] != (byte)':' || text[16] != (byte)':' ||
            !TryDigits(text[..4], out var year) || !TryDigits(text[5..7], out var month) || !TryDigits(text[8..10], out var day) ||
            !TryDigits(text[11..13], out var hour) || !TryDigits(text[14..16], out var minute) || !TryDigits(text[17..19], out var second))
        {
            return false;
        }

        var fraction = text[19..^1];
        var fractionTicks = 0;
        if (!fraction.IsEmpty)
        {
            if (fraction[0] != (byte)'.' || fraction.Length < 2 || !TryDigits(fraction[1..], out fractionTicks))
            {
                return false;
            }

            for (var digits = fraction.Length - 1; digits < 7; digits++)
            {
                fractionTicks *= 10;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks), TimeSpan.Zero);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var digit in text)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = value * 10 + (digit - '0');
        }

        return true;
    }

    internal static bool HasOffsetDesignator(ReadOnlySpan<byte> text)
    {
        var timeStart = text.IndexOfAny((byte)'T', (byte)'t');
        if (timeStart < 0)
        {
            return false;
        }

        var time = text[(timeStart + 1)..];
        return time.EndsWith("Z"u8) || time.EndsWith("z"u8) || time.IndexOfAny((byte)'+', (byte)'-') >= 0;
    }

    internal static bool TryParseShortDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var negative = !text.IsEmpty && text[0] == (byte)'-';
        var index = negative ? 1 : 0;
        long mantissa = 0;
        int digits = 0, fractionDigits = 0;
        var inFraction = false;
        for (; index < text.Length; index++)
        {
            var current = text[index];
            if (current is >= (byte)'0' and <= (byte)'9')
            {
                // Leading zeros are not significant and do not count against the 15 digits.
                if (mantissa != 0 || current != (byte)'0')
                {
                    digits++;
                }

                mantissa = mantissa * 10 + (current - '0');
                fractionDigits += inFraction ? 1 : 0;
            }
            else if (current == (byte)'.' && !inFraction)
            {
                inFraction = true;
            }
            else
            {
                return false;
            }
        }

        if (digits > 15 || fractionDigits > 22)
        {
            return false;
        }

        var magnitude = fractionDigits == 0 ? mantissa : mantissa / PowersOfTen[fractionDigits];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
}
