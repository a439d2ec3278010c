using Fleet.Simulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Simulation;

/// <summary>
/// <c>--simulate N</c>: N simulated vehicles of the demo fleet driving through the host's own Event Hubs endpoint, as
/// real devices would, with a share of them acting out every alert scenario so the dashboard has something to show.
/// </summary>
internal sealed class BuiltInSimulation(
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<LocalEventHubsOptions> eventHubs,
    TimeProvider timeProvider) : BackgroundService
{
    public const string VehiclesKey = "simulate";

    private static readonly ScenarioAssignment[] Scenarios =
    [
        ScenarioAssignment.ForShare(ScenarioKind.Speeding, 0.1),
        ScenarioAssignment.ForShare(ScenarioKind.Geofence, 0.1),
        ScenarioAssignment.ForShare(ScenarioKind.HarshBraking, 0.1),
        ScenarioAssignment.ForShare(ScenarioKind.FuelTheft, 0.05),
        ScenarioAssignment.ForShare(ScenarioKind.Silent, 0.05),
    ];

    public static int VehiclesOf(IConfiguration configuration) => configuration.GetValue<int?>(VehiclesKey) ?? 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var vehicles = VehiclesOf(configuration);
        if (vehicles <= 0 || !await StartedAsync(stoppingToken))
        {
            return;
        }

        // Kestrel reports "127.0.0.1:port"; a wildcard binding is reached on loopback.
        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        var options = new SimulatorOptions
        {
            Endpoint = new Uri(address),
            EventHub = eventHubs.Value.EventHubName,
            KeyName = eventHubs.Value.SharedAccessKeyName,
            Key = eventHubs.Value.SharedAccessKey,
            Vehicles = vehicles,
            Scenarios = Scenarios,
        };
        using var http = new HttpClient();
        await new FleetSimulator(options, http, timeProvider, Console.Out).RunAsync(stoppingToken);
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(started.SetResult);
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
