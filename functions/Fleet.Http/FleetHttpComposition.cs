using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Http;

public static class FleetHttpComposition
{
    /// <summary>The routes and the store probe, next to <c>AddFleetCore</c> and the stores.</summary>
    public static IServiceCollection AddFleetHttpApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<FleetHttpApi>();
        services.AddSingleton<StoreHealth>();
        // What the host writes or reads with its own JSON settings (problem details, host-specific routes) is snake_case too.
        services.ConfigureHttpJsonOptions(json => FleetJson.Configure(json.SerializerOptions));
        return services;
    }
}
