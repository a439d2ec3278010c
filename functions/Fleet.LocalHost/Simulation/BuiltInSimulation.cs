using System.Collections.Concurrent;
using System.Globalization;
using Fleet.Adapters.Auth;
using Fleet.Core.Api;
using Fleet.LocalHost.Demo;
using Fleet.Simulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Simulation;

/// <summary>
/// <c>--simulate N</c>: N simulated vehicles of the demo fleet driving through the host's own Event Hubs endpoint, as
/// real devices would, with a share of them acting out every alert scenario so the dashboard has something to show,
/// and another share doing deliveries that the simulator dispatches through the jobs API, drivers tapping through
/// their statuses with development tokens.
/// </summary>
internal sealed class BuiltInSimulation(
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<LocalEventHubsOptions> eventHubs,
    UserTokens tokens,
    UsersApiHandler users,
    TimeProvider timeProvider) : BackgroundService
{
    public const string VehiclesKey = "simulate";

    private const string DispatcherUserId = "simulator-dispatcher";

    private readonly ConcurrentDictionary<(string UserId, string CompanyId), bool> _members = new();

    private static readonly ScenarioAssignment Deliveries = ScenarioAssignment.ForShare(ScenarioKind.Delivery, 0.1);

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
            // Without a development signing key the drivers have no tokens: no deliveries then.
            Scenarios = tokens.MintsDevelopmentTokens ? [.. Scenarios, Deliveries] : Scenarios,
            DispatchDeliveries = true,
        };
        using var http = new HttpClient();
        var desk = new ApiDeliveryDesk(http, new Uri(address), VehicleOf, TokenFor);
        await new FleetSimulator(options, http, timeProvider, Console.Out, desk).RunAsync(stoppingToken);
    }

    private static DeliveryVehicle VehicleOf(string deviceId)
    {
        var number = NumberOf(deviceId);
        return new DeliveryVehicle(DemoFleet.CompanyOf(number), DemoFleet.VehicleId(number), DemoFleet.DriverId(number));
    }

    private static int NumberOf(string deviceId) =>
        int.Parse(deviceId.AsSpan(deviceId.LastIndexOf('-') + 1), CultureInfo.InvariantCulture);

    // As the development sign-in does it: the membership first (once per user and company: the desk asks for a token
    // on every call), then a token of that user for that company.
    private async ValueTask<string> TokenFor(DeskCaller caller, CancellationToken cancellationToken)
    {
        var (userId, role, vehicleIds) = caller.DriverId is null
            ? (DispatcherUserId, FleetRole.Dispatcher, Array.Empty<string>())
            : (DemoFleet.DriverUserId(NumberOf(caller.DriverId)), FleetRole.Driver, [DemoFleet.VehicleId(NumberOf(caller.DriverId))]);
        if (!_members.ContainsKey((userId, caller.CompanyId)))
        {
            await users.EnsureDevelopmentMembershipAsync(userId, caller.CompanyId, role, vehicleIds, cancellationToken);
            _members.TryAdd((userId, caller.CompanyId), true);
        }

        return tokens.MintDevelopmentToken(userId, caller.CompanyId);
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
