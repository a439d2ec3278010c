using Fleet.Core.Geo;

namespace Fleet.Simulator;

/// <summary>What a run did: events handed to Event Hubs and what became of them.</summary>
/// <param name="ThrottledResponses">
/// HTTPS 429 and 503 answers, each followed by a retry of the same batch. Over AMQP the SDK retries busy answers itself
/// and does not say, so this stays 0 there; what outlasts its retries is rejected.
/// </param>
/// <param name="Elapsed">Wall-clock time.</param>
public sealed record SimulatorSummary(long Sent, long Accepted, long Rejected, long ThrottledResponses, TimeSpan Elapsed)
{
    /// <summary>Accepted events per second of wall-clock time.</summary>
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Accepted / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Drives a simulated fleet and sends its telemetry to Event Hubs (over HTTPS REST, or over AMQP with the SDK when the
/// options name a namespace or a connection string) until the duration is up or the token is cancelled, printing a
/// progress line every few seconds and a summary at the end. Usable in-process: the local host runs it against itself.
/// </summary>
public sealed class FleetSimulator
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    // Where scenario vehicles that visit the depot start: close enough to get there within minutes, outside its fence.
    private const double MinGeofenceStartMeters = 600;
    private const double MaxGeofenceStartMeters = 1_500;

    private readonly SimulatorOptions _options;
    private readonly Func<TextWriter, ITelemetrySender> _createSender;
    private readonly TimeProvider _time;
    private readonly TextWriter _output;
    private readonly DeliveryDrivers? _drivers;

    /// <param name="http">Sends over HTTPS; unused when the options send over AMQP.</param>
    /// <param name="deliveries">The jobs API, required when any vehicle acts out <see cref="ScenarioKind.Delivery"/>.</param>
    public FleetSimulator(SimulatorOptions options, HttpClient http, TimeProvider time, TextWriter output, IDeliveryDesk? deliveries = null)
        : this(options, SendersFor(options, http, time), time, output, deliveries)
    {
    }

    /// <param name="createSender">Makes a run's sender, given the output it may print refusals to.</param>
    internal FleetSimulator(
        SimulatorOptions options,
        Func<TextWriter, ITelemetrySender> createSender,
        TimeProvider time,
        TextWriter output,
        IDeliveryDesk? deliveries = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createSender);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        if (options.FindProblem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        if (deliveries is null && options.Scenarios.Any(assignment => assignment.Scenario == ScenarioKind.Delivery))
        {
            throw new ArgumentException("The delivery scenario needs the jobs API.", nameof(deliveries));
        }

        _options = options;
        _createSender = createSender;
        _time = time;
        _output = TextWriter.Synchronized(output);
        _drivers = deliveries is null ? null : new DeliveryDrivers(deliveries, options.DispatchDeliveries, _output);
    }

    /// <summary>Runs until the configured duration has passed or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<SimulatorSummary> RunAsync(CancellationToken cancellationToken)
    {
        var seed = _options.Seed ?? Random.Shared.Next();
        var startedAt = _time.GetTimestamp();
        var simulationStart = SimulationStart(_time.GetUtcNow());
        var fleet = CreateFleet(_options, simulationStart, seed);
        var delivering = fleet.Where(vehicle => vehicle.TakesDeliveries).ToList();
        var due = new PriorityQueue<SimulatedVehicle, DateTimeOffset>(fleet.Select(vehicle => (vehicle, vehicle.NextReportAt)));
        var deliveriesCheckedAt = -DeliveryDrivers.CheckInterval;
        await using var sender = _createSender(_output);
        var progress = new Progress(TimeSpan.Zero, 0);
        WriteStart(seed, sender.Destination);

        try
        {
            while (true)
            {
                var elapsed = _time.GetElapsedTime(startedAt);
                var finished = elapsed >= _options.Duration;
                var now = simulationStart + (finished ? _options.Duration!.Value : elapsed) * _options.Speedup;
                await DriveAsync(due, now, sender, cancellationToken);
                if (finished)
                {
                    break;
                }

                if (elapsed - progress.At >= ProgressInterval)
                {
                    progress = WriteProgress(sender.Counters, progress, elapsed);
                }

                if (delivering.Count > 0 && _drivers!.Tick(delivering, elapsed - deliveriesCheckedAt >= DeliveryDrivers.CheckInterval, cancellationToken))
                {
                    deliveriesCheckedAt = elapsed;
                }

                var wait = Min(progress.At + ProgressInterval - elapsed, (_options.Duration ?? TimeSpan.MaxValue) - elapsed);
                if (delivering.Count > 0)
                {
                    // A check falls due while the last round still waits on the API: look again shortly, not in a spin.
                    var checkIn = deliveriesCheckedAt + DeliveryDrivers.CheckInterval - elapsed;
                    wait = Min(wait, checkIn > DeliveryDrivers.BusyRetry ? checkIn : DeliveryDrivers.BusyRetry);
                }

                if (due.TryPeek(out _, out var nextReport))
                {
                    wait = Min(wait, (nextReport - now) / _options.Speedup);
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or the host stopping: the summary below is the answer.
        }

        if (_drivers is not null)
        {
            await _drivers.StopAsync(cancellationToken);
        }

        var counters = sender.Counters;
        var summary = new SimulatorSummary(
            counters.Sent, counters.Accepted, counters.Rejected, counters.ThrottledResponses, _time.GetElapsedTime(startedAt));
        _output.WriteLine(
            Invariant($"Done: sent {summary.Sent}, accepted {summary.Accepted}, rejected {summary.Rejected}, ") +
            Invariant($"throttled {summary.ThrottledResponses} responses in {summary.Elapsed:hh\\:mm\\:ss\\.f} ") +
            Invariant($"({summary.EventsPerSecond:F1} events/s)."));
        return summary;
    }

    /// <summary>The vehicles of a run, each seeded from the run's seed and its number.</summary>
    internal static IReadOnlyList<SimulatedVehicle> CreateFleet(SimulatorOptions options, DateTimeOffset start, int seed)
    {
        var grid = new StreetGrid(new GeoPoint(options.CenterLatitude, options.CenterLongitude), options.RadiusKm * 1_000);
        var scenarios = ScenarioAssignment.Resolve(options.Scenarios, options.Vehicles);
        var vehicles = new List<SimulatedVehicle>(options.Vehicles);
        for (var number = 1; number <= options.Vehicles; number++)
        {
            var vehicleSeed = Mix(seed, number);
            // A stream of its own, so where a vehicle starts does not shift the draws it drives by.
            var placement = new Random(vehicleSeed ^ 0x5bd1e995);
            var (minMeters, maxMeters) = scenarios[number - 1].Contains(ScenarioKind.Geofence)
                ? (MinGeofenceStartMeters, MaxGeofenceStartMeters)
                : (0, grid.RadiusMeters);
            vehicles.Add(new SimulatedVehicle(new VehicleSetup(
                options.DeviceId(number),
                options.DriverId(number),
                scenarios[number - 1],
                grid,
                StartNode(placement, minMeters, maxMeters),
                start,
                options.ReportInterval,
                vehicleSeed)));
        }

        return vehicles;
    }

    private static Func<TextWriter, ITelemetrySender> SendersFor(SimulatorOptions options, HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        return output => options.SendsOverAmqp
            ? new EventHubsAmqpSender(EventHubsAmqpSender.CreateProducer(options), options, output)
            : new EventHubsRestSender(http, options, time, output);
    }

    private DateTimeOffset SimulationStart(DateTimeOffset now) =>
        _options.Speedup > 1 && _options.Duration is { } duration ? now - duration * (_options.Speedup - 1) : now;

    private async Task DriveAsync(
        PriorityQueue<SimulatedVehicle, DateTimeOffset> due,
        DateTimeOffset now,
        ITelemetrySender sender,
        CancellationToken cancellationToken)
    {
        var pending = new List<TelemetryFix>();
        var statusChanges = new List<DriverStatusChange>();
        while (due.TryPeek(out var vehicle, out var reportAt) && reportAt <= now)
        {
            due.Dequeue();
            vehicle.AdvanceTo(reportAt, pending, statusChanges);
            if (vehicle.NextReportAt != DateTimeOffset.MaxValue)
            {
                due.Enqueue(vehicle, vehicle.NextReportAt);
            }

            if (pending.Count >= _options.BatchSize)
            {
                await sender.SendAsync(pending, cancellationToken);
                pending.Clear();
            }
        }

        if (pending.Count > 0)
        {
            await sender.SendAsync(pending, cancellationToken);
        }

        if (statusChanges.Count > 0)
        {
            // After the fixes that led up to them, as a driver's tap follows the drive.
            _drivers!.Report(statusChanges);
        }
    }

    private void WriteStart(int seed, string destination)
    {
        _output.WriteLine(
            Invariant($"Simulating {_options.Vehicles} vehicles ({_options.DeviceId(1)}..{_options.DeviceId(_options.Vehicles)}) ") +
            Invariant($"within {_options.RadiusKm} km of {_options.CenterLatitude}, {_options.CenterLongitude}, seed {seed}, ") +
            Invariant($"reporting every {_options.ReportInterval.TotalSeconds} s at {_options.Speedup}x, ") +
            $"to {destination}.");
    }

    private Progress WriteProgress(SendCounters counters, Progress last, TimeSpan elapsed)
    {
        var rate = (counters.Accepted - last.Accepted) / (elapsed - last.At).TotalSeconds;
        _output.WriteLine(
            Invariant($"[{elapsed:hh\\:mm\\:ss}] sent {counters.Sent}, accepted {counters.Accepted}, rejected {counters.Rejected}, ") +
            Invariant($"throttled {counters.ThrottledResponses}, {rate:F1} events/s"));
        return new Progress(elapsed, counters.Accepted);
    }

    private static GridNode StartNode(Random random, double minMeters, double maxMeters)
    {
        // Uniform over the ring's area, then onto the nearest intersection.
        var radius = Math.Sqrt(minMeters * minMeters + (maxMeters * maxMeters - minMeters * minMeters) * random.NextDouble());
        var angle = 2 * Math.PI * random.NextDouble();
        return new GridNode(
            (int)Math.Round(radius * Math.Cos(angle) / StreetGrid.BlockMeters),
            (int)Math.Round(radius * Math.Sin(angle) / StreetGrid.BlockMeters));
    }

    /// <summary>A seed per vehicle that differs in all bits from its neighbours' (a MurmurHash3 finalizer).</summary>
    private static int Mix(int seed, int number)
    {
        unchecked
        {
            var x = (uint)seed * 0x9E3779B9u ^ (uint)number * 0x85EBCA6Bu;
            x ^= x >> 16;
            x *= 0x7FEB352Du;
            x ^= x >> 15;
            x *= 0x846CA68Bu;
            x ^= x >> 16;
            return (int)x;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private readonly record struct Progress(TimeSpan At, long Accepted);
}
