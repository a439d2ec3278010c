using Fleet.Core.Alerts;
using Fleet.Core.Kpis;
using Fleet.Core.Ports;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Adapters.InMemory;

/// <summary>
/// History, trips, statistics, dead letters, the alert outbox and vehicle states in memory, committed atomically under
/// one lock with the same semantics as the PostgreSQL store: first write wins for positions and dead letters, upsert
/// for trips and outbox alerts (a final version never replaced by one that is not), additive statistics,
/// version-guarded states, per-company sequence numbers.
/// </summary>
public sealed class InMemoryTelemetryStore : IVehicleStateStore, ITelemetryStore, IAlertOutbox, IFleetHistory
{
    private readonly object _lock = new();
    private readonly Dictionary<string, VehicleState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<(string VehicleId, DateTimeOffset FixTime), PositionRecord> _positions = [];
    private readonly Dictionary<string, TripRecord> _trips = new(StringComparer.Ordinal);
    private readonly Dictionary<(string CompanyId, string VehicleId, DateOnly Day), DailyStats> _stats = [];
    private readonly Dictionary<(string PartitionId, long SequenceNumber, DateTimeOffset EnqueuedTime), DeadLetter> _deadLetters = [];
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly Dictionary<(string CompanyId, string AlertId), (Alert Alert, DateTimeOffset RecordedAt, DateTimeOffset? DeliveredAt)> _outbox = [];

    public Task<IReadOnlyDictionary<string, VehicleState>> LoadAsync(IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleIds);
        lock (_lock)
        {
            var found = new Dictionary<string, VehicleState>(StringComparer.Ordinal);
            foreach (var vehicleId in vehicleIds)
            {
                if (_states.TryGetValue(vehicleId, out var state))
                {
                    found[vehicleId] = state;
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, VehicleState>>(found);
        }
    }

    public Task<CommitResult> CommitAsync(TelemetryCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_lock)
        {
            var conflicts = commit.States
                .Where(state => (_states.TryGetValue(state.VehicleId, out var stored) ? stored.Version : 0) != state.Version)
                .Select(state => state.VehicleId)
                .ToList();
            if (conflicts.Count > 0)
            {
                return Task.FromResult(CommitResult.Conflict(conflicts));
            }

            foreach (var position in commit.Positions)
            {
                _positions.TryAdd((position.VehicleId, position.FixTime), position);
            }

            foreach (var trip in commit.Trips)
            {
                _trips[trip.TripId] = trip;
            }

            foreach (var delta in commit.Stats)
            {
                var key = (delta.CompanyId, delta.VehicleId, delta.Day);
                _stats[key] = _stats.TryGetValue(key, out var existing) ? existing.Add(delta) : delta;
            }

            foreach (var deadLetter in commit.DeadLetters)
            {
                _deadLetters.TryAdd((deadLetter.Source.PartitionId, deadLetter.Source.SequenceNumber, deadLetter.Source.EnqueuedTime), deadLetter);
            }

            foreach (var alert in commit.Alerts)
            {
                if (alert.Final || !_outbox.TryGetValue((alert.CompanyId, alert.Id), out var recorded) || !recorded.Alert.Final)
                {
                    _outbox[(alert.CompanyId, alert.Id)] = (alert, commit.RecordedAt, null);
                }
            }

            foreach (var state in commit.States)
            {
                _states[state.VehicleId] = state with { Version = state.Version + 1 };
            }

            var lastSequences = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (companyId, count) in commit.SequenceCounts)
            {
                lastSequences[companyId] = _sequences[companyId] = _sequences.GetValueOrDefault(companyId) + count;
            }

            return Task.FromResult(CommitResult.Success(lastSequences));
        }
    }

    public Task<IReadOnlyList<Alert>> PendingAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken) =>
        Snapshot(() => _outbox.Values
            .Where(pending => pending.DeliveredAt is null && pending.RecordedAt < recordedBefore)
            .OrderBy(pending => pending.RecordedAt).ThenBy(pending => pending.Alert.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(pending => pending.Alert));

    public Task<IReadOnlyList<Alert>> DeliveredAsync(DateTimeOffset deliveredBefore, int limit, CancellationToken cancellationToken) =>
        Snapshot(() => _outbox.Values
            .Where(recorded => recorded.DeliveredAt < deliveredBefore)
            .OrderBy(recorded => recorded.DeliveredAt).ThenBy(recorded => recorded.Alert.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(recorded => recorded.Alert));

    public Task<int> MarkDeliveredAsync(IReadOnlyList<Alert> delivered, DateTimeOffset deliveredAt, CancellationToken cancellationToken) =>
        Task.FromResult(ChangeUnchanged(delivered, recorded => _outbox[(recorded.Alert.CompanyId, recorded.Alert.Id)] = recorded with { DeliveredAt = deliveredAt }));

    public Task<int> ForgetAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) =>
        Task.FromResult(ChangeUnchanged(alerts, recorded => _outbox.Remove((recorded.Alert.CompanyId, recorded.Alert.Id))));

    public Task ForgetAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _outbox.Remove((companyId, alertId));
        }

        return Task.CompletedTask;
    }

    /// <remarks>Alerts are records: a version is unchanged when it equals the one given, field by field.</remarks>
    private int ChangeUnchanged(IReadOnlyList<Alert> alerts, Action<(Alert Alert, DateTimeOffset RecordedAt, DateTimeOffset? DeliveredAt)> change)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        lock (_lock)
        {
            var changed = 0;
            foreach (var alert in alerts)
            {
                if (_outbox.TryGetValue((alert.CompanyId, alert.Id), out var recorded) && recorded.Alert == alert)
                {
                    change(recorded);
                    changed++;
                }
            }

            return changed;
        }
    }

    public Task<IReadOnlyList<VehicleState>> StatesOfAsync(string companyId, CancellationToken cancellationToken) => Snapshot(() =>
        _states.Values.Where(state => Same(state.CompanyId, companyId)).OrderBy(state => state.VehicleId, StringComparer.Ordinal));

    public Task<IReadOnlyList<VehicleState>> StatesOfAsync(string companyId, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken) =>
        Snapshot(() => vehicleIds
            .Distinct(StringComparer.Ordinal)
            .Select(vehicleId => _states.GetValueOrDefault(vehicleId))
            .OfType<VehicleState>()
            .Where(state => Same(state.CompanyId, companyId))
            .OrderBy(state => state.VehicleId, StringComparer.Ordinal));

    public Task<IReadOnlyList<PositionRecord>> PositionsAsync(
        string companyId, string vehicleId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? after, int limit, CancellationToken cancellationToken) =>
        Snapshot(() => _positions.Values
            .Where(position => Same(position.CompanyId, companyId) && Same(position.VehicleId, vehicleId) &&
                position.FixTime >= from && position.FixTime < to && (after is null || position.FixTime > after))
            .OrderBy(position => position.FixTime)
            .Take(limit));

    public Task<ListPage<TripRecord>> TripsAsync(
        string companyId, string vehicleId, DateTimeOffset from, DateTimeOffset to, OldestFirstCursor? after, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(InMemoryPages.OldestFirst(
                _trips.Values.Where(trip => Same(trip.CompanyId, companyId) && Same(trip.VehicleId, vehicleId) && trip.StartTime >= from && trip.StartTime < to),
                trip => trip.StartTime,
                trip => trip.TripId,
                after,
                limit));
        }
    }

    public Task<TripRecord?> TripAsync(string companyId, string tripId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_trips.TryGetValue(tripId, out var trip) && Same(trip.CompanyId, companyId) ? trip : null);
        }
    }

    public Task<IReadOnlyList<DailyStats>> DailyStatsAsync(string companyId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        Snapshot(() => _stats.Values
            .Where(stats => Same(stats.CompanyId, companyId) && stats.Day >= firstDay && stats.Day <= lastDay)
            .OrderBy(stats => stats.Day).ThenBy(stats => stats.VehicleId, StringComparer.Ordinal));

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? companyId, int limit, CancellationToken cancellationToken) =>
        Snapshot(() => _deadLetters.Values
            .Where(letter => companyId is null || Same(letter.CompanyId, companyId))
            .OrderByDescending(letter => letter.Source.EnqueuedTime)
            .ThenByDescending(letter => letter.Source.SequenceNumber)
            .Take(limit));

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);

    private Task<IReadOnlyList<T>> Snapshot<T>(Func<IEnumerable<T>> query)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<T>>([.. query()]);
        }
    }
}
