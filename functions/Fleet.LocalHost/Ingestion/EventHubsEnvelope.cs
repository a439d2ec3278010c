using System.Text;
using System.Text.Json;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// Reads what the Event Hubs HTTPS send API accepts: a single event's raw body, or a
/// <c>application/vnd.microsoft.servicebus.json</c> batch <c>[{"Body": "...", "BrokerProperties": {"PartitionKey": "..."}}]</c>.
/// </summary>
internal static class EventHubsEnvelope
{
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";
    public const int MaxEventBytes = 64 * 1024;
    public const int MaxBatchBytes = 1024 * 1024;

    /// <returns>The events, or why the envelope is malformed. A body that is not telemetry is not the envelope's fault.</returns>
    public static (List<(byte[] Body, string? PartitionKey)>? Events, string? Error, bool TooLarge) ReadBatch(ReadOnlyMemory<byte> json)
    {
        List<(byte[] Body, string? PartitionKey)> events = [];
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return (null, "A batch is a JSON array of {\"Body\": ...} objects.", false);
            }

            var index = 0;
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("Body", out var body) || body.ValueKind != JsonValueKind.String)
                {
                    return (null, $"Batch item {index} has no string \"Body\".", false);
                }

                var bytes = Encoding.UTF8.GetBytes(body.GetString()!);
                if (bytes.Length > MaxEventBytes)
                {
                    return (null, $"Batch item {index} is {bytes.Length} bytes; an event may have at most {MaxEventBytes}.", true);
                }

                events.Add((bytes, PartitionKeyOf(item)));
                index++;
            }
        }
        catch (JsonException exception)
        {
            return (null, "The batch is not valid JSON: " + exception.Message, false);
        }

        return events.Count == 0 ? (null, "The batch is empty.", false) : (events, null, false);
    }

    /// <summary>The <c>BrokerProperties</c> header of a single send, e.g. <c>{"PartitionKey": "dev-1"}</c>.</summary>
    public static string? PartitionKeyOfHeader(string? brokerProperties)
    {
        if (string.IsNullOrWhiteSpace(brokerProperties))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(brokerProperties);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("PartitionKey", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The device id of a telemetry body, so a device's events share a partition when no key is given.</summary>
    public static string? DeviceIdOf(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isDeviceId = reader.ValueTextEquals("device_id"u8) || reader.ValueTextEquals("deviceId"u8);
                reader.Read();
                if (isDeviceId && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not telemetry: the handler dead-letters it with the reason; any partition will do.
        }

        return null;
    }

    private static string? PartitionKeyOf(JsonElement item) =>
        item.TryGetProperty("BrokerProperties", out var properties) && properties.ValueKind == JsonValueKind.Object
        && properties.TryGetProperty("PartitionKey", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
}
