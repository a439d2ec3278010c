using System.Collections.Concurrent;
using System.Text.Json;

namespace Fleet.Adapters;

/// <summary>Enum values as stored and sent: snake_case names ("in_progress", "invalid_coordinates").</summary>
internal static class EnumText
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    public static string Of(Enum value) => Names.GetOrAdd(value, static value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()));

    public static T Parse<T>(string text)
        where T : struct, Enum => ParseCache<T>.Values.TryGetValue(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a {typeof(T).Name}.");

    private static class ParseCache<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<string, T> Values = Enum.GetValues<T>().ToDictionary(value => Of(value), StringComparer.Ordinal);
    }
}
