using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Http;

public static class FleetHttpComposition
{
    /// <summary>The routes and the store probe, next to <c>AddFleetCore</c> and the stores.</summary>
    public static IServiceCollection AddFleetHttpApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<FleetHttpApi>();
        services.AddSingleton<DeviceGatewayApi>();
        services.AddSingleton<DeviceEventLimiter>();
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DashboardLocation>().BindConfiguration(DashboardLocation.Section);
        services.AddSingleton<StoreHealth>();
        // What the host writes or reads with its own JSON settings (problem details, host-specific routes) is snake_case too.
        services.ConfigureHttpJsonOptions(json => FleetJson.Configure(json.SerializerOptions));
        return services;
    }
}

/// <summary>Section <c>Fleet:Dashboard</c>: where the dashboard is served, when not on the API's own origin (Azure).</summary>
public sealed class DashboardLocation
{
    public const string Section = "Fleet:Dashboard";

    /// <summary>The dashboard's absolute URL; tracking links point at its <c>/track/</c> page.</summary>
    public string? Url { get; set; }
}
