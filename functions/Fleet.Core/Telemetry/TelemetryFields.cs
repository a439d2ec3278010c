using System.Text.Json;

namespace Fleet.Core.Telemetry;

/// <summary>The telemetry field names the parser knows, in snake_case and camelCase, matched without allocating.</summary>
internal static class TelemetryFields
{
    // Longer than every field name: anything longer matches nothing.
    private const int MaxFieldNameBytes = 16;

    public static TelemetryField Match(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            return Match(reader.ValueSpan);
        }

        Span<byte> buffer = stackalloc byte[MaxFieldNameBytes];
        return TryGetUnescapedName(in reader, buffer, out var name) ? Match(name) : TelemetryField.Unknown;
    }

    /// <summary>Dispatches on length and first letter so each name costs at most two comparisons.</summary>
    private static TelemetryField Match(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("seq"u8) => TelemetryField.Seq,
        5 when name.SequenceEqual("speed"u8) => TelemetryField.Speed,
        6 when name.SequenceEqual("events"u8) => TelemetryField.Events,
        7 when name.SequenceEqual("heading"u8) => TelemetryField.Heading,
        8 => name[0] switch
        {
            (byte)'l' when name.SequenceEqual("latitude"u8) => TelemetryField.Latitude,
            (byte)'d' when name.SequenceEqual("deviceId"u8) => TelemetryField.DeviceId,
            (byte)'d' when name.SequenceEqual("driverId"u8) => TelemetryField.DriverId,
            (byte)'a' when name.SequenceEqual("accuracy"u8) => TelemetryField.Accuracy,
            (byte)'a' when name.SequenceEqual("altitude"u8) => TelemetryField.Altitude,
            (byte)'o' when name.SequenceEqual("odometer"u8) => TelemetryField.Odometer,
            (byte)'i' when name.SequenceEqual("ignition"u8) => TelemetryField.Ignition,
            (byte)'f' when name.SequenceEqual("fuelUsed"u8) => TelemetryField.FuelUsed,
            _ => TelemetryField.Unknown,
        },
        9 => name[0] switch
        {
            (byte)'l' when name.SequenceEqual("longitude"u8) => TelemetryField.Longitude,
            (byte)'t' when name.SequenceEqual("timestamp"u8) => TelemetryField.Timestamp,
            (byte)'d' when name.SequenceEqual("device_id"u8) => TelemetryField.DeviceId,
            (byte)'d' when name.SequenceEqual("driver_id"u8) => TelemetryField.DriverId,
            (byte)'f' when name.SequenceEqual("fuelLevel"u8) => TelemetryField.FuelLevel,
            (byte)'f' when name.SequenceEqual("fuel_used"u8) => TelemetryField.FuelUsed,
            _ => TelemetryField.Unknown,
        },
        10 when name.SequenceEqual("fuel_level"u8) => TelemetryField.FuelLevel,
        _ => TelemetryField.Unknown,
    };

    /// <summary>The current token's text, unescaped; false when it does not fit the buffer (then it matches nothing).</summary>
    public static bool TryGetUnescapedName(in Utf8JsonReader reader, Span<byte> buffer, out ReadOnlySpan<byte> name)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            name = reader.ValueSpan;
            return true;
        }

        var encodedLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (encodedLength > buffer.Length * TelemetryParser.MaxEncodedBytesPerCharacter)
        {
            name = default;
            return false;
        }

        Span<byte> scratch = stackalloc byte[(int)encodedLength];
        var written = reader.CopyString(scratch);
        if (written > buffer.Length)
        {
            name = default;
            return false;
        }

        scratch[..written].CopyTo(buffer);
        name = buffer[..written];
        return true;
    }

    public static string Name(TelemetryField field) => field switch
    {
        TelemetryField.DeviceId => "device_id",
        TelemetryField.DriverId => "driver_id",
        TelemetryField.FuelLevel => "fuel_level",
        TelemetryField.FuelUsed => "fuel_used",
        _ => field.ToString().ToLowerInvariant(),
    };
}

internal enum TelemetryField
{
    Unknown,
    DeviceId,
    Timestamp,
    Latitude,
    Longitude,
    Speed,
    Heading,
    Accuracy,
    Altitude,
    Seq,
    DriverId,
    Odometer,
    FuelLevel,
    FuelUsed,
    Ignition,
    Events,
}
