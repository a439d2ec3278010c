using BenchmarkDotNet.Attributes;
using Fleet.Adapters.InMemory;
using Fleet.Core.Registry;
using Fleet.Core.Pipeline;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Benchmarks;

/// <summary>
/// The core pipeline on one core (DESIGN 8, budget >= 500,000 events/s): 1,000 vehicles over 5 companies with 200
/// fences each, 100 batches of 1,000 events. One operation is one event.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    public const int EventsPerInvocation = 100_000;

    private static readonly IReadOnlySet<string> NobodyFollows = new HashSet<string>();

    private FleetWorkload _workload = null!;
    private Dictionary<string, VehicleContext> _contextsByDevice = null!;
    private TelemetryBatchHandlerHarness _harness = null!;
    private List<List<(VehicleContext Context, List<TelemetryFix> Fixes)>> _routedBatches = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workload = Workloads.Standard();
        _contextsByDevice = _workload.Contexts().ToDictionary(pair => "dev-" + pair.Key, pair => pair.Value, StringComparer.Ordinal);
        _harness = new TelemetryBatchHandlerHarness(_workload);
        _routedBatches = [.. _workload.Batches.Select(batch => batch
            .Select(telemetryEvent => TelemetryParser.Parse(telemetryEvent).Fix!)
            .GroupBy(fix => fix.DeviceId, StringComparer.Ordinal)
            .Select(group => (_contextsByDevice[group.Key], group.OrderBy(fix => fix.FixTime).ToList()))
            .ToList())];
    }

    /// <summary>Parsing alone: the share of the budget the JSON reader takes.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation)]
    public int ParseOnly()
    {
        var accepted = 0;
        foreach (var batch in _workload.Batches)
        {
            foreach (var telemetryEvent in batch)
            {
                accepted += TelemetryParser.Parse(telemetryEvent).Fix is null ? 0 : 1;
            }
        }

        return accepted;
    }

    /// <summary>The rule pipeline alone, on fixes already parsed and grouped by vehicle.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation)]
    public int RulesOnly()
    {
        var states = new Dictionary<string, VehicleState>(StringComparer.Ordinal);
        var positions = 0;
        foreach (var batch in _routedBatches)
        {
            foreach (var (context, fixes) in batch)
            {
                var vehicleId = context.Vehicle.VehicleId;
                var outcome = VehiclePipeline.Run(context, states.GetValueOrDefault(vehicleId) ?? VehicleState.Initial(context.Vehicle), fixes);
                states[vehicleId] = outcome.State;
                positions += outcome.Positions.Count;
            }
        }

        return positions;
    }

    /// <summary>Parse, route, run every vehicle's pipeline and compose the realtime messages: the pure core alone.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation)]
    public int CorePipeline()
    {
        var states = new Dictionary<string, VehicleState>(StringComparer.Ordinal);
        var produced = 0;
        foreach (var batch in _workload.Batches)
        {
            // Routing as the handler does it: device -> vehicle, fixes grouped per vehicle in arrival order.
            var byVehicle = new Dictionary<VehicleContext, List<TelemetryFix>>(batch.Length, ReferenceEqualityComparer.Instance);
            foreach (var telemetryEvent in batch)
            {
                if (TelemetryParser.Parse(telemetryEvent).Fix is { } fix && _contextsByDevice.TryGetValue(fix.DeviceId, out var context))
                {
                    if (!byVehicle.TryGetValue(context, out var fixes))
                    {
                        byVehicle[context] = fixes = [];
                    }

                    fixes.Add(fix);
                }
            }

            var outcomes = new List<VehicleBatchOutcome>(byVehicle.Count);
            foreach (var (context, fixes) in byVehicle)
            {
                fixes.Sort(static (a, b) => a.FixTime.CompareTo(b.FixTime));
                var vehicleId = context.Vehicle.VehicleId;
                var outcome = VehiclePipeline.Run(context, states.GetValueOrDefault(vehicleId) ?? VehicleState.Initial(context.Vehicle), fixes);
                states[vehicleId] = outcome.State;
                outcomes.Add(outcome);
            }

            var plan = RealtimePlan.Compose(outcomes, outcomes.SelectMany(outcome => outcome.Notices), NobodyFollows);
            produced += plan.Stamp(plan.SequenceCounts.ToDictionary(pair => pair.Key, pair => (long)pair.Value), DateTimeOffset.UnixEpoch).Count;
        }

        return produced;
    }

    /// <summary>Fresh stores for each run of the handler (an operation is long enough for per-iteration setup).</summary>
    [IterationSetup(Target = nameof(BatchHandlerInMemory))]
    public void ResetStores() => _harness.Reset();

    /// <summary>The same stream through <see cref="TelemetryBatchHandler"/> with the in-memory stores.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation)]
    public Task<int> BatchHandlerInMemory() => _harness.RunAsync();
}

public static class Workloads
{
    public static FleetWorkload Standard() =>
        FleetWorkload.Create(companyCount: 5, vehiclesPerCompany: 200, fencesPerCompany: 200, fixesPerVehicle: 100, batchSize: 1_000);
}

/// <summary>The batch handler over in-memory stores; <see cref="Reset"/> gives it empty stores for the next run.</summary>
public sealed class TelemetryBatchHandlerHarness
{
    private readonly FleetWorkload _workload;
    private TelemetryBatchHandler _handler = null!;

    public TelemetryBatchHandlerHarness(FleetWorkload workload)
    {
        _workload = workload;
        Reset();
    }

    public void Reset()
    {
        var directory = new InMemoryFleetDirectory();
        foreach (var company in _workload.Companies)
        {
            directory.AddCompany(company.CompanyId, company.Name);
            foreach (var fence in company.Geofences.All)
            {
                directory.AddGeofence(fence);
            }
        }

        foreach (var vehicle in _workload.Vehicles)
        {
            directory.AddVehicle(vehicle, "dev-" + vehicle.VehicleId);
        }

        var store = new InMemoryTelemetryStore();
        _handler = new TelemetryBatchHandler(
            directory, directory, store, new InMemoryAlertStore(), store, store, DiscardingPublisher.Instance, new InMemoryVehicleFollowers(), TimeProvider.System);
    }

    public async Task<int> RunAsync()
    {
        var messages = 0;
        foreach (var batch in _workload.Batches)
        {
            messages += (await _handler.HandleAsync(batch, CancellationToken.None)).RealtimeMessages;
        }

        return messages;
    }

    private sealed class DiscardingPublisher : Fleet.Core.Ports.IRealtimePublisher
    {
        public static DiscardingPublisher Instance { get; } = new();

        public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
