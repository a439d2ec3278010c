using System.Collections.Concurrent;
using Fleet.LocalHost.Tests.Support;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// The delivery scenario end to end on the real host, 12 times faster than life: the simulator dispatches a delivery
/// through the jobs API, its van drives to the pickup and the drop-off over the host's Event Hubs endpoint, its driver
/// taps through the statuses, and the host detects the arrival from the telemetry; nobody touches the job.
/// </summary>
public sealed class SimulatedDeliveryHostTests
{
    private const double Speedup = 12;

    [Fact]
    public async Task A_dispatched_delivery_goes_from_created_to_completed_on_its_own_with_the_arrival_from_telemetry()
    {
        var clock = new ScaledClock(Speedup);
        await using var host = await LocalHostRig.StartAsync(HostStores.InMemory, clock);
        using var dispatcher = await host.ClientAsync("u-watching", "c-acme", "dispatcher");
        var tokens = new ConcurrentDictionary<DeskCaller, string>();
        foreach (var caller in new DeskCaller[] { new("c-acme", null), new("c-acme", "drv-sim-003") })
        {
            tokens[caller] = await DemoDesk.TokenAsync(host, caller);
        }

        using var http = new HttpClient();
        var desk = new ApiDeliveryDesk(
            http, host.BaseAddress, DemoDesk.VehicleOf, (caller, _) => ValueTask.FromResult(tokens[caller]));
        var options = new SimulatorOptions
        {
            Endpoint = host.BaseAddress, Vehicles = 3, Speedup = Speedup, Seed = 5, DispatchDeliveries = true,
            Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 3)],
        };
        using var stop = new CancellationTokenSource();
        var simulation = new FleetSimulator(options, http, TimeProvider.System, TextWriter.Null, desk).RunAsync(stop.Token);

        var completed = await LocalHostRig.EventuallyAsync(
            dispatcher, "/api/jobs?vehicle_id=v-003&status=completed", jobs => jobs.GetArrayLength() > 0, TimeSpan.FromMinutes(3));
        await stop.CancelAsync();
        await simulation;

        var job = Assert.Single(completed.EnumerateArray());
        Assert.Equal(
            [
                ("created", "simulator"), ("assigned", "simulator"), ("en_route", "drv-sim-003"), ("arrived", "system"),
                ("in_progress", "drv-sim-003"), ("completed", "drv-sim-003"),
            ],
            job.GetProperty("history").EnumerateArray().Select(change => (change.GetProperty("status").GetString(), change.GetProperty("by").GetString())));
        var at = job.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(at.Order(), at);
    }
}
