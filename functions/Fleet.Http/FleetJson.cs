using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Http;

/// <summary>The API's JSON: snake_case names and dictionary keys, on every transport (HTTP bodies, SignalR payloads).</summary>
public static class FleetJson
{
    /// <summary>Web defaults with <see cref="Configure"/> applied; read-only, so no caller can change it for the others.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// Applies the API's naming and number rules to options a framework owns (its HTTP or SignalR JSON settings).
    /// Numbers are JSON numbers only: "NaN", "Infinity" or "12" in quotes are refused as the caller's error.
    /// </summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new FiniteDoubleConverter());
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Doubles as JSON numbers. A non-finite value stored before the API refused them (or computed from one) is written
    /// as null, so one bad value cannot fail a whole list, a dashboard or a realtime message.
    /// </summary>
    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value)
                ? value
                : throw new JsonException("A number is expected.");

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
