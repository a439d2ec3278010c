using Fleet.Adapters.InMemory;
using Fleet.Core.Jobs;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Telemetry;
using Fleet.Simulator;
using FrozenClock = Fleet.Core.Tests.Support.FrozenClock;
using RecordingPublisher = Fleet.Core.Tests.Support.RecordingPublisher;
using SimulatedFix = Fleet.Simulator.TelemetryFix;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>
/// Simulated deliveries through the core's batch handler with its job tracker (DESIGN 5a), every fix as the device's
/// JSON: the arrival comes from the telemetry, and each ETA pushed on the way is held against the time the simulated
/// vehicle then actually took to reach the drop-off.
/// <para>
/// The simulated city has red lights (a third of the intersections, up to 40 s) and streets from 28 to 82 km/h, and no
/// ETA can see the ones still ahead: even one that knew the exact road left and the trip's average speed would miss by
/// more than 20 % about one time in seven on these short trips (docs/JOBS.md). So accuracy is judged over many
/// deliveries: the typical ETA is within 20 %, without bias; and every delivery's ETA falls as the vehicle approaches.
/// </para>
/// </summary>
public sealed class SimulatedDeliveryEtaTests
{
    private const string CompanyId = "c-sim";
    private const int Deliveries = 40;

    // The recent speed is learned from the drive: the first minute after setting off leans on the speedometer, and in
    // the last minute a red light is most of what is left.
    private static readonly TimeSpan Settling = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Close = TimeSpan.FromMinutes(1);

    private static readonly Lazy<Task<DeliveryRun[]>> Runs = new(() => Task.WhenAll(Enumerable.Range(1, Deliveries).Select(DeliveryRun.DriveAsync)));

    [Fact]
    public async Task The_typical_eta_is_within_20_percent_of_the_time_the_simulated_vehicle_then_took_and_not_biased()
    {
        var errors = (await Runs.Value).SelectMany(run => run.Judged().Select(eta => eta.RelativeError)).ToList();

        Assert.True(errors.Count >= 10 * Deliveries, $"only {errors.Count} ETAs to judge");
        var absolute = errors.Select(Math.Abs).Order().ToList();
        Assert.True(absolute[absolute.Count / 2] <= 0.2, $"median error {absolute[absolute.Count / 2]:P0}");
        Assert.InRange(errors.Average(), -0.1, 0.1);
    }

    [Fact]
    public async Task Every_deliverys_eta_falls_as_the_vehicle_approaches_by_about_a_second_each_second()
    {
        var slopes = new List<double>();
        foreach (var run in await Runs.Value)
        {
            // A trip of under three minutes or so leaves too few ETAs between the first and the last minute for a trend.
            var points = run.Judged().Select(eta => ((eta.Eta.At - run.EnRouteAt).TotalSeconds, eta.Eta.EtaSeconds)).ToList();
            if (points.Count < 3)
            {
                continue;
            }

            var slope = Slope(points);
            Assert.True(slope < 0, $"seed {run.Seed}: the ETA rose by {slope:F2} s per second ({string.Join(", ", points)})");
            slopes.Add(slope);
        }

        // The time left falls by exactly a second each second; red lights hold the ETA up for a while in some runs.
        Assert.True(slopes.Count >= Deliveries * 0.9, $"only {slopes.Count} deliveries long enough to judge");
        Assert.InRange(slopes.Average(), -1.3, -0.6);
    }

    [Fact]
    public async Task Even_an_eta_that_knew_the_road_left_and_the_trips_average_speed_would_often_miss_by_more_than_20_percent()
    {
        var within = new List<bool>();
        foreach (var run in await Runs.Value)
        {
            var odometerAt = (DateTimeOffset at) => run.Fixes.Last(fix => fix.Timestamp <= at).OdometerKm * 1_000;
            var metersPerSecond = (odometerAt(run.ArrivedAt) - odometerAt(run.EnRouteAt)) / (run.ArrivedAt - run.EnRouteAt).TotalSeconds;
            within.AddRange(run.Judged().Select(eta =>
            {
                var knownSeconds = (odometerAt(run.ArrivedAt) - odometerAt(eta.Eta.At)) / metersPerSecond;
                var tookSeconds = (run.ArrivedAt - eta.Eta.At).TotalSeconds;
                return Math.Abs(knownSeconds - tookSeconds) <= 0.2 * tookSeconds;
            }));
        }

        // The bound the class summary speaks of: the red lights and street speeds still ahead are not in any estimate.
        Assert.InRange(within.Count(hit => hit) / (double)within.Count, 0.6, 0.9);
    }

    [Fact]
    public async Task The_arrival_at_the_drop_off_comes_from_the_telemetry_before_the_driver_starts_the_handover()
    {
        foreach (var run in await Runs.Value)
        {
            Assert.Equal(
                [
                    (JobStatus.Assigned, "dispatcher"), (JobStatus.EnRoute, "driver"), (JobStatus.Arrived, Job.System),
                    (JobStatus.InProgress, "driver"), (JobStatus.Completed, "driver"),
                ],
                run.Job.History.Select(change => (change.Status, change.ByUserId)));
        }
    }

    /// <summary>The least-squares slope of y over x.</summary>
    private static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        var (meanX, meanY) = (points.Average(point => point.X), points.Average(point => point.Y));
        return points.Sum(point => (point.X - meanX) * (point.Y - meanY)) / points.Sum(point => (point.X - meanX) * (point.X - meanX));
    }

    /// <summary>One simulated delivery vehicle, its job in the in-memory store, and its fixes through the batch handler.</summary>
    private sealed record DeliveryRun(int Seed, List<SimulatedFix> Fixes, DateTimeOffset EnRouteAt, DateTimeOffset ArrivedAt, List<JobEtaPayload> Etas, Job Job)
    {
        private static readonly TimeSpan Limit = TimeSpan.FromHours(1);

        /// <summary>The ETAs pushed once the speed has been learned and before the last minute, with their errors.</summary>
        public IEnumerable<(JobEtaPayload Eta, double RelativeError)> Judged() =>
            from eta in Etas
            where eta.At >= EnRouteAt + Settling && ArrivedAt - eta.At >= Close
            let tookSeconds = (ArrivedAt - eta.At).TotalSeconds
            select (eta, (eta.EtaSeconds - tookSeconds) / tookSeconds);

        public static async Task<DeliveryRun> DriveAsync(int seed)
        {
            var options = new SimulatorOptions { Vehicles = 1, Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 1)] };
            var vehicle = FleetSimulator.CreateFleet(options, SimulatedTelemetry.Start, seed)[0];
            var directory = new InMemoryFleetDirectory();
            directory.AddCompany(CompanyId, "Simulated");
            directory.AddVehicle(new VehicleProfile("v-1", CompanyId, "Van 1"), vehicle.DeviceId);
            var store = new InMemoryTelemetryStore();
            var jobs = new InMemoryJobStore();
            var publisher = new RecordingPublisher();
            var clock = new FrozenClock(SimulatedTelemetry.Start);
            var tracker = new JobTracker(jobs, publisher, clock, JobProgressSettings.Default);
            var handler = new TelemetryBatchHandler(
                directory, directory, store, new InMemoryAlertStore(), store, store, publisher, new InMemoryVehicleFollowers(), clock, tracker);

            var (pickup, dropoff) = vehicle.PlanDelivery();
            var job = new Job(
                "job-1", CompanyId, JobKind.Delivery, new JobStop(pickup.Latitude, pickup.Longitude, "pickup"), new JobStop(dropoff.Latitude, dropoff.Longitude, "dropoff"),
                null, null, "v-1", vehicle.DriverId, JobStatus.Assigned, SimulatedTelemetry.Start, 1,
                [new JobStatusChange(JobStatus.Assigned, SimulatedTelemetry.Start, "dispatcher", null)]);
            await jobs.CreateAsync(job, CancellationToken.None);
            vehicle.Take(new DeliveryOrder(job.JobId, pickup, dropoff));

            var fixes = new List<SimulatedFix>();
            var enRouteAt = DateTimeOffset.MaxValue;
            var sequence = 0L;
            for (var until = SimulatedTelemetry.Start; vehicle.Delivery is not null && until < SimulatedTelemetry.Start + Limit; until += TimeSpan.FromSeconds(5))
            {
                var batch = new List<SimulatedFix>();
                var changes = new List<DriverStatusChange>();
                vehicle.AdvanceTo(until, batch, changes);
                clock.Advance(until - clock.GetUtcNow());
                var events = batch.Select(fix => new TelemetryEvent(TelemetryJson.Serialize(fix), new EventMetadata("0", ++sequence, fix.Timestamp))).ToList();
                var result = await handler.HandleAsync(events, CancellationToken.None);
                Assert.Null(result.JobTrackingFailure);
                fixes.AddRange(batch);

                foreach (var change in changes)
                {
                    var current = (await jobs.GetAsync(CompanyId, job.JobId, CancellationToken.None))!;
                    var status = change.Status;
                    Assert.True(JobLifecycle.CanMove(current.Status, status), $"{status.ToCode()} after {current.Status.ToCode()}");
                    Assert.True(await jobs.UpdateAsync(current.With(new JobStatusChange(status, change.At, "driver", null)), current.Version, CancellationToken.None));
                    enRouteAt = status == JobStatus.EnRoute ? change.At : enRouteAt;
                }
            }

            // Arrived as the ETA means it: within the arrival radius of the drop-off.
            var arrivedAt = fixes.First(fix =>
                fix.Timestamp > enRouteAt && SimulatedDelivery.MetersFrom(fix, dropoff) <= JobProgressSettings.Default.ArrivalRadiusMeters).Timestamp;
            var etas = publisher.Messages
                .Where(message => message.Envelope.Type == RealtimeMessageTypes.JobEtaUpdate && message.Target == RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)))
                .Select(message => (JobEtaPayload)message.Envelope.Data)
                .ToList();
            return new DeliveryRun(seed, fixes, enRouteAt, arrivedAt, etas, (await jobs.GetAsync(CompanyId, job.JobId, CancellationToken.None))!);
        }
    }
}
