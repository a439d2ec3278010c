using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Fleet.Core.Alerts;

namespace Fleet.Adapters.Tables;

/// <summary>
/// An alert as a table entity. PartitionKey = company id; RowKey = "r" + inverted ticks of when the alert was raised
/// (<see cref="Alert.CreatedAt"/>, 19 digits) + "_" + alert id, so a partition lists the newest raised first, and every
/// version of the alert (a replay, an episode closing, the outbox's second write) maps to the same entity.
/// </summary>
internal static class AlertEntity
{
    /// <summary>
    /// Starts every row key of this layout. The earlier layout keyed rows by inverted event ticks, which start with a
    /// digit: its rows are exactly those keyed below this mark (<see cref="EarlierAlertRows"/> moves them).
    /// </summary>
    public const string KeyMark = "r";

    public const string AlertId = nameof(AlertId);
    public const string Type = nameof(Type);
    public const string Severity = nameof(Severity);
    public const string Title = nameof(Title);
    public const string Message = nameof(Message);
    public const string VehicleId = nameof(VehicleId);
    public const string DriverId = nameof(DriverId);
    public const string UserId = nameof(UserId);
    public const string EventTime = nameof(EventTime);
    public const string CreatedAt = nameof(CreatedAt);
    public const string ExpiresAt = nameof(ExpiresAt);
    public const string Final = nameof(Final);
    public const string Data = nameof(Data);
    public const string Read = nameof(Read);

    // "Absent" is written as an empty string: a merge cannot remove a property, so a value a newer version no longer
    // has would otherwise survive from an older one. Ids and data are never empty when present.
    private const string Absent = "";

    private static readonly Dictionary<string, AlertType> TypesByCode = Enum.GetValues<AlertType>().ToDictionary(type => type.ToCode());
    private static readonly Dictionary<string, AlertSeverity> SeveritiesByCode =
        Enum.GetValues<AlertSeverity>().ToDictionary(severity => severity.ToCode());

    public static string RowKey(Alert alert) => RowKey(alert.CreatedAt, alert.Id);

    public static string RowKey(DateTimeOffset raisedAt, string alertId) =>
        KeyMark + (DateTimeOffset.MaxValue.UtcTicks - raisedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "_" + alertId;

    public static bool IsEarlierLayout(string rowKey) => string.CompareOrdinal(rowKey, KeyMark) < 0;

    /// <summary>Every property but <see cref="Read"/>, which belongs to the users.</summary>
    public static TableEntity From(Alert alert) => new(alert.CompanyId, RowKey(alert))
    {
        [AlertId] = alert.Id,
        [Type] = alert.Type.ToCode(),
        [Severity] = alert.Severity.ToCode(),
        [Title] = alert.Title,
        [Message] = alert.Message,
        [VehicleId] = alert.VehicleId ?? Absent,
        [DriverId] = alert.DriverId ?? Absent,
        [UserId] = alert.UserId ?? Absent,
        [EventTime] = alert.EventTime,
        [CreatedAt] = alert.CreatedAt,
        [ExpiresAt] = alert.ExpiresAt,
        [Final] = alert.Final,
        [Data] = alert.Details is null ? Absent : JsonSerializer.Serialize(alert.Details, AlertDataJsonContext.Default.AlertDetails),
    };

    public static StoredAlert ToStoredAlert(TableEntity entity)
    {
        var alert = new Alert(
            Required(entity, entity.GetString(AlertId), AlertId),
            entity.PartitionKey,
            Code(entity, TypesByCode, Type),
            Code(entity, SeveritiesByCode, Severity),
            Required(entity, entity.GetString(Title), Title),
            Required(entity, entity.GetString(Message), Message),
            Required(entity, entity.GetDateTimeOffset(EventTime), EventTime),
            Required(entity, entity.GetDateTimeOffset(CreatedAt), CreatedAt),
            Required(entity, entity.GetDateTimeOffset(ExpiresAt), ExpiresAt),
            Optional(entity.GetString(VehicleId)),
            Optional(entity.GetString(DriverId)),
            Optional(entity.GetString(UserId)),
            Optional(entity.GetString(Data)) is { } data ? JsonSerializer.Deserialize(data, AlertDataJsonContext.Default.AlertDetails) : null,
            Required(entity, entity.GetBoolean(Final), Final));

        // Only ever written by marking read, so most alerts have no Read property at all.
        return new StoredAlert(alert, entity.GetBoolean(Read) ?? false);
    }

    private static string? Optional(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static T Required<T>(TableEntity entity, T? value, string name)
        where T : class =>
        value ?? throw Corrupt(entity, name);

    private static T Required<T>(TableEntity entity, T? value, string name)
        where T : struct =>
        value ?? throw Corrupt(entity, name);

    private static T Code<T>(TableEntity entity, Dictionary<string, T> byCode, string name) =>
        byCode.TryGetValue(entity.GetString(name) ?? Absent, out var value) ? value : throw Corrupt(entity, name);

    private static InvalidDataException Corrupt(TableEntity entity, string name) =>
        new($"Alert entity ({entity.PartitionKey}, {entity.RowKey}) has no valid {name}.");
}

/// <summary>An alert's details as its <c>data</c> JSON: snake_case, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertDetails))]
internal sealed partial class AlertDataJsonContext : JsonSerializerContext;
