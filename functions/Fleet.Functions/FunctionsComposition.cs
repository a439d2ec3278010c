using Azure.Core.Serialization;
using Fleet.Adapters;
using Fleet.Adapters.Postgres;
using Fleet.Core.Ports;
using Fleet.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Functions;

/// <summary>The realtime transport of the Azure deployment: Azure SignalR Service through the extension's hub context.</summary>
internal static class FunctionsComposition
{
    public static IHostApplicationBuilder AddFleetSignalRService(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        // Clients read snake_case, as the local host sends it; the management SDK would otherwise pick its own naming.
        services.AddServerlessHub<FleetHub>(manager => manager.WithOptions(options => options.UseJsonObjectSerializer(new JsonObjectSerializer(FleetJson.Options))));
        services.AddSingleton<SignalRServiceRealtime>();
        services.AddSingleton<IRealtimePublisher>(provider => provider.GetRequiredService<SignalRServiceRealtime>());
        services.AddSingleton<IRealtimeGroups>(provider => new RecordedRealtimeGroups(
            provider.GetRequiredService<SignalRServiceRealtime>(), provider.GetRequiredService<PostgresRealtimeGroups>()));
        services.AddSingleton<IVehicleFollowers>(provider => provider.GetRequiredService<PostgresRealtimeGroups>());
        builder.AddFleetSignalRServiceConnections(nameof(FleetHub));
        return builder;
    }
}
