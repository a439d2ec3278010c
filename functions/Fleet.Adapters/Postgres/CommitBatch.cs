using Fleet.Core.Ports;
using Fleet.Core.State;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// A batch's writes as column arrays, bound to <c>unnest</c> so each table takes one statement whatever the batch size.
/// The statements run in one round trip, in an order that keeps concurrent writers from deadlocking: vehicle rows are
/// locked first, in vehicle id order, and statistics rows are written in key order.
/// </summary>
internal sealed class CommitBatch
{
    private const string LockStates = """
        SELECT vehicle_id FROM vehicle_state WHERE vehicle_id = ANY(@ids) ORDER BY vehicle_id FOR UPDATE
        """;

    // A state moves on only from the version the batch read; the vehicles it returns are the ones written.
    private const string UpdateStates = """
        UPDATE vehicle_state AS s
        SET version = s.version + 1, company_id = u.company_id, watermark = u.watermark, last_seen = u.last_seen, status = u.status,
            latitude = u.latitude, longitude = u.longitude, state = u.state, updated_at = now()
        FROM unnest(@ids, @expected, @companies, @watermarks, @last_seen, @statuses, @latitudes, @longitudes, @states)
            AS u(vehicle_id, expected, company_id, watermark, last_seen, status, latitude, longitude, state)
        WHERE s.vehicle_id = u.vehicle_id AND s.version = u.expected AND u.expected > 0
        RETURNING s.vehicle_id AS written_vehicle_id
        """;

    private const string InsertStates = """
        INSERT INTO vehicle_state (vehicle_id, company_id, version, watermark, last_seen, status, latitude, longitude, state)
        SELECT u.vehicle_id, u.company_id, 1, u.watermark, u.last_seen, u.status, u.latitude, u.longitude, u.state
        FROM unnest(@ids, @expected, @companies, @watermarks, @last_seen, @statuses, @latitudes, @longitudes, @states)
            AS u(vehicle_id, expected, company_id, watermark, last_seen, status, latitude, longitude, state)
        WHERE u.expected = 0
        ON CONFLICT (vehicle_id) DO NOTHING
        RETURNING vehicle_id AS written_vehicle_id
        """;

    private const string InsertPositions = """
        INSERT INTO positions (vehicle_id, company_id, device_id, fix_time, latitude, longitude, speed_kmh, heading_degrees, accuracy_meters,
            altitude_meters, device_sequence, driver_id, device_odometer_km, fuel_level_percent, ignition, device_events, odometer_km, is_late,
            partition_id, sequence_number, enqueued_time, publisher)
        SELECT * FROM unnest(@vehicles, @companies, @devices, @times, @latitudes, @longitudes, @speeds, @headings, @accuracies, @altitudes,
            @device_sequences, @drivers, @device_odometers, @fuel_levels, @ignitions, @events, @odometers, @late, @partitions, @sequences,
            @enqueued, @publishers)
        ON CONFLICT (vehicle_id, fix_time) DO NOTHING
        """;

    private const string UpsertTrips = """
        INSERT INTO trips (trip_id, company_id, vehicle_id, driver_id, status, start_time, start_latitude, start_longitude, end_time,
            end_latitude, end_longitude, distance_km, max_speed_kmh, fuel_used_liters)
        SELECT * FROM unnest(@ids, @companies, @vehicles, @drivers, @statuses, @starts, @start_latitudes, @start_longitudes, @ends,
            @end_latitudes, @end_longitudes, @distances, @max_speeds, @fuel)
        ON CONFLICT (trip_id) DO UPDATE SET driver_id = excluded.driver_id, status = excluded.status, end_time = excluded.end_time,
            end_latitude = excluded.end_latitude, end_longitude = excluded.end_longitude, distance_km = excluded.distance_km,
            max_speed_kmh = excluded.max_speed_kmh, fuel_used_liters = excluded.fuel_used_liters
        """;

    private const string AddStats = """
        INSERT INTO company_daily_stats AS s (company_id, day, vehicle_id, distance_km, trips_started, trips_completed, trips_cancelled,
            fuel_used_liters, moving_seconds, idle_seconds)
        SELECT * FROM unnest(@companies, @days, @vehicles, @distances, @started, @completed, @cancelled, @fuel, @moving, @idle)
        ON CONFLICT (company_id, day, vehicle_id) DO UPDATE SET
            distance_km = s.distance_km + excluded.distance_km,
            trips_started = s.trips_started + excluded.trips_started,
            trips_completed = s.trips_completed + excluded.trips_completed,
            trips_cancelled = s.trips_cancelled + excluded.trips_cancelled,
            fuel_used_liters = s.fuel_used_liters + excluded.fuel_used_liters,
            moving_seconds = s.moving_seconds + excluded.moving_seconds,
            idle_seconds = s.idle_seconds + excluded.idle_seconds
        """;

    private const string InsertDeadLetters = """
        INSERT INTO dead_letters (partition_id, sequence_number, enqueued_time, publisher, reason, detail, device_id, vehicle_id, company_id,
            body, body_length)
        SELECT * FROM unnest(@partitions, @sequences, @enqueued, @publishers, @reasons, @details, @devices, @vehicles, @companies, @bodies,
            @lengths)
        ON CONFLICT (partition_id, sequence_number, enqueued_time) DO NOTHING
        """;

    // Companies with nothing to number still get their current value: messages outside the company group need it too.
    private const string AllocateSequences = """
        INSERT INTO company_sequences AS s (company_id, last_seq)
        SELECT * FROM unnest(@companies, @counts)
        ON CONFLICT (company_id) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
        RETURNING s.company_id AS sequenced_company_id, s.last_seq
        """;

    private readonly List<(string Sql, NpgsqlParameter[] Parameters)> _statements = [];

    private CommitBatch(IReadOnlyList<string> vehicleIds) => VehicleIds = vehicleIds;

    /// <summary>The vehicles whose states the batch writes: any of them not written means a concurrent writer won.</summary>
    public IReadOnlyList<string> VehicleIds { get; }

    public static CommitBatch For(TelemetryCommit commit)
    {
        var states = commit.States.OrderBy(state => state.VehicleId, StringComparer.Ordinal).ToList();
        var batch = new CommitBatch([.. states.Select(state => state.VehicleId)]);
        if (states.Count > 0)
        {
            batch.AddStates(states);
        }

        if (commit.Positions.Count > 0)
        {
            batch.AddPositions(commit);
        }

        if (commit.Trips.Count > 0)
        {
            batch.AddTrips(commit);
        }

        if (commit.Stats.Count > 0)
        {
            batch.AddDailyStats(commit);
        }

        if (commit.DeadLetters.Count > 0)
        {
            batch.AddDeadLetters(commit);
        }

        if (commit.SequenceCounts.Count > 0)
        {
            var sequences = commit.SequenceCounts.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
            batch.Add(
                AllocateSequences,
                Array("companies", NpgsqlDbType.Text, sequences.Select(pair => pair.Key)),
                Array("counts", NpgsqlDbType.Bigint, sequences.Select(pair => (long)pair.Value)));
        }

        return batch;
    }

    /// <summary>The statements on a connection; parameters are copied, so a retry can build the batch again.</summary>
    public NpgsqlBatch ToBatch(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, parameters) in _statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(parameter.Clone());
            }

            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    private void AddStates(List<VehicleState> states)
    {
        NpgsqlParameter[] columns =
        [
            Array("ids", NpgsqlDbType.Text, states.Select(state => state.VehicleId)),
            Array("expected", NpgsqlDbType.Bigint, states.Select(state => state.Version)),
            Array("companies", NpgsqlDbType.Text, states.Select(state => state.CompanyId)),
            Array("watermarks", NpgsqlDbType.TimestampTz, states.Select(state => Utc(state.LastFix?.Time))),
            Array("last_seen", NpgsqlDbType.TimestampTz, states.Select(state => Utc(state.LastSeen))),
            Array("statuses", NpgsqlDbType.Text, states.Select(state => EnumText.Of(state.Status))),
            Array("latitudes", NpgsqlDbType.Double, states.Select(state => state.LastFix?.Position.Latitude)),
            Array("longitudes", NpgsqlDbType.Double, states.Select(state => state.LastFix?.Position.Longitude)),
            Array("states", NpgsqlDbType.Json, states.Select(PostgresJson.Serialize)),
        ];
        Add(LockStates, columns[0]);
        Add(UpdateStates, columns);
        Add(InsertStates, columns);
    }

    private void AddPositions(TelemetryCommit commit)
    {
        var positions = commit.Positions;
        Add(
            InsertPositions,
            Array("vehicles", NpgsqlDbType.Text, positions.Select(position => position.VehicleId)),
            Array("companies", NpgsqlDbType.Text, positions.Select(position => position.CompanyId)),
            Array("devices", NpgsqlDbType.Text, positions.Select(position => position.DeviceId)),
            Array("times", NpgsqlDbType.TimestampTz, positions.Select(position => position.FixTime.UtcDateTime)),
            Array("latitudes", NpgsqlDbType.Double, positions.Select(position => position.Position.Latitude)),
            Array("longitudes", NpgsqlDbType.Double, positions.Select(position => position.Position.Longitude)),
            Array("speeds", NpgsqlDbType.Double, positions.Select(position => position.SpeedKmh)),
            Array("headings", NpgsqlDbType.Double, positions.Select(position => position.HeadingDegrees)),
            Array("accuracies", NpgsqlDbType.Double, positions.Select(position => position.AccuracyMeters)),
            Array("altitudes", NpgsqlDbType.Double, positions.Select(position => position.AltitudeMeters)),
            Array("device_sequences", NpgsqlDbType.Bigint, positions.Select(position => position.Fix.DeviceSequence)),
            Array("drivers", NpgsqlDbType.Text, positions.Select(position => position.DriverId)),
            Array("device_odometers", NpgsqlDbType.Double, positions.Select(position => position.Fix.DeviceOdometerKm)),
            Array("fuel_levels", NpgsqlDbType.Double, positions.Select(position => position.FuelLevelPercent)),
            Array("ignitions", NpgsqlDbType.Boolean, positions.Select(position => position.Ignition)),
            Array("events", NpgsqlDbType.Integer, positions.Select(position => (int)position.Fix.Events)),
            Array("odometers", NpgsqlDbType.Double, positions.Select(position => position.OdometerKm)),
            Array("late", NpgsqlDbType.Boolean, positions.Select(position => position.IsLate)),
            Array("partitions", NpgsqlDbType.Text, positions.Select(position => position.PartitionId)),
            Array("sequences", NpgsqlDbType.Bigint, positions.Select(position => position.SequenceNumber)),
            Array("enqueued", NpgsqlDbType.TimestampTz, positions.Select(position => position.Fix.Source.EnqueuedTime.UtcDateTime)),
            Array("publishers", NpgsqlDbType.Text, positions.Select(position => position.Fix.Source.Publisher)));
    }

    private void AddTrips(TelemetryCommit commit)
    {
        var trips = commit.Trips.OrderBy(trip => trip.TripId, StringComparer.Ordinal).ToList();
        Add(
            UpsertTrips,
            Array("ids", NpgsqlDbType.Text, trips.Select(trip => trip.TripId)),
            Array("companies", NpgsqlDbType.Text, trips.Select(trip => trip.CompanyId)),
            Array("vehicles", NpgsqlDbType.Text, trips.Select(trip => trip.VehicleId)),
            Array("drivers", NpgsqlDbType.Text, trips.Select(trip => trip.DriverId)),
            Array("statuses", NpgsqlDbType.Text, trips.Select(trip => EnumText.Of(trip.Status))),
            Array("starts", NpgsqlDbType.TimestampTz, trips.Select(trip => trip.StartTime.UtcDateTime)),
            Array("start_latitudes", NpgsqlDbType.Double, trips.Select(trip => trip.StartPosition.Latitude)),
            Array("start_longitudes", NpgsqlDbType.Double, trips.Select(trip => trip.StartPosition.Longitude)),
            Array("ends", NpgsqlDbType.TimestampTz, trips.Select(trip => Utc(trip.EndTime))),
            Array("end_latitudes", NpgsqlDbType.Double, trips.Select(trip => trip.EndPosition?.Latitude)),
            Array("end_longitudes", NpgsqlDbType.Double, trips.Select(trip => trip.EndPosition?.Longitude)),
            Array("distances", NpgsqlDbType.Double, trips.Select(trip => trip.DistanceKm)),
            Array("max_speeds", NpgsqlDbType.Double, trips.Select(trip => trip.MaxSpeedKmh)),
            Array("fuel", NpgsqlDbType.Double, trips.Select(trip => trip.FuelUsedLiters)));
    }

    private void AddDailyStats(TelemetryCommit commit)
    {
        // One row per key, in key order: a batch may carry several deltas for one vehicle and day.
        var stats = commit.Stats
            .GroupBy(delta => (delta.CompanyId, delta.Day, delta.VehicleId))
            .Select(group => group.Aggregate((sum, delta) => sum.Add(delta)))
            .OrderBy(row => row.CompanyId, StringComparer.Ordinal).ThenBy(row => row.Day).ThenBy(row => row.VehicleId, StringComparer.Ordinal)
            .ToList();
        Add(
            AddStats,
            Array("companies", NpgsqlDbType.Text, stats.Select(row => row.CompanyId)),
            Array("days", NpgsqlDbType.Date, stats.Select(row => row.Day)),
            Array("vehicles", NpgsqlDbType.Text, stats.Select(row => row.VehicleId)),
            Array("distances", NpgsqlDbType.Double, stats.Select(row => row.DistanceKm)),
            Array("started", NpgsqlDbType.Integer, stats.Select(row => row.TripsStarted)),
            Array("completed", NpgsqlDbType.Integer, stats.Select(row => row.TripsCompleted)),
            Array("cancelled", NpgsqlDbType.Integer, stats.Select(row => row.TripsCancelled)),
            Array("fuel", NpgsqlDbType.Double, stats.Select(row => row.FuelUsedLiters)),
            Array("moving", NpgsqlDbType.Double, stats.Select(row => row.MovingSeconds)),
            Array("idle", NpgsqlDbType.Double, stats.Select(row => row.IdleSeconds)));
    }

    private void AddDeadLetters(TelemetryCommit commit)
    {
        var letters = commit.DeadLetters;
        Add(
            InsertDeadLetters,
            Array("partitions", NpgsqlDbType.Text, letters.Select(letter => letter.Source.PartitionId)),
            Array("sequences", NpgsqlDbType.Bigint, letters.Select(letter => letter.Source.SequenceNumber)),
            Array("enqueued", NpgsqlDbType.TimestampTz, letters.Select(letter => letter.Source.EnqueuedTime.UtcDateTime)),
            Array("publishers", NpgsqlDbType.Text, letters.Select(letter => letter.Source.Publisher)),
            Array("reasons", NpgsqlDbType.Text, letters.Select(letter => EnumText.Of(letter.Reason))),
            Array("details", NpgsqlDbType.Text, letters.Select(letter => letter.Detail)),
            Array("devices", NpgsqlDbType.Text, letters.Select(letter => letter.DeviceId)),
            Array("vehicles", NpgsqlDbType.Text, letters.Select(letter => letter.VehicleId)),
            Array("companies", NpgsqlDbType.Text, letters.Select(letter => letter.CompanyId)),
            Array("bodies", NpgsqlDbType.Bytea, letters.Select(letter => letter.Body.ToArray())),
            Array("lengths", NpgsqlDbType.Integer, letters.Select(letter => letter.BodyLength)));
    }

    private void Add(string sql, params NpgsqlParameter[] parameters) => _statements.Add((sql, parameters));

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };

    private static DateTime? Utc(DateTimeOffset? time) => time?.UtcDateTime;
}
