using Fleet.Core.Kpis;
using Fleet.Core.Ports;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Adapters.InMemory;

/// <summary>
/// History, trips, statistics, dead letters and vehicle states in memory, committed atomically under one lock with
/// the same semantics as the PostgreSQL store: first write wins for positions and dead letters, upsert for trips,
/// additive statistics, version-guarded states, per-company sequence numbers.
/// </summary>
public sealed class InMemoryTelemetryStore : IVehicleStateStore, ITelemetryStore
{
    private readonly object _lock = new();
    private readonly Dictionary<string, VehicleState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<(string VehicleId, DateTimeOffset FixTime), PositionRecord> _positions = [];
    private readonly Dictionary<string, TripRecord> _trips = new(StringComparer.Ordinal);
    private readonly Dictionary<(string CompanyId, string VehicleId, DateOnly Day), DailyStats> _stats = [];
    private readonly Dictionary<(string PartitionId, long SequenceNumber), DeadLetter> _deadLetters = [];
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);

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
                _deadLetters.TryAdd((deadLetter.Source.PartitionId, deadLetter.Source.SequenceNumber), deadLetter);
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

    public IReadOnlyList<VehicleState> StatesOf(string companyId) => Snapshot(() =>
        _states.Values.Where(state => string.Equals(state.CompanyId, companyId, StringComparison.Ordinal)).OrderBy(state => state.VehicleId, StringComparer.Ordinal));

    public IReadOnlyList<PositionRecord> PositionsOf(string companyId, string vehicleId) => Snapshot(() =>
        _positions.Values.Where(position => string.Equals(position.CompanyId, companyId, StringComparison.Ordinal) &&
            string.Equals(position.VehicleId, vehicleId, StringComparison.Ordinal)).OrderBy(position => position.FixTime));

    public IReadOnlyList<TripRecord> TripsOf(string companyId, string vehicleId) => Snapshot(() =>
        _trips.Values.Where(trip => string.Equals(trip.CompanyId, companyId, StringComparison.Ordinal) &&
            string.Equals(trip.VehicleId, vehicleId, StringComparison.Ordinal)).OrderBy(trip => trip.StartTime));

    public IReadOnlyList<DailyStats> StatsOf(string companyId) => Snapshot(() =>
        _stats.Values.Where(stats => string.Equals(stats.CompanyId, companyId, StringComparison.Ordinal))
            .OrderBy(stats => stats.Day).ThenBy(stats => stats.VehicleId, StringComparer.Ordinal));

    public IReadOnlyList<DeadLetter> DeadLetters() => Snapshot(() =>
        _deadLetters.Values.OrderBy(letter => letter.Source.PartitionId, StringComparer.Ordinal).ThenBy(letter => letter.Source.SequenceNumber));

    private List<T> Snapshot<T>(Func<IEnumerable<T>> query)
    {
        lock (_lock)
        {
            return [.. query()];
        }
    }
}
