using BenchmarkDotNet.Attributes;
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
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 15)]
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
    public Task<CommitResult> BulkPositions() =>
        _store.CommitAsync(new TelemetryCommit([], NextBatch(), [], [], [], new Dictionary<string, int>()), CancellationToken.None);

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
            new TelemetryCommit(states, positions, [], stats, [], new Dictionary<string, int> { [CompanyId] = states.Count }), CancellationToken.None);
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

    /// <summary>Five fixes per vehicle, one second apart, every field a device typically sends.</summary>
    private List<PositionRecord> NextBatch()
    {
        var batch = new List<PositionRecord>(BatchSize);
        for (var i = 0; i < BatchSize; i++)
        {
            var vehicle = i % Vehicles;
            var time = _nextFixTime.AddSeconds(i / Vehicles);
            var fix = new TelemetryFix(
                "dev-" + vehicle,
                time,
                new GeoPoint(25.0 + vehicle * 1e-3, 121.5 + (_nextSequenceNumber % 10_000) * 1e-5),
                new EventMetadata("0", _nextSequenceNumber++, time.AddSeconds(1)),
                SpeedKmh: 48.5,
                HeadingDegrees: 90,
                AccuracyMeters: 4,
                FuelLevelPercent: 61.5,
                Ignition: true,
                DriverId: "d-" + vehicle);
            batch.Add(new PositionRecord(fix, "v-" + vehicle, CompanyId, OdometerKm: 1_000 + i * 0.01, IsLate: false));
        }

        _nextFixTime = _nextFixTime.AddSeconds(BatchSize / Vehicles);
        return batch;
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
