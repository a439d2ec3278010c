using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fleet.Simulator;

/// <summary>One report of a simulated device, with the units of DESIGN 3.1.</summary>
internal sealed record TelemetryFix(
    string DeviceId,
    DateTimeOffset Timestamp,
    double Latitude,
    double Longitude,
    double SpeedKmh,
    double HeadingDegrees,
    double AccuracyMeters,
    double AltitudeMeters,
    long Seq,
    string DriverId,
    double OdometerKm,
    double FuelLevelPercent,
    bool Ignition,
    IReadOnlyList<string> Events);

/// <summary>The telemetry JSON of DESIGN 3.1: snake_case, one object per event, <c>events</c> only when there are some.</summary>
internal static class TelemetryJson
{
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    // The relaxed encoder writes '"' as \" rather than \u0022, which keeps batch bodies (events nested as strings) small.
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(TelemetryFix fix)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, fix);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, TelemetryFix fix)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(fix);
        writer.WriteStartObject();
        writer.WriteString("device_id"u8, fix.DeviceId);
        writer.WriteString("timestamp"u8, fix.Timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture));
        writer.WriteNumber("latitude"u8, fix.Latitude);
        writer.WriteNumber("longitude"u8, fix.Longitude);
        writer.WriteNumber("speed"u8, fix.SpeedKmh);
        writer.WriteNumber("heading"u8, fix.HeadingDegrees);
        writer.WriteNumber("accuracy"u8, fix.AccuracyMeters);
        writer.WriteNumber("altitude"u8, fix.AltitudeMeters);
        writer.WriteNumber("seq"u8, fix.Seq);
        writer.WriteString("driver_id"u8, fix.DriverId);
        writer.WriteNumber("odometer"u8, fix.OdometerKm);
        writer.WriteNumber("fuel_level"u8, fix.FuelLevelPercent);
        writer.WriteBoolean("ignition"u8, fix.Ignition);
        if (fix.Events.Count > 0)
        {
            writer.WriteStartArray("events"u8);
            foreach (var code in fix.Events)
            {
                writer.WriteStringValue(code);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
