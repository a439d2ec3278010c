using System.Buffers;
using System.Text.Json;

namespace Fleet.Simulator;

/// <summary>One request body in the Event Hubs REST batch format, and how many events it holds.</summary>
internal sealed record EncodedBatch(ReadOnlyMemory<byte> Body, int EventCount);

/// <summary>
/// Event Hubs REST batches (<c>application/vnd.microsoft.servicebus.json</c>):
/// <c>[{"Body":"&lt;event JSON as a string&gt;","BrokerProperties":{"PartitionKey":"&lt;device id&gt;"}}, ...]</c>,
/// split so that no body exceeds the batch limit.
/// </summary>
internal static class EventHubsBatch
{
    public const string ContentType = "application/vnd.microsoft.servicebus.json";

    // "64 KB" and "1 MB" read as the smaller, decimal units, so the limits hold whichever reading the receiver uses.
    public const int MaxEventBytes = 64_000;
    public const int MaxBatchBytes = 1_000_000;

    /// <summary>Encodes the fixes in order, at most <paramref name="maxEventsPerBatch"/> to a body.</summary>
    public static IReadOnlyList<EncodedBatch> Encode(IReadOnlyList<TelemetryFix> fixes, int maxEventsPerBatch)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        return Encode(fixes.Select(fix => (fix.DeviceId, TelemetryJson.Serialize(fix))).ToList(), maxEventsPerBatch);
    }

    /// <summary>Encodes events already serialized, each with its partition key.</summary>
    /// <exception cref="ArgumentException">An event is larger than <see cref="MaxEventBytes"/>.</exception>
    public static IReadOnlyList<EncodedBatch> Encode(IReadOnlyList<(string PartitionKey, byte[] Json)> events, int maxEventsPerBatch)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEventsPerBatch, 1);
        var batches = new List<EncodedBatch>();
        var body = new ArrayBufferWriter<byte>();
        var item = new ArrayBufferWriter<byte>();
        var count = 0;
        foreach (var (partitionKey, json) in events)
        {
            if (json.Length > MaxEventBytes)
            {
                throw new ArgumentException($"An event of {json.Length} bytes is over the {MaxEventBytes}-byte limit.", nameof(events));
            }

            item.ResetWrittenCount();
            WriteItem(item, partitionKey, json);

            // '[' + items joined by ',' + ']'.
            if (count > 0 && (count == maxEventsPerBatch || body.WrittenCount + 1 + item.WrittenCount + 1 > MaxBatchBytes))
            {
                batches.Add(Close(body, count));
                body = new ArrayBufferWriter<byte>();
                count = 0;
            }

            Append(body, count == 0 ? "["u8 : ","u8);
            Append(body, item.WrittenSpan);
            count++;
        }

        if (count > 0)
        {
            batches.Add(Close(body, count));
        }

        return batches;
    }

    private static void WriteItem(ArrayBufferWriter<byte> buffer, string partitionKey, byte[] json)
    {
        using var writer = new Utf8JsonWriter(buffer, TelemetryJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("Body"u8, json);
        writer.WriteStartObject("BrokerProperties"u8);
        writer.WriteString("PartitionKey"u8, partitionKey);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static EncodedBatch Close(ArrayBufferWriter<byte> body, int count)
    {
        Append(body, "]"u8);
        return new EncodedBatch(body.WrittenMemory, count);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}
