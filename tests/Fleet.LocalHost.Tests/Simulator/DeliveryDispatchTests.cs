using System.Collections.Concurrent;
using Fleet.Core.Geo;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>The simulator running the delivery scenario against a jobs desk: dispatching, taking, reporting, withdrawing.</summary>
public sealed class DeliveryDispatchTests
{
    [Fact]
    public async Task A_dispatching_run_gives_each_delivery_vehicle_jobs_that_its_driver_takes_through_to_completed()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        var desk = new RecordingDesk();
        var options = new SimulatorOptions
        {
            Endpoint = hub.Endpoint, Vehicles = 4, Duration = TimeSpan.FromSeconds(12), Speedup = 120, Seed = 11, DispatchDeliveries = true,
            Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 2, 4)],
        };

        await new FleetSimulator(options, http, TimeProvider.System, TextWriter.Null, desk).RunAsync(CancellationToken.None);

        Assert.Equal(["sim-002", "sim-004"], desk.Jobs.Values.Select(job => job.DeviceId).Distinct().Order());
        var completed = desk.Jobs.Values.Where(job => job.Status == "completed").ToList();
        Assert.NotEmpty(completed);
        Assert.All(completed, job => Assert.Equal(["en_route", "in_progress", "completed"], job.Reported));
    }

    private sealed class RecordingDesk : IDeliveryDesk
    {
        public ConcurrentDictionary<string, DeskJob> Jobs { get; } = new();

        public Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken)
        {
            var id = "job-" + (Jobs.Count + 1);
            Jobs[id] = new DeskJob(deviceId, new DeliveryOrder(id, pickup, dropoff));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<DeliveryOrder>>(
                [.. Jobs.Values.Where(job => job.DeviceId == deviceId && job.Status != "completed").Select(job => job.Order)]);

        public Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken)
        {
            var job = Jobs[change.JobId];
            Assert.Equal(job.DeviceId, change.DeviceId);
            job.Reported.Add(change.Status);
            job.Status = change.Status;
            return Task.CompletedTask;
        }
    }

    private sealed record DeskJob(string DeviceId, DeliveryOrder Order)
    {
        public string Status { get; set; } = "assigned";

        public List<string> Reported { get; } = [];
    }
}
