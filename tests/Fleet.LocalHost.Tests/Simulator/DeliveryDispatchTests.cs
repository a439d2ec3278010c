using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>The simulator running the delivery scenario against a jobs desk: dispatching, taking, reporting, withdrawing.</summary>
public sealed class DeliveryDispatchTests
{
    [Fact]
    public async Task A_dispatching_run_gives_each_delivery_vehicle_jobs_that_its_driver_takes_through_to_completed()
    {
        var desk = new RecordingDesk();
        var options = new SimulatorOptions
        {
            Vehicles = 4, Duration = TimeSpan.FromSeconds(12), Speedup = 120, Seed = 11, DispatchDeliveries = true,
            Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 2, 4)],
        };

        await RunAsync(options, desk);

        Assert.Equal(["sim-002", "sim-004"], desk.Jobs.Select(job => job.DeviceId).Distinct().Order());
        var completed = desk.Jobs.Where(job => job.Status == "completed").ToList();
        Assert.NotEmpty(completed);
        Assert.All(completed, job => Assert.Equal(["en_route", "in_progress", "completed"], job.Tapped));
    }

    [Fact]
    public async Task Without_dispatching_a_driver_works_through_the_jobs_assigned_and_drops_one_withdrawn_on_the_way()
    {
        var options = new SimulatorOptions
        {
            Vehicles = 1, Duration = TimeSpan.FromSeconds(30), Speedup = 40, Seed = 11,
            Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 1)],
        };
        var desk = new RecordingDesk { WithdrawnOnTheWay = "job-1" };

        // Two deliveries near where the run's vehicle starts (the same seed places it the same).
        var (pickup, dropoff) = FleetSimulator.CreateFleet(options, SimulatedTelemetry.Start, 11)[0].PlanDelivery();
        await desk.DispatchAsync("sim-001", pickup, dropoff, CancellationToken.None);
        await desk.DispatchAsync("sim-001", pickup, dropoff, CancellationToken.None);

        await RunAsync(options, desk);

        Assert.Equal(
            [("job-1", "cancelled", new[] { "en_route" }), ("job-2", "completed", new[] { "en_route", "in_progress", "completed" })],
            desk.Jobs.Select(job => (job.Order.JobId, job.Status, job.Tapped.ToArray())));
    }

    [Fact]
    public async Task A_jobs_api_that_fails_or_answers_nonsense_is_reported_and_the_fleet_drives_on()
    {
        using var output = new StringWriter();
        var options = new SimulatorOptions
        {
            Vehicles = 2, Duration = TimeSpan.FromSeconds(3), Speedup = 20, Seed = 11, DispatchDeliveries = true,
            Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 1, 2)],
        };

        var summary = await RunAsync(options, new FailingDesk(), output);

        // A minute of simulated driving, two vehicles reporting every 4 to 6 s.
        Assert.InRange(summary.Accepted, 2 * 9, long.MaxValue);
        var text = output.ToString();
        Assert.Contains("Jobs API, sim-001: HttpRequestException: 503 Service Unavailable", text, StringComparison.Ordinal);
        Assert.Contains("Jobs API, sim-002: JsonException: not JSON", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jobs_api_that_does_not_answer_holds_up_no_telemetry_and_is_given_up_on()
    {
        using var output = new StringWriter();
        var options = new SimulatorOptions
        {
            Vehicles = 2, Duration = TimeSpan.FromSeconds(6), Speedup = 10, Seed = 11,
            Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 1)],
        };

        var summary = await RunAsync(options, new SilentDesk(), output);

        // A minute of simulated driving, two vehicles reporting every 4 to 6 s, while the first look hangs for 5 s.
        Assert.InRange(summary.Accepted, 2 * 9, long.MaxValue);
        Assert.Contains("Jobs API, sim-001: TaskCanceledException", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A run against a fake Event Hubs endpoint of its own.</summary>
    private static async Task<SimulatorSummary> RunAsync(SimulatorOptions options, IDeliveryDesk desk, TextWriter? output = null)
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        return await new FleetSimulator(options with { Endpoint = hub.Endpoint }, http, TimeProvider.System, output ?? TextWriter.Null, desk)
            .RunAsync(CancellationToken.None);
    }

    private sealed class SilentDesk : IDeliveryDesk
    {
        public Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }

        public Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FailingDesk : IDeliveryDesk
    {
        public Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken) =>
            deviceId == "sim-001"
                ? throw new HttpRequestException("503 Service Unavailable")
                : throw new System.Text.Json.JsonException("not JSON");

        public Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A jobs API in memory: oldest first, cancelled and completed jobs unlisted, moves of a cancelled job ignored.</summary>
    private sealed class RecordingDesk : IDeliveryDesk
    {
        private readonly List<DeskJob> _jobs = [];

        /// <summary>A job the dispatcher cancels the moment its driver sets off.</summary>
        public string? WithdrawnOnTheWay { get; init; }

        public IReadOnlyList<DeskJob> Jobs
        {
            get
            {
                lock (_jobs)
                {
                    return [.. _jobs];
                }
            }
        }

        public Task DispatchAsync(string deviceId, GeoPoint pickup, GeoPoint dropoff, CancellationToken cancellationToken)
        {
            lock (_jobs)
            {
                var id = "job-" + (_jobs.Count + 1);
                _jobs.Add(new DeskJob(deviceId, new DeliveryOrder(id, pickup, dropoff)));
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DeliveryOrder>> AssignedAsync(string deviceId, CancellationToken cancellationToken)
        {
            lock (_jobs)
            {
                return Task.FromResult<IReadOnlyList<DeliveryOrder>>(
                    [.. _jobs.Where(job => job.DeviceId == deviceId && job.Status is not ("completed" or "cancelled")).Select(job => job.Order)]);
            }
        }

        public Task ReportAsync(DriverStatusChange change, CancellationToken cancellationToken)
        {
            lock (_jobs)
            {
                var job = _jobs.Single(job => job.Order.JobId == change.JobId);
                Assert.Equal(job.DeviceId, change.DeviceId);
                job.Tapped.Add(change.Status.ToCode());
                if (job.Status != "cancelled")
                {
                    job.Status = change.JobId == WithdrawnOnTheWay && change.Status == JobStatus.EnRoute ? "cancelled" : change.Status.ToCode();
                }
            }

            return Task.CompletedTask;
        }
    }

    private sealed record DeskJob(string DeviceId, DeliveryOrder Order)
    {
        public string Status { get; set; } = "assigned";

        /// <summary>Every status its driver set, taken or not.</summary>
        public List<string> Tapped { get; } = [];
    }
}
