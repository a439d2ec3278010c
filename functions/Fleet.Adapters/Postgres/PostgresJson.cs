using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Fleet.Core.Alerts;
using Fleet.Core.Settings;
using Fleet.Core.State;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// Source-generated JSON for what PostgreSQL stores as documents: vehicle states, company rule settings and the alerts
/// waiting in the alert outbox.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VehicleState))]
[JsonSerializable(typeof(RuleSettings))]
[JsonSerializable(typeof(Alert))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;

internal static class PostgresJson
{
    /// <summary>
    /// The generated contract, less the properties that are only computed from others (a position's validity, a
    /// snapshot's view of its fix): they would bloat every stored state and are never read back.
    /// </summary>
    private static readonly JsonSerializerOptions Options = new(PostgresJsonContext.Default.Options)
    {
        TypeInfoResolver = PostgresJsonContext.Default.WithAddedModifier(static typeInfo =>
        {
            if (typeInfo.Kind != JsonTypeInfoKind.Object)
            {
                return;
            }

            for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
            {
                var property = typeInfo.Properties[i];
                if (property.Set is null && property.AssociatedParameter is null)
                {
                    typeInfo.Properties.RemoveAt(i);
                }
            }
        }),
    };

    private static readonly JsonTypeInfo<VehicleState> StateType = (JsonTypeInfo<VehicleState>)Options.GetTypeInfo(typeof(VehicleState));
    private static readonly JsonTypeInfo<RuleSettings> RulesType = (JsonTypeInfo<RuleSettings>)Options.GetTypeInfo(typeof(RuleSettings));
    private static readonly JsonTypeInfo<Alert> AlertType = (JsonTypeInfo<Alert>)Options.GetTypeInfo(typeof(Alert));

    public static string Serialize(VehicleState state) => JsonSerializer.Serialize(state, StateType);

    public static VehicleState DeserializeState(string json) =>
        JsonSerializer.Deserialize(json, StateType) ?? throw new JsonException("A stored vehicle state is null.");

    public static string Serialize(RuleSettings rules) => JsonSerializer.Serialize(rules, RulesType);

    public static RuleSettings DeserializeRules(string json) =>
        JsonSerializer.Deserialize(json, RulesType) ?? throw new JsonException("Stored rule settings are null.");

    public static string Serialize(Alert alert) => JsonSerializer.Serialize(alert, AlertType);

    public static Alert DeserializeAlert(string json) =>
        JsonSerializer.Deserialize(json, AlertType) ?? throw new JsonException("An alert in the outbox is null.");
}
