using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Fleet.Adapters.Postgres;
using Fleet.Core.Geo;
using Fleet.Core.Kpis;
using Fleet.Core.Ports;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Benchmarks;

/// <summary>
/// Position persistence against a real PostgreSQL (issue 3 budget: >= 150,000 positions/s with batches of 1,000, and
/// >= 30x a per-row INSERT). One operation is one position. The server comes from <c>FLEET_BENCH_POSTGRES</c> (or
/// <c>FLEET_TEST_POSTGRES</c>); each run creates and drops a database of its own. Every invocation writes 1,000 new
/// fixes of 200 vehicles, later than any before, as a live batch would.
/// </summary>
/// <remarks>
/// Client and server share the machine's cores here, unlike in production. The runtime's default thread pool spins
/// its idle workers while they wait for the server's reply, and that spinning takes the CPU the server needs; the
/// second job turns it off (<c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0</c>), as the local host does.
/// </remarks>
[Config(typeof(Jobs))]
public class PersistenceBenchmarks
{
    public const int BatchSize = 1_000;
    private const int Vehicles = 200;
    private const string CompanyId = "c-bench";

    private readonly string _database = "fleet_bench_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource _dataSource = null!;
    private PostgresTelemetryStore _store = null!;
    private Dictionary<string, VehicleState> _states = null!;
    private DateTimeOffset _nextFixTime;
    private long _nextSequenceNumber;
    private readonly Dictionary<(string PartitionId, int Number), (string VehicleId, string DeviceId, string DriverId)> _vehicles = [];

    [GlobalSetup]
    public void Setup()
    {
        ExecuteAdmin($"CREATE DATABASE {_database}");
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = _database }.ConnectionString);
        new PostgresMigrator(_dataSource, TimeProvider.System, NullLogger<PostgresMigrator>.Instance).MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _store = new PostgresTelemetryStore(_dataSource, new PostgresRetry(NullLogger<PostgresRetry>.Instance), NullLogger<PostgresTelemetryStore>.Instance);
        _states = [];
        _nextFixTime = DateTimeOffset.UtcNow.AddDays(-1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dataSource.Dispose();
        ExecuteAdmin($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }

    /// <summary>The batch's positions alone, as the store writes them.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public Task<CommitResult> BulkPositions() => CommitPositions(NextBatch());

    /// <summary>
    /// Two batches of different partitions (and so different vehicles) at once, as two partition consumers write
    /// them: the client encodes one while the server stores the other.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 2 * BatchSize)]
    public Task<CommitResult[]> BulkPositionsTwoPartitions()
    {
        var batches = NextBatches(partitions: 2);
        return Task.WhenAll(batches.Select(CommitPositions));
    }

    /// <summary>
    /// What a batch of the handler commits: the positions, the states of its 200 vehicles (version-guarded), their
    /// daily statistics and the company's sequence numbers.
    /// </summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public async Task<CommitResult> BulkBatchWithStates()
    {
        var positions = NextBatch();
        var states = positions
            .GroupBy(position => position.VehicleId, StringComparer.Ordinal)
            .Select(group => State(group.Key, group.Last()))
            .ToList();
        var stats = states.Select(state => new DailyStats(CompanyId, state.VehicleId, DateOnly.FromDateTime(_nextFixTime.UtcDateTime), DistanceKm: 0.1, MovingSeconds: 5)).ToList();
        var result = await _store.CommitAsync(
            new TelemetryCommit(states, positions, [], stats, [], [], new Dictionary<string, int> { [CompanyId] = states.Count }, DateTimeOffset.UtcNow), CancellationToken.None);
        foreach (var state in states)
        {
            _states[state.VehicleId] = state with { Version = state.Version + 1 };
        }

        return result;
    }

    /// <summary>The baseline: one INSERT statement, one round trip and one commit per position.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize, Baseline = true)]
    public async Task<int> PerRowInsert()
    {
        var inserted = 0;
        await using var connection = await _dataSource.OpenConnectionAsync();
        foreach (var position in NextBatch())
        {
            await using var command = new NpgsqlCommand(
                $"""
                INSERT INTO positions ({CommitBatch.PositionColumns})
                VALUES (@vehicle, @company, @device, @time, @latitude, @longitude, @speed, @heading, @accuracy, @altitude, @device_sequence,
                    @driver, @device_odometer, @fuel, @ignition, @events, @odometer, @late, @partition, @sequence, @enqueued, @publisher)
                ON CONFLICT (vehicle_id, fix_time) DO NOTHING
                """,
                connection);
            var parameters = command.Parameters;
            parameters.AddWithValue("vehicle", position.VehicleId);
            parameters.AddWithValue("company", position.CompanyId);
            parameters.AddWithValue("device", position.DeviceId);
            parameters.AddWithValue("time", position.FixTime.UtcDateTime);
            parameters.AddWithValue("latitude", position.Position.Latitude);
            parameters.AddWithValue("longitude", position.Position.Longitude);
            parameters.Add(Nullable("speed", position.SpeedKmh));
            parameters.Add(Nullable("heading", position.HeadingDegrees));
            parameters.Add(Nullable("accuracy", position.AccuracyMeters));
            parameters.Add(Nullable("altitude", position.AltitudeMeters));
            parameters.Add(new NpgsqlParameter("device_sequence", NpgsqlDbType.Bigint) { Value = (object?)position.Fix.DeviceSequence ?? DBNull.Value });
            parameters.Add(new NpgsqlParameter("driver", NpgsqlDbType.Text) { Value = (object?)position.DriverId ?? DBNull.Value });
            parameters.Add(Nullable("device_odometer", position.Fix.DeviceOdometerKm));
            parameters.Add(Nullable("fuel", position.FuelLevelPercent));
            parameters.Add(new NpgsqlParameter("ignition", NpgsqlDbType.Boolean) { Value = (object?)position.Ignition ?? DBNull.Value });
            parameters.AddWithValue("events", (int)position.Fix.Events);
            parameters.Add(Nullable("odometer", position.OdometerKm));
            parameters.AddWithValue("late", position.IsLate);
            parameters.AddWithValue("partition", position.PartitionId);
            parameters.AddWithValue("sequence", position.SequenceNumber);
            parameters.AddWithValue("enqueued", position.Fix.Source.EnqueuedTime.UtcDateTime);
            parameters.Add(new NpgsqlParameter("publisher", NpgsqlDbType.Text) { Value = (object?)position.Fix.Source.Publisher ?? DBNull.Value });
            inserted += await command.ExecuteNonQueryAsync();
        }

        return inserted;
    }

    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            var job = Job.Default.WithLaunchCount(1).WithWarmupCount(5).WithIterationCount(15);
            AddJob(job.WithId("DefaultThreadPool"));
            AddJob(job.WithId("NoSpinning").WithEnvironmentVariables(new EnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0")));
        }
    }

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("FLEET_BENCH_POSTGRES") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("FLEET_TEST_POSTGRES") is { Length: > 0 } test ? test
        : throw new InvalidOperationException(
            "FLEET_BENCH_POSTGRES (or FLEET_TEST_POSTGRES) must hold a PostgreSQL connection string; tests/Fleet.Benchmarks/persistence.sh starts a server and sets it.");

    private static void ExecuteAdmin(string sql)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static NpgsqlParameter Nullable(string name, double? value) =>
        new(name, NpgsqlDbType.Double) { Value = value is { } present ? present : DBNull.Value };

    private Task<CommitResult> CommitPositions(List<PositionRecord> positions) =>
        _store.CommitAsync(new TelemetryCommit([], positions, [], [], [], [], new Dictionary<string, int>(), DateTimeOffset.UtcNow), CancellationToken.None);

    private List<PositionRecord> NextBatch() => NextBatches(partitions: 1)[0];

    /// <summary>
    /// A batch per partition, each of its own 200 vehicles: five fixes per vehicle, one second apart, every field a
    /// device typically sends.
    /// </summary>
    private List<PositionRecord>[] NextBatches(int partitions)
    {
        var batches = new List<PositionRecord>[partitions];
        for (var partition = 0; partition < partitions; partition++)
        {
            batches[partition] = NextBatch(partition.ToString(CultureInfo.InvariantCulture));
        }

        _nextFixTime = _nextFixTime.AddSeconds(BatchSize / Vehicles);
        return batches;
    }

    private List<PositionRecord> NextBatch(string partitionId)
    {
        var batch = new List<PositionRecord>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            var vehicle = Vehicle(partitionId, i % Vehicles);
            var time = _nextFixTime.AddSeconds(i / Vehicles);
            var fix = new TelemetryFix(
                vehicle.DeviceId,
                time,
                new GeoPoint(25.0 + i % Vehicles * 1e-3, 121.5 + (_nextSequenceNumber % 10_000) * 1e-5),
                new EventMetadata(partitionId, _nextSequenceNumber++, time.AddSeconds(1)),
                SpeedKmh: 48.5,
                HeadingDegrees: 90,
                AccuracyMeters: 4,
                FuelLevelPercent: 61.5,
                Ignition: true,
                DriverId: vehicle.DriverId);
            batch.Add(new PositionRecord(fix, vehicle.VehicleId, CompanyId, OdometerKm: 1_000 + i * 0.01, IsLate: false));
        }

        return batch;
    }

    // Identifiers are made once, so that building a batch costs little next to writing it.
    private (string VehicleId, string DeviceId, string DriverId) Vehicle(string partitionId, int number)
    {
        var key = (partitionId, number);
        if (!_vehicles.TryGetValue(key, out var vehicle))
        {
            var suffix = partitionId + "-" + number.ToString(CultureInfo.InvariantCulture);
            vehicle = ("v-" + suffix, "dev-" + suffix, "d-" + suffix);
            _vehicles[key] = vehicle;
        }

        return vehicle;
    }

    private VehicleState State(string vehicleId, PositionRecord last)
    {
        var previous = _states.GetValueOrDefault(vehicleId) ?? new VehicleState { VehicleId = vehicleId, CompanyId = CompanyId };
        return previous with
        {
            LastSeen = last.FixTime,
            OdometerKm = last.OdometerKm ?? 0,
            LastFix = new FixSnapshot(last.Fix, last.SpeedKmh ?? 0, last.OdometerKm ?? 0, last.FuelLevelPercent, last.Ignition, last.DriverId),
        };
    }
}
