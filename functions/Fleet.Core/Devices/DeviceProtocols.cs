using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Fleet.Core.Devices;

/// <summary>One message of a device protocol as DESIGN 3.1 telemetry, the reason it cannot be, or nothing to take.</summary>
/// <param name="Ignored">A message that carries no position (OwnTracks' transitions, waypoints...): answered, not forwarded.</param>
public sealed record ConvertedMessage(byte[]? Event, string? Error, bool Ignored = false)
{
    public static ConvertedMessage Invalid(string error) => new(null, error);
}

/// <summary>
/// What the phone and tracker apps send, converted to DESIGN 3.1 JSON for the one parser every event goes through:
/// units to km/h and km, names to ours. The device id always comes from the credential, never from the message (the
/// OsmAnd identifier is the device token itself).
/// </summary>
public static class DeviceProtocols
{
    private const double KmhPerKnot = 1.852;
    private const double KmhPerMeterPerSecond = 3.6;

    /// <summary>
    /// OsmAnd as Traccar Client and many trackers send it, in the query string or a form: <c>lat</c>, <c>lon</c>,
    /// <c>timestamp</c> (Unix seconds or ISO 8601), <c>speed</c> in knots, <c>bearing</c>/<c>heading</c>, <c>altitude</c>,
    /// <c>accuracy</c>, <c>ignition</c>, <c>driverUniqueId</c>; battery fields are read by nothing downstream and dropped.
    /// </summary>
    public static ConvertedMessage FromOsmAnd(IReadOnlyDictionary<string, string> fields, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string? error = null;
        double? Number(string name) => Parse(fields.GetValueOrDefault(name), name, ref error);
        var latitude = Number("lat");
        var longitude = Number("lon");
        var speedKnots = Number("speed");
        var heading = Number("bearing") ?? Number("heading");
        var altitude = Number("altitude");
        var accuracy = Number("accuracy");
        if (error is not null)
        {
            return ConvertedMessage.Invalid(error);
        }

        if (latitude is null || longitude is null || fields.GetValueOrDefault("timestamp") is not { Length: > 0 } timestamp)
        {
            return ConvertedMessage.Invalid("lat, lon and timestamp are required.");
        }

        bool? ignition = fields.GetValueOrDefault("ignition") switch
        {
            null or "" => null,
            "true" or "1" => true,
            "false" or "0" => false,
            _ => null,
        };
        return Write(writer =>
        {
            writer.WriteString("device_id", deviceId);
            WriteTimestamp(writer, timestamp);
            writer.WriteNumber("latitude", latitude.Value);
            writer.WriteNumber("longitude", longitude.Value);
            WriteOptional(writer, "speed", speedKnots * KmhPerKnot);
            WriteOptional(writer, "heading", heading);
            WriteOptional(writer, "altitude", altitude);
            WriteOptional(writer, "accuracy", accuracy);
            if (ignition is { } on)
            {
                writer.WriteBoolean("ignition", on);
            }

            if (fields.GetValueOrDefault("driverUniqueId") is { Length: > 0 } driver)
            {
                writer.WriteString("driver_id", driver);
            }
        });
    }

    /// <summary>
    /// The JSON body of Traccar Client 9 and later: <c>{"device_id", "location": {"timestamp", "coords": {latitude,
    /// longitude, accuracy, speed (m/s), heading, altitude}, "odometer" (m), ...}}</c>. Negative speed or heading means
    /// unknown, as the app reports it.
    /// </summary>
    public static ConvertedMessage FromTraccarJson(JsonElement message, string deviceId)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("location", out var location) || location.ValueKind != JsonValueKind.Object ||
            !location.TryGetProperty("coords", out var coords) || coords.ValueKind != JsonValueKind.Object)
        {
            return ConvertedMessage.Invalid("location.coords is required.");
        }

        if (!location.TryGetProperty("timestamp", out var timestamp) || timestamp.ValueKind != JsonValueKind.String ||
            Number(coords, "latitude") is not { } latitude || Number(coords, "longitude") is not { } longitude)
        {
            return ConvertedMessage.Invalid("location.timestamp and location.coords.latitude and longitude are required.");
        }

        return Write(writer =>
        {
            writer.WriteString("device_id", deviceId);
            writer.WriteString("timestamp", timestamp.GetString());
            writer.WriteNumber("latitude", latitude);
            writer.WriteNumber("longitude", longitude);
            WriteOptional(writer, "speed", Number(coords, "speed") is >= 0 and var speed ? speed * KmhPerMeterPerSecond : null);
            WriteOptional(writer, "heading", Number(coords, "heading") is >= 0 and var heading ? heading : null);
            WriteOptional(writer, "altitude", Number(coords, "altitude"));
            WriteOptional(writer, "accuracy", Number(coords, "accuracy"));
            WriteOptional(writer, "odometer", Number(location, "odometer") / 1000);
        });
    }

    /// <summary>
    /// OwnTracks in HTTP mode: <c>{"_type": "location", "lat", "lon", "tst" (Unix s), "vel" (km/h), "cog", "alt",
    /// "acc"}</c>. Other message types carry no position and are ignored.
    /// </summary>
    public static ConvertedMessage FromOwnTracks(JsonElement message, string deviceId)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return ConvertedMessage.Invalid("The body must be an OwnTracks JSON object.");
        }

        if (!message.TryGetProperty("_type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "location")
        {
            return new ConvertedMessage(null, null, Ignored: true);
        }

        if (Number(message, "lat") is not { } latitude || Number(message, "lon") is not { } longitude || Number(message, "tst") is not { } seconds)
        {
            return ConvertedMessage.Invalid("lat, lon and tst are required.");
        }

        return Write(writer =>
        {
            writer.WriteString("device_id", deviceId);
            writer.WriteNumber("timestamp", seconds);
            writer.WriteNumber("latitude", latitude);
            writer.WriteNumber("longitude", longitude);
            WriteOptional(writer, "speed", Number(message, "vel") is >= 0 and var speed ? speed : null);
            WriteOptional(writer, "heading", Number(message, "cog") is >= 0 and var heading ? heading : null);
            WriteOptional(writer, "altitude", Number(message, "alt"));
            WriteOptional(writer, "accuracy", Number(message, "acc"));
        });
    }

    // A number the parser will judge for range; NaN and infinities are not numbers here.
    private static double? Parse(string? text, string name, ref string? error)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        error ??= $"{name} must be a number.";
        return null;
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : null;

    // Unix seconds stay a number (the parser reads seconds and milliseconds); anything else goes as text for it to judge.
    private static void WriteTimestamp(Utf8JsonWriter writer, string timestamp)
    {
        if (double.TryParse(timestamp, NumberStyles.Float, CultureInfo.InvariantCulture, out var unix) && double.IsFinite(unix))
        {
            writer.WriteNumber("timestamp", unix);
        }
        else
        {
            writer.WriteString("timestamp", timestamp);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, Math.Round(number, 3));
        }
    }

    private static ConvertedMessage Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        return new ConvertedMessage(buffer.WrittenSpan.ToArray(), null);
    }
}
