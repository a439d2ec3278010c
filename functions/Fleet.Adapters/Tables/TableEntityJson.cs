using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Entities in the Table service's JSON: values whose JSON type does not say their Edm type (Int64, DateTime, Guid,
/// Binary) carry an <c>@odata.type</c> annotation, written here and read back from minimal-metadata responses.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeAnnotationSuffix = "@odata.type";
    private const string EtagProperty = "odata.etag";

    public static byte[] Serialize(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("PartitionKey", entity.PartitionKey);
            writer.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity.Properties)
            {
                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static TableEntity Deserialize(JsonElement json, string? etagHeader)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeAnnotationSuffix, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                annotations[property.Name[..^TypeAnnotationSuffix.Length]] = property.Value.GetString()!;
            }
        }

        var etag = json.TryGetProperty(EtagProperty, out var etagJson) ? etagJson.GetString() : etagHeader;
        var entity = new TableEntity(RequiredString(json, "PartitionKey"), RequiredString(json, "RowKey"))
        {
            ETag = etag is null ? default : new ETag(etag),
            Timestamp = json.TryGetProperty("Timestamp", out var timestamp) ? TableEdm.ParseDateTime(timestamp.GetString()!) : null,
        };
        foreach (var property in json.EnumerateObject())
        {
            if (TableEntity.IsReserved(property.Name) || property.Name.EndsWith(TypeAnnotationSuffix, StringComparison.Ordinal) ||
                property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            entity[property.Name] = ReadValue(property.Name, property.Value, annotations.GetValueOrDefault(property.Name));
        }

        return entity;
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string text:
                writer.WriteString(name, text);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                // JSON numbers lose precision beyond 2^53 in many readers, so the protocol sends Int64 as a string.
                Annotate(writer, name, TableEdm.Int64);
                writer.WriteString(name, number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                // Annotated so that a whole value such as 5.0 is not stored as an Int32.
                Annotate(writer, name, TableEdm.Double);
                WriteDouble(writer, name, number);
                break;
            case DateTimeOffset time:
                Annotate(writer, name, TableEdm.DateTime);
                writer.WriteString(name, TableEdm.FormatDateTime(time));
                break;
            case Guid id:
                Annotate(writer, name, TableEdm.Guid);
                writer.WriteString(name, id.ToString("D"));
                break;
            case byte[] bytes:
                Annotate(writer, name, TableEdm.Binary);
                writer.WriteBase64String(name, bytes);
                break;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void Annotate(Utf8JsonWriter writer, string name, string edmType) =>
        writer.WriteString(name + TypeAnnotationSuffix, edmType);

    private static void WriteDouble(Utf8JsonWriter writer, string name, double number)
    {
        if (double.IsFinite(number))
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static object ReadValue(string name, JsonElement value, string? edmType) => edmType switch
    {
        TableEdm.Int64 => long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        TableEdm.Double when value.ValueKind == JsonValueKind.String => ParseSpecialDouble(name, value.GetString()!),
        TableEdm.Double => value.GetDouble(),
        TableEdm.DateTime => TableEdm.ParseDateTime(value.GetString()!),
        TableEdm.Guid => Guid.Parse(value.GetString()!, CultureInfo.InvariantCulture),
        TableEdm.Binary => value.GetBytesFromBase64(),
        null => ReadUntyped(name, value),
        _ => throw new InvalidDataException($"Property '{name}' has Edm type {edmType}, which this client does not read."),
    };

    private static object ReadUntyped(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        // Boxed separately: a conditional of int and double would make every number a double.
        JsonValueKind.Number when IsIntegerText(value.GetRawText()) && value.TryGetInt32(out var whole) => whole,
        JsonValueKind.Number => value.GetDouble(),
        _ => throw new InvalidDataException($"Property '{name}' is a JSON {value.ValueKind}, which is no table property type."),
    };

    private static bool IsIntegerText(string text) => text.AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    private static double ParseSpecialDouble(string name, string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" or "INF" => double.PositiveInfinity,
        "-Infinity" or "-INF" => double.NegativeInfinity,
        _ => throw new InvalidDataException($"Property '{name}' is a Double written as '{text}', which is no number."),
    };

    private static string RequiredString(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"The service returned an entity without {name}.");
}
