using System.Globalization;

namespace Fleet.Adapters.Tables;

/// <summary>How property values are written on the wire: in entity bodies and as <c>$filter</c> literals.</summary>
internal static class TableEdm
{
    public const string Int64 = "Edm.Int64";
    public const string Double = "Edm.Double";
    public const string DateTime = "Edm.DateTime";
    public const string Guid = "Edm.Guid";
    public const string Binary = "Edm.Binary";

    // Seven fractional digits keep every tick, so a stored DateTimeOffset compares equal when read back.
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static bool IsSupported(object value) =>
        value is string or bool or int or long or double or DateTimeOffset or System.Guid or byte[];

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseDateTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>A value as an OData literal for <c>$filter</c>: strings quoted with inner quotes doubled.</summary>
    public static string FormatLiteral(object? value) => value switch
    {
        null => throw new ArgumentException("A filter cannot compare with null: the Table service does not store nulls.", nameof(value)),
        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool flag => flag ? "true" : "false",
        int number => number.ToString(CultureInfo.InvariantCulture),
        long number => number.ToString(CultureInfo.InvariantCulture) + "L",
        double number => FormatDoubleLiteral(number),
        DateTimeOffset time => "datetime'" + FormatDateTime(time) + "'",
        System.Guid id => "guid'" + id.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexStringLower(bytes) + "'",
        _ => throw new ArgumentException(
            $"A filter cannot compare with a {value.GetType().Name}; use string, bool, int, long, double, DateTimeOffset, Guid or byte[].",
            nameof(value)),
    };

    private static string FormatDoubleLiteral(double number)
    {
        if (!double.IsFinite(number))
        {
            throw new ArgumentException("A filter cannot compare with NaN or infinity.", nameof(number));
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture);

        // Without a point or exponent the service would read the literal as an Int32 and never match a Double.
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
