using System.Text.Json;

namespace Fleet.Http;

/// <summary>The API's JSON: snake_case names and dictionary keys, on every transport (HTTP bodies, SignalR payloads).</summary>
public static class FleetJson
{
    /// <summary>Web defaults with <see cref="Configure"/> applied; read-only, so no caller can change it for the others.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the API's naming to options a framework owns (its HTTP or SignalR JSON settings).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
