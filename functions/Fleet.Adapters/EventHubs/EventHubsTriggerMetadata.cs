using System.Text.Json;

namespace Fleet.Adapters.EventHubs;

/// <summary>
/// What the Functions Event Hubs trigger says about a batch beyond the events themselves. The isolated worker hands
/// the trigger's binding data over as JSON text, and the partition id is only there, inside <c>PartitionContext</c>.
/// </summary>
public static class EventHubsTriggerMetadata
{
    public const string PartitionContextKey = "PartitionContext";

    /// <summary>The partition the batch was read from; every event of a batch comes from that one partition.</summary>
    /// <exception cref="InvalidOperationException">
    /// The binding data has no partition id. Processing on would mix up the per-partition watermarks that tell replays
    /// from new events, so the batch fails (and is retried, then parked) rather than being processed under a guess.
    /// </exception>
    public static string PartitionId(IReadOnlyDictionary<string, object?> bindingData)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        var context = bindingData.TryGetValue(PartitionContextKey, out var value) ? value : null;
        var partitionId = context switch
        {
            string json when json.Length > 0 => PartitionIdIn(json),
            JsonElement element => PartitionIdIn(element),
            _ => null,
        };
        return partitionId ?? throw new InvalidOperationException(
            $"The trigger's binding data has no {PartitionContextKey}.PartitionId; without it replays cannot be told from new events.");
    }

    private static string? PartitionIdIn(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return PartitionIdIn(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? PartitionIdIn(JsonElement context)
    {
        if (context.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in context.EnumerateObject())
        {
            if (property.NameEquals("PartitionId") || property.NameEquals("partitionId"))
            {
                return property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } id ? id : null;
            }
        }

        return null;
    }
}
