using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Fleet.Core.Geo;

namespace Fleet.Core.Telemetry;

/// <summary>The outcome of parsing one event: a fix or a reason-coded rejection, never an exception.</summary>
public readonly record struct ParsedTelemetry(TelemetryFix? Fix, TelemetryRejection? Rejection)
{
    public static ParsedTelemetry Accepted(TelemetryFix fix) => new(fix, null);

    public static ParsedTelemetry Rejected(RejectionReason reason, string detail, string? deviceId = null) =>
        new(null, new TelemetryRejection(reason, detail, deviceId));
}

/// <summary>
/// Parses DESIGN 3.1 telemetry with <see cref="Utf8JsonReader"/>, accepting snake_case and camelCase names.
/// It validates syntax, types and field ranges; whether a fix is plausible (zero, future, jump...) is the pipeline's call.
/// </summary>
public static class TelemetryParser
{
    public const int MaxEventBytes = 64 * 1024;
    public const int MaxIdentifierLength = 128;
    public const int MaxNestingDepth = 16;
    public const int MaxDeviceEvents = 16;

    /// <summary>Longer than every event name a device sends; the body that carries one is kept whole in a dead letter.</summary>
    public const int MaxDeviceEventNameLength = 64;

    // Above this a numeric timestamp is read as Unix milliseconds, below as Unix seconds (1e11 s is the year 5138).
    private const double UnixMillisecondsThreshold = 1e11;
    private const double MaxUnixMilliseconds = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    private const double MaxSpeedKmh = 2_000;
    private const double MaxAltitudeMeters = 100_000;
    private const double MaxHeadingDegrees = 360;
    private const double MaxPercent = 100;

    // A JSON escape (\uXXXX) takes six bytes for one character: the most encoded bytes a name of given length can take.
    internal const int MaxEncodedBytesPerCharacter = 6;

    // The longest ISO 8601 date-time with offset and seven fraction digits ("2026-11-21T10:30:00.1234567+05:30").
    private const int MaxTimestampLength = 40;

    // Longer than every device event name: anything longer matches nothing.
    private const int MaxEventNameBytes = 32;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxNestingDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static ParsedTelemetry Parse(in TelemetryEvent telemetryEvent)
    {
        var body = telemetryEvent.Body.Span;
        if (body.Length > MaxEventBytes)
        {
            return ParsedTelemetry.Rejected(
                RejectionReason.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"event is {body.Length} bytes; the limit is {MaxEventBytes}"));
        }

        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        if (body.IsEmpty || (body[0] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' && body.Trim(" \t\r\n"u8).IsEmpty))
        {
            return ParsedTelemetry.Rejected(RejectionReason.MalformedJson, "empty body");
        }

        if (!Utf8.IsValid(body))
        {
            return ParsedTelemetry.Rejected(RejectionReason.InvalidEncoding, "body is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            return ReadObject(ref reader, telemetryEvent.Metadata);
        }
        catch (JsonException exception)
        {
            return ParsedTelemetry.Rejected(RejectionReason.MalformedJson, exception.Message);
        }
        catch (InvalidOperationException)
        {
            // Valid JSON can still escape text that is not: "\uD800" alone is no character, and transcoding it throws.
            return ParsedTelemetry.Rejected(RejectionReason.InvalidEncoding, "a string escapes an unpaired UTF-16 surrogate");
        }
    }

    private static ParsedTelemetry ReadObject(ref Utf8JsonReader reader, EventMetadata metadata)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return ParsedTelemetry.Rejected(RejectionReason.NotAnObject, $"expected a JSON object, found {reader.TokenType}");
        }

        var fields = new FieldValues();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = TelemetryFields.Match(ref reader);
            reader.Read();
            if (field == TelemetryField.Unknown)
            {
                reader.Skip();
                continue;
            }

            var bit = 1 << (int)field;
            if ((fields.Seen & bit) != 0)
            {
                // Consume the rest so a syntax error later in the body still wins: it is the more basic fault.
                while (reader.Read())
                {
                }

                return ParsedTelemetry.Rejected(
                    RejectionReason.DuplicateField, $"field '{TelemetryFields.Name(field)}' appears more than once", fields.DeviceId);
            }

            fields.Seen |= bit;
            if (ReadField(ref reader, field, ref fields) is { } error)
            {
                while (reader.Read())
                {
                }

                return ParsedTelemetry.Rejected(error.Reason, error.Detail, fields.DeviceId);
            }
        }

        // Reading past the object makes the reader reject trailing content such as a second object.
        if (reader.Read())
        {
            return ParsedTelemetry.Rejected(RejectionReason.MalformedJson, "unexpected content after the JSON object");
        }

        return Build(ref fields, metadata);
    }

    private static ParsedTelemetry Build(ref FieldValues fields, EventMetadata metadata)
    {
        if (fields.DeviceId is null)
        {
            return ParsedTelemetry.Rejected(RejectionReason.MissingField, "device_id is required");
        }

        if (fields.FixTime is not { } fixTime)
        {
            return ParsedTelemetry.Rejected(RejectionReason.MissingField, "timestamp is required", fields.DeviceId);
        }

        if (fields.Latitude is not { } latitude || fields.Longitude is not { } longitude)
        {
            var missing = fields.Latitude is null ? "latitude" : "longitude";
            return ParsedTelemetry.Rejected(RejectionReason.MissingField, $"{missing} is required", fields.DeviceId);
        }

        return ParsedTelemetry.Accepted(new TelemetryFix(
            fields.DeviceId,
            fixTime,
            new GeoPoint(latitude, longitude),
            metadata,
            fields.SpeedKmh,
            fields.HeadingDegrees,
            fields.AccuracyMeters,
            fields.AltitudeMeters,
            fields.DeviceSequence,
            fields.DriverId,
            fields.DeviceOdometerKm,
            fields.FuelLevelPercent,
            fields.Ignition,
            fields.Events,
            fields.DeviceFuelUsedLiters));
    }

    private static FieldError? ReadField(ref Utf8JsonReader reader, TelemetryField field, ref FieldValues fields)
    {
        var isNull = reader.TokenType == JsonTokenType.Null;
        switch (field)
        {
            case TelemetryField.DeviceId:
                return isNull ? FieldError.Missing("device_id is null") : ReadIdentifier(ref reader, "device_id", out fields.DeviceId);
            case TelemetryField.Timestamp:
                return isNull ? FieldError.Missing("timestamp is null") : ReadTimestamp(ref reader, out fields.FixTime);
            case TelemetryField.Latitude:
                return isNull ? FieldError.Missing("latitude is null") : ReadCoordinate(ref reader, "latitude", out fields.Latitude);
            case TelemetryField.Longitude:
                return isNull ? FieldError.Missing("longitude is null") : ReadCoordinate(ref reader, "longitude", out fields.Longitude);
            case TelemetryField.DriverId:
                return isNull ? null : ReadIdentifier(ref reader, "driver_id", out fields.DriverId);
            case TelemetryField.Speed:
                return isNull ? null : ReadBounded(ref reader, "speed", 0, MaxSpeedKmh, out fields.SpeedKmh);
            case TelemetryField.Heading:
                return isNull ? null : ReadBounded(ref reader, "heading", 0, MaxHeadingDegrees, out fields.HeadingDegrees);
            case TelemetryField.Accuracy:
                return isNull ? null : ReadBounded(ref reader, "accuracy", 0, double.MaxValue, out fields.AccuracyMeters);
            case TelemetryField.Altitude:
                return isNull ? null : ReadBounded(ref reader, "altitude", -MaxAltitudeMeters, MaxAltitudeMeters, out fields.AltitudeMeters);
            case TelemetryField.Odometer:
                return isNull ? null : ReadBounded(ref reader, "odometer", 0, double.MaxValue, out fields.DeviceOdometerKm);
            case TelemetryField.FuelLevel:
                return isNull ? null : ReadBounded(ref reader, "fuel_level", 0, MaxPercent, out fields.FuelLevelPercent);
            case TelemetryField.FuelUsed:
                return isNull ? null : ReadBounded(ref reader, "fuel_used", 0, double.MaxValue, out fields.DeviceFuelUsedLiters);
            case TelemetryField.Ignition:
                return isNull ? null : ReadBoolean(ref reader, "ignition", out fields.Ignition);
            case TelemetryField.Seq:
                return isNull ? null : ReadSequence(ref reader, out fields.DeviceSequence);
            case TelemetryField.Events:
                return isNull ? null : ReadEvents(ref reader, out fields.Events);
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }
    }

    private static FieldError? ReadIdentifier(ref Utf8JsonReader reader, string name, out string? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return FieldError.Invalid($"{name} must be a string, found {reader.TokenType}");
        }

        var encodedLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (encodedLength > MaxIdentifierLength * MaxEncodedBytesPerCharacter)
        {
            return FieldError.Invalid(string.Create(CultureInfo.InvariantCulture, $"{name} is longer than {MaxIdentifierLength} characters"));
        }

        var text = !reader.HasValueSequence && !reader.ValueIsEscaped ? Utf8Strings.Get(reader.ValueSpan) : reader.GetString()!;
        if (text.Length == 0 || text.Length > MaxIdentifierLength)
        {
            return FieldError.Invalid(string.Create(CultureInfo.InvariantCulture, $"{name} must be 1 to {MaxIdentifierLength} characters"));
        }

        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || HasControlCharacter(text))
        {
            return FieldError.Invalid($"{name} has leading or trailing white space or control characters");
        }

        value = text;
        return null;
    }

    /// <summary>C0 and C1 controls and DEL, as <see cref="char.IsControl(char)"/> defines them, without enumerating.</summary>
    private static bool HasControlCharacter(string text) =>
        text.AsSpan().ContainsAnyInRange('\0', '\x1F') || text.AsSpan().ContainsAnyInRange('\x7F', '\x9F');

    private static FieldError? ReadTimestamp(ref Utf8JsonReader reader, out DateTimeOffset? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetDouble(out var number) || !double.IsFinite(number) || number < 0)
            {
                return FieldError.Timestamp("numeric timestamp must be a non-negative Unix time");
            }

            var milliseconds = number >= UnixMillisecondsThreshold ? number : number * 1000;
            if (milliseconds > MaxUnixMilliseconds)
            {
                return FieldError.Timestamp("numeric timestamp is out of range");
            }

            value = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond));
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return FieldError.Timestamp($"timestamp must be an ISO 8601 string or Unix time, found {reader.TokenType}");
        }

        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxTimestampLength)
        {
            return FieldError.Timestamp("timestamp is not an ISO 8601 date-time");
        }

        if (TelemetryText.TryParseUtcTimestamp(reader.ValueSpan, out var utc))
        {
            value = utc;
            return null;
        }

        // GPS time is UTC. Without a designator the reader's DateTimeOffset would assume the machine's zone, so a
        // designator-less time is read as an unspecified DateTime and declared UTC here.
        if (TelemetryText.HasOffsetDesignator(reader.ValueSpan))
        {
            if (!reader.TryGetDateTimeOffset(out var withOffset))
            {
                return FieldError.Timestamp("timestamp is not an ISO 8601 date-time");
            }

            value = withOffset.ToUniversalTime();
            return null;
        }

        if (!reader.TryGetDateTime(out var unspecified))
        {
            return FieldError.Timestamp("timestamp is not an ISO 8601 date-time");
        }

        value = new DateTimeOffset(DateTime.SpecifyKind(unspecified, DateTimeKind.Unspecified), TimeSpan.Zero);
        return null;
    }

    private static FieldError? ReadCoordinate(ref Utf8JsonReader reader, string name, out double? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.Number || !TryReadDouble(ref reader, out var number))
        {
            return FieldError.Invalid($"{name} must be a finite number");
        }

        value = number;
        return null;
    }

    private static FieldError? ReadBounded(ref Utf8JsonReader reader, string name, double minimum, double maximum, out double? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.Number || !TryReadDouble(ref reader, out var number))
        {
            return FieldError.Invalid($"{name} must be a finite number");
        }

        if (number < minimum || number > maximum)
        {
            return FieldError.Invalid(string.Create(
                CultureInfo.InvariantCulture, $"{name} {number} is outside [{minimum}, {maximum}]"));
        }

        value = number;
        return null;
    }

    private static FieldError? ReadBoolean(ref Utf8JsonReader reader, string name, out bool? value)
    {
        value = reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        return value is null ? FieldError.Invalid($"{name} must be true or false") : null;
    }

    private static FieldError? ReadSequence(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var number) || number < 0)
        {
            return FieldError.Invalid("seq must be a non-negative integer");
        }

        value = number;
        return null;
    }

    private static FieldError? ReadEvents(ref Utf8JsonReader reader, out DeviceEvents value)
    {
        value = DeviceEvents.None;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return FieldError.Invalid("events must be an array of strings");
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return FieldError.Invalid("events must be an array of strings");
            }

            if (++count > MaxDeviceEvents)
            {
                return FieldError.Invalid(string.Create(CultureInfo.InvariantCulture, $"events has more than {MaxDeviceEvents} entries"));
            }

            if (IsLongerThan(ref reader, MaxDeviceEventNameLength))
            {
                return FieldError.Invalid(string.Create(
                    CultureInfo.InvariantCulture, $"events[{count - 1}] is longer than {MaxDeviceEventNameLength} characters"));
            }

            // Event names outside the known set are device-specific extensions: kept in the raw history, not acted on.
            value |= MatchDeviceEvent(ref reader);
        }

        return null;
    }

    /// <summary>
    /// Whether the current string has more than <paramref name="maxLength"/> characters. Encoded, a character takes at
    /// least one byte and at most <see cref="MaxEncodedBytesPerCharacter"/>, so only a length in between is decoded.
    /// </summary>
    private static bool IsLongerThan(ref Utf8JsonReader reader, int maxLength)
    {
        var encodedLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        return encodedLength > maxLength && (encodedLength > maxLength * MaxEncodedBytesPerCharacter || reader.GetString()!.Length > maxLength);
    }

    private static DeviceEvents MatchDeviceEvent(ref Utf8JsonReader reader)
    {
        Span<byte> buffer = stackalloc byte[MaxEventNameBytes];
        if (!TelemetryFields.TryGetUnescapedName(in reader, buffer, out var name))
        {
            return DeviceEvents.None;
        }

        return name switch
        {
            _ when name.SequenceEqual("harsh_braking"u8) || name.SequenceEqual("harshBraking"u8) => DeviceEvents.HarshBraking,
            _ when name.SequenceEqual("harsh_acceleration"u8) || name.SequenceEqual("harshAcceleration"u8) => DeviceEvents.HarshAcceleration,
            _ when name.SequenceEqual("harsh_cornering"u8) || name.SequenceEqual("harshCornering"u8) => DeviceEvents.HarshCornering,
            _ when name.SequenceEqual("crash"u8) => DeviceEvents.Crash,
            _ when name.SequenceEqual("sos"u8) => DeviceEvents.Sos,
            _ => DeviceEvents.None,
        };
    }

    /// <summary>
    /// A JSON number as a finite double. Telemetry numbers are short decimals (25.033012, 42.5): with at most 15
    /// significant digits and no exponent, the digits form an exact integer and dividing it by an exact power of ten
    /// rounds once, correctly, so the result is the same double the general parser gives, several times faster.
    /// </summary>
    private static bool TryReadDouble(ref Utf8JsonReader reader, out double value)
    {
        if (!reader.HasValueSequence && TelemetryText.TryParseShortDecimal(reader.ValueSpan, out value))
        {
            return true;
        }

        return reader.TryGetDouble(out value) && double.IsFinite(value);
    }

    private readonly record struct FieldError(RejectionReason Reason, string Detail)
    {
        public static FieldError Missing(string detail) => new(RejectionReason.MissingField, detail);

        public static FieldError Invalid(string detail) => new(RejectionReason.InvalidField, detail);

        public static FieldError Timestamp(string detail) => new(RejectionReason.InvalidTimestamp, detail);
    }

    private struct FieldValues
    {
        public int Seen;
        public string? DeviceId;
        public DateTimeOffset? FixTime;
        public double? Latitude;
        public double? Longitude;
        public double? SpeedKmh;
        public double? HeadingDegrees;
        public double? AccuracyMeters;
        public double? AltitudeMeters;
        public long? DeviceSequence;
        public string? DriverId;
        public double? DeviceOdometerKm;
        public double? FuelLevelPercent;
        public double? DeviceFuelUsedLiters;
        public bool? Ignition;
        public DeviceEvents Events;
    }
}
