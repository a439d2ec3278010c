using System.Net;
using Fleet.Core.Geo;
using Fleet.Core.Jobs;

namespace Fleet.Simulator;

/// <summary>
/// The delivery drivers' apps (and, when the simulator dispatches, their dispatcher) talking to the jobs API in rounds
/// that run beside the drive, so a slow or dead API never holds up the telemetry. A round sends the statuses the drivers
/// set (in order, each after the fixes that led up to it were sent) and the new deliveries, then asks what each driver
/// has assigned; the answers are applied to the vehicles on the simulator's own loop, which alone touches them.
/// A status that could not be reported is sent again in the next round, until the API takes it or refuses it for good
/// (a 4xx: the job was cancelled or given to someone else).
/// </summary>
/// <param name="output">Written to from the rounds as well: a synchronized writer.</param>
internal sealed class DeliveryDrivers(IDeliveryDesk desk, bool dispatch, TextWriter output)
{
    /// <summary>How often the drivers look at their app for new or withdrawn jobs (wall-clock time).</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>How soon to look again when a check is due but the last round has not finished.</summary>
    public static readonly TimeSpan BusyRetry = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly List<DriverStatusChange> _statuses = [];
    private readonly List<(string DeviceId, GeoPoint Pickup, GeoPoint Dropoff)> _dispatches = [];
    private Task<Dictionary<string, IReadOnlyList<DeliveryOrder>>>? _round;

    /// <summary>Queues the statuses the drivers set; the fixes that led up to them have been sent.</summary>
    public void Report(IReadOnlyList<DriverStatusChange> changes)
    {
        lock (_lock)
        {
            _statuses.AddRange(changes);
        }
    }

    /// <summary>
    /// Applies a finished round's answers, and starts the next round when one is due: every check interval, or at once
    /// when statuses wait to be sent. Vehicles that have gone silent take nothing.
    /// </summary>
    /// <param name="checkDue">The check interval has passed since the last round started.</param>
    /// <returns>Whether a round that asks the drivers' assignments was started.</returns>
    public bool Tick(IReadOnlyList<SimulatedVehicle> vehicles, bool checkDue, CancellationToken cancellationToken)
    {
        // A round ends in error only when the run is cancelled: every call's failure is caught and reported.
        if (_round is { IsCompletedSuccessfully: true } round)
        {
            _round = null;
            var unsentCompletions = UnsentCompletions();
            foreach (var vehicle in vehicles)
            {
                if (round.Result.TryGetValue(vehicle.DeviceId, out var assigned))
                {
                    Apply(vehicle, assigned, unsentCompletions);
                }
            }
        }

        if (_round is not null || !(checkDue || Waiting()))
        {
            return false;
        }

        var asking = vehicles.Where(vehicle => vehicle.NextReportAt != DateTimeOffset.MaxValue).Select(vehicle => vehicle.DeviceId).ToList();
        _round = Task.Run(() => RoundAsync(checkDue ? asking : [], cancellationToken), cancellationToken);
        return checkDue;
    }

    /// <summary>When the run ends: waits for the round under way, then sends the statuses still waiting, unless cancelled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_round is { } round)
        {
            await ((Task)round).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (Waiting() && !cancellationToken.IsCancellationRequested)
        {
            await RoundAsync([], cancellationToken);
        }
    }

    private bool Waiting()
    {
        lock (_lock)
        {
            return _statuses.Count > 0;
        }
    }

    /// <summary>The jobs whose drivers finished them but could not report it yet: read once per round, for every vehicle.</summary>
    private HashSet<string> UnsentCompletions()
    {
        lock (_lock)
        {
            return _statuses.Where(change => change.Status == JobStatus.Completed).Select(change => change.JobId).ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>A withdrawn job is dropped; an idle driver takes the oldest job assigned, or is given a new one.</summary>
    /// <param name="unsentCompletions">From <see cref="UnsentCompletions"/>.</param>
    private void Apply(SimulatedVehicle vehicle, IReadOnlyList<DeliveryOrder> assigned, HashSet<string> unsentCompletions)
    {
        // A job the driver finished but could not report yet is still listed: it is not a new one.
        var open = assigned.Where(order => !unsentCompletions.Contains(order.JobId)).ToList();
        if (vehicle.Delivery is { } current && !open.Any(order => order.JobId == current.JobId))
        {
            vehicle.Drop();
        }

        if (vehicle.Delivery is not null)
        {
            return;
        }

        if (open.Count > 0)
        {
            vehicle.Take(open[0]);
        }
        else if (dispatch)
        {
            var (pickup, dropoff) = vehicle.PlanDelivery();
            lock (_lock)
            {
                _dispatches.Add((vehicle.DeviceId, pickup, dropoff));
            }
        }
    }

    private async Task<Dictionary<string, IReadOnlyList<DeliveryOrder>>> RoundAsync(IReadOnlyList<string> asking, CancellationToken cancellationToken)
    {
        List<DriverStatusChange> statuses;
        List<(string DeviceId, GeoPoint Pickup, GeoPoint Dropoff)> dispatches;
        lock (_lock)
        {
            (statuses, dispatches) = ([.. _statuses], [.. _dispatches]);
            _dispatches.Clear();
        }

        foreach (var change in statuses)
        {
            var failure = await CallAsync(change.DeviceId, token => desk.ReportAsync(change, token), cancellationToken);
            if (failure is null || IsRefusedForGood(failure))
            {
                lock (_lock)
                {
                    _statuses.Remove(change);
                }
            }
        }

        foreach (var (deviceId, pickup, dropoff) in dispatches)
        {
            await CallAsync(deviceId, token => desk.DispatchAsync(deviceId, pickup, dropoff, token), cancellationToken);
        }

        var answers = new Dictionary<string, IReadOnlyList<DeliveryOrder>>(StringComparer.Ordinal);
        await Task.WhenAll(asking.Select(async deviceId =>
        {
            IReadOnlyList<DeliveryOrder>? assigned = null;
            await CallAsync(deviceId, async token => assigned = await desk.AssignedAsync(deviceId, token), cancellationToken);
            if (assigned is not null)
            {
                lock (answers)
                {
                    answers[deviceId] = assigned;
                }
            }
        }));
        return answers;
    }

    private static bool IsRefusedForGood(Exception failure) =>
        failure is HttpRequestException { StatusCode: >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError };

    /// <returns>Null when the call went through; else what stopped it, already reported.</returns>
    private async Task<Exception?> CallAsync(string deviceId, Func<CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(CallTimeout);
        try
        {
            await call(limit.Token);
            return null;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreachable, slow, refusing or answering nonsense: the side channel of a simulation, never its end.
            output.WriteLine($"Jobs API, {deviceId}: {exception.GetType().Name}: {exception.Message}");
            return exception;
        }
    }
}
