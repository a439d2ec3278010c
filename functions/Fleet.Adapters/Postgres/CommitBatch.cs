using Fleet.Core.Ports;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// A batch's writes, in bulk whatever the batch size: live positions by binary COPY, everything else as column arrays
/// bound to <c>unnest</c>, one statement per table. They run in three round trips, in an order that keeps concurrent
/// writers from deadlocking: vehicle rows are locked first, in vehicle id order, then statistics rows in key order
/// and alert outbox rows in key order (company, alert id).
/// </summary>
/// <remarks>
/// A live position is newer than its vehicle's watermark, and every stored position of the vehicle is at or before
/// the watermark (they were written with it), so a live position cannot exist yet: it is copied without a conflict
/// check, which is what makes COPY usable. Only the state guard makes that true, so the COPY runs after the states are
/// written. Should the invariant ever fail (a state reset by hand), the COPY hits the key and the caller builds the
/// batch again with <c>copyLivePositions: false</c>, which checks every position.
/// </remarks>
internal sealed class CommitBatch
{
    public const string PositionColumns =
        "vehicle_id, company_id, device_id, fix_time, latitude, longitude, speed_kmh, heading_degrees, accuracy_meters, altitude_meters, " +
        "device_sequence, driver_id, device_odometer_km, fuel_level_percent, ignition, device_events, odometer_km, is_late, " +
        "partition_id, sequence_number, enqueued_time, publisher";

    private const string CopyPositions = $"COPY positions ({PositionColumns}) FROM STDIN (FORMAT BINARY)";

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

    private const string InsertPositions = $"""
        INSERT INTO positions ({PositionColumns})
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

    // The sink's rule (IAlertSink): a version that is not final is written only where no final one is. A new version is
    // pending again, and its record time is the newest version's, so the outbox's grace period leaves that version to the batch that committed it.
    private const string UpsertAlertOutbox = """
        INSERT INTO alert_outbox AS o (alert_id, company_id, final, payload, recorded_at)
        SELECT u.alert_id, u.company_id, u.final, u.payload, @recorded_at
        FROM unnest(@ids, @companies, @finals, @payloads) AS u(alert_id, company_id, final, payload)
        ON CONFLICT (company_id, alert_id) DO UPDATE SET final = excluded.final, payload = excluded.payload,
            recorded_at = excluded.recorded_at, delivered_at = NULL
        WHERE excluded.final OR NOT o.final
        """;

    // Companies with nothing to number still get their current value: messages outside the company group need it too.
    private const string AllocateSequences = """
        INSERT INTO company_sequences AS s (company_id, last_seq)
        SELECT * FROM unnest(@companies, @counts)
        ON CONFLICT (company_id) DO UPDATE SET last_seq = s.last_seq + excluded.last_seq
        RETURNING s.company_id AS sequenced_company_id, s.last_seq
        """;

    private readonly List<(string Sql, NpgsqlParameter[] Parameters)> _stateStatements = [];
    private readonly List<(string Sql, NpgsqlParameter[] Parameters)> _statements = [];
    private readonly List<PositionRecord> _copiedPositions = [];

    private CommitBatch(IReadOnlyList<string> vehicleIds) => VehicleIds = vehicleIds;

    /// <summary>The vehicles whose states the batch writes: any of them not written means a concurrent writer won.</summary>
    public IReadOnlyList<string> VehicleIds { get; }

    public static CommitBatch For(TelemetryCommit commit, bool copyLivePositions)
    {
        var states = commit.States.OrderBy(state => state.VehicleId, StringComparer.Ordinal).ToList();
        var batch = new CommitBatch([.. states.Select(state => state.VehicleId)]);
        if (states.Count > 0)
        {
            batch.AddStates(states);
        }

        var checkedPositions = copyLivePositions ? commit.Positions.Where(position => position.IsLate).ToList() : commit.Positions;
        if (copyLivePositions)
        {
            batch._copiedPositions.AddRange(commit.Positions.Where(position => !position.IsLate));
        }

        if (checkedPositions.Count > 0)
        {
            batch.AddPositions(checkedPositions);
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

        if (commit.Alerts.Count > 0)
        {
            batch.AddAlerts(commit);
        }

        if (commit.SequenceCounts.Count > 0)
        {
            var sequences = commit.SequenceCounts.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
            batch.Add(
                AllocateSequences,
                PostgresReads.Array("companies", NpgsqlDbType.Text, sequences.Select(pair => pair.Key)),
                PostgresReads.Array("counts", NpgsqlDbType.Bigint, sequences.Select(pair => (long)pair.Value)));
        }

        return batch;
    }

    /// <summary>Locks and writes the states; returns the vehicles whose states were written.</summary>
    public async Task<HashSet<string>> WriteStatesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        await ExecuteAsync(_stateStatements, "written_vehicle_id", reader => written.Add(reader.GetString(0)), connection, transaction, cancellationToken);
        return written;
    }

    public async Task CopyLivePositionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_copiedPositions.Count == 0)
        {
            return;
        }

        await using var importer = await connection.BeginBinaryImportAsync(CopyPositions, cancellationToken);
        foreach (var position in _copiedPositions)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(position.VehicleId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(position.CompanyId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(position.DeviceId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(position.FixTime.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(position.Position.Latitude, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(position.Position.Longitude, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.SpeedKmh, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.HeadingDegrees, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.AccuracyMeters, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.AltitudeMeters, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.Fix.DeviceSequence, NpgsqlDbType.Bigint, cancellationToken);
            await WriteAsync(importer, position.DriverId, NpgsqlDbType.Text, cancellationToken);
            await WriteAsync(importer, position.Fix.DeviceOdometerKm, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.FuelLevelPercent, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(importer, position.Ignition, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync((int)position.Fix.Events, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(importer, position.OdometerKm, NpgsqlDbType.Double, cancellationToken);
            await importer.WriteAsync(position.IsLate, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(position.PartitionId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(position.SequenceNumber, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(position.Fix.Source.EnqueuedTime.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteAsync(importer, position.Fix.Source.Publisher, NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>Writes everything else; returns each company's newest sequence number after allocation.</summary>
    public async Task<Dictionary<string, long>> WriteRestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var lastSequences = new Dictionary<string, long>(StringComparer.Ordinal);
        await ExecuteAsync(
            _statements, "sequenced_company_id", reader => lastSequences[reader.GetString(0)] = reader.GetInt64(1), connection, transaction, cancellationToken);
        return lastSequences;
    }

    /// <summary>Runs the statements as one batch and hands over the rows of those whose first column is the one named.</summary>
    private static async Task ExecuteAsync(
        List<(string Sql, NpgsqlParameter[] Parameters)> statements,
        string firstColumn,
        Action<NpgsqlDataReader> onRow,
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        if (statements.Count == 0)
        {
            return;
        }

        await using var batch = ToBatch(statements, connection, transaction);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetName(0) == firstColumn)
                {
                    onRow(reader);
                }
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
    }

    private static async Task WriteAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct
    {
        if (value is { } present)
        {
            await importer.WriteAsync(present, type, cancellationToken);
        }
        else
        {
            await importer.WriteNullAsync(cancellationToken);
        }
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(value, type, cancellationToken);
        }
    }

    /// <summary>Statements on a connection; parameters are copied, so a retry can run the same batch again.</summary>
    private static NpgsqlBatch ToBatch(List<(string Sql, NpgsqlParameter[] Parameters)> statements, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, parameters) in statements)
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
            PostgresReads.Array("ids", NpgsqlDbType.Text, states.Select(state => state.VehicleId)),
            PostgresReads.Array("expected", NpgsqlDbType.Bigint, states.Select(state => state.Version)),
            PostgresReads.Array("companies", NpgsqlDbType.Text, states.Select(state => state.CompanyId)),
            PostgresReads.Array("watermarks", NpgsqlDbType.TimestampTz, states.Select(state => Utc(state.LastFix?.Time))),
            PostgresReads.Array("last_seen", NpgsqlDbType.TimestampTz, states.Select(state => Utc(state.LastSeen))),
            PostgresReads.Array("statuses", NpgsqlDbType.Text, states.Select(state => EnumText.Of(state.Status))),
            PostgresReads.Array("latitudes", NpgsqlDbType.Double, states.Select(state => state.LastFix?.Position.Latitude)),
            PostgresReads.Array("longitudes", NpgsqlDbType.Double, states.Select(state => state.LastFix?.Position.Longitude)),
            PostgresReads.Array("states", NpgsqlDbType.Json, states.Select(PostgresJson.Serialize)),
        ];
        _stateStatements.Add((LockStates, [columns[0]]));
        _stateStatements.Add((UpdateStates, columns));
        _stateStatements.Add((InsertStates, columns));
    }

    private void AddPositions(IReadOnlyList<PositionRecord> positions)
    {
        Add(
            InsertPositions,
            PostgresReads.Array("vehicles", NpgsqlDbType.Text, positions.Select(position => position.VehicleId)),
            PostgresReads.Array("companies", NpgsqlDbType.Text, positions.Select(position => position.CompanyId)),
            PostgresReads.Array("devices", NpgsqlDbType.Text, positions.Select(position => position.DeviceId)),
            PostgresReads.Array("times", NpgsqlDbType.TimestampTz, positions.Select(position => position.FixTime.UtcDateTime)),
            PostgresReads.Array("latitudes", NpgsqlDbType.Double, positions.Select(position => position.Position.Latitude)),
            PostgresReads.Array("longitudes", NpgsqlDbType.Double, positions.Select(position => position.Position.Longitude)),
            PostgresReads.Array("speeds", NpgsqlDbType.Double, positions.Select(position => position.SpeedKmh)),
            PostgresReads.Array("headings", NpgsqlDbType.Double, positions.Select(position => position.HeadingDegrees)),
            PostgresReads.Array("accuracies", NpgsqlDbType.Double, positions.Select(position => position.AccuracyMeters)),
            PostgresReads.Array("altitudes", NpgsqlDbType.Double, positions.Select(position => position.AltitudeMeters)),
            PostgresReads.Array("device_sequences", NpgsqlDbType.Bigint, positions.Select(position => position.Fix.DeviceSequence)),
            PostgresReads.Array("drivers", NpgsqlDbType.Text, positions.Select(position => position.DriverId)),
            PostgresReads.Array("device_odometers", NpgsqlDbType.Double, positions.Select(position => position.Fix.DeviceOdometerKm)),
            PostgresReads.Array("fuel_levels", NpgsqlDbType.Double, positions.Select(position => position.FuelLevelPercent)),
            PostgresReads.Array("ignitions", NpgsqlDbType.Boolean, positions.Select(position => position.Ignition)),
            PostgresReads.Array("events", NpgsqlDbType.Integer, positions.Select(position => (int)position.Fix.Events)),
            PostgresReads.Array("odometers", NpgsqlDbType.Double, positions.Select(position => position.OdometerKm)),
            PostgresReads.Array("late", NpgsqlDbType.Boolean, positions.Select(position => position.IsLate)),
            PostgresReads.Array("partitions", NpgsqlDbType.Text, positions.Select(position => position.PartitionId)),
            PostgresReads.Array("sequences", NpgsqlDbType.Bigint, positions.Select(position => position.SequenceNumber)),
            PostgresReads.Array("enqueued", NpgsqlDbType.TimestampTz, positions.Select(position => position.Fix.Source.EnqueuedTime.UtcDateTime)),
            PostgresReads.Array("publishers", NpgsqlDbType.Text, positions.Select(position => position.Fix.Source.Publisher)));
    }

    private void AddTrips(TelemetryCommit commit)
    {
        var trips = commit.Trips.OrderBy(trip => trip.TripId, StringComparer.Ordinal).ToList();
        Add(
            UpsertTrips,
            PostgresReads.Array("ids", NpgsqlDbType.Text, trips.Select(trip => trip.TripId)),
            PostgresReads.Array("companies", NpgsqlDbType.Text, trips.Select(trip => trip.CompanyId)),
            PostgresReads.Array("vehicles", NpgsqlDbType.Text, trips.Select(trip => trip.VehicleId)),
            PostgresReads.Array("drivers", NpgsqlDbType.Text, trips.Select(trip => trip.DriverId)),
            PostgresReads.Array("statuses", NpgsqlDbType.Text, trips.Select(trip => EnumText.Of(trip.Status))),
            PostgresReads.Array("starts", NpgsqlDbType.TimestampTz, trips.Select(trip => trip.StartTime.UtcDateTime)),
            PostgresReads.Array("start_latitudes", NpgsqlDbType.Double, trips.Select(trip => trip.StartPosition.Latitude)),
            PostgresReads.Array("start_longitudes", NpgsqlDbType.Double, trips.Select(trip => trip.StartPosition.Longitude)),
            PostgresReads.Array("ends", NpgsqlDbType.TimestampTz, trips.Select(trip => Utc(trip.EndTime))),
            PostgresReads.Array("end_latitudes", NpgsqlDbType.Double, trips.Select(trip => trip.EndPosition?.Latitude)),
            PostgresReads.Array("end_longitudes", NpgsqlDbType.Double, trips.Select(trip => trip.EndPosition?.Longitude)),
            PostgresReads.Array("distances", NpgsqlDbType.Double, trips.Select(trip => trip.DistanceKm)),
            PostgresReads.Array("max_speeds", NpgsqlDbType.Double, trips.Select(trip => trip.MaxSpeedKmh)),
            PostgresReads.Array("fuel", NpgsqlDbType.Double, trips.Select(trip => trip.FuelUsedLiters)));
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
            PostgresReads.Array("companies", NpgsqlDbType.Text, stats.Select(row => row.CompanyId)),
            PostgresReads.Array("days", NpgsqlDbType.Date, stats.Select(row => row.Day)),
            PostgresReads.Array("vehicles", NpgsqlDbType.Text, stats.Select(row => row.VehicleId)),
            PostgresReads.Array("distances", NpgsqlDbType.Double, stats.Select(row => row.DistanceKm)),
            PostgresReads.Array("started", NpgsqlDbType.Integer, stats.Select(row => row.TripsStarted)),
            PostgresReads.Array("completed", NpgsqlDbType.Integer, stats.Select(row => row.TripsCompleted)),
            PostgresReads.Array("cancelled", NpgsqlDbType.Integer, stats.Select(row => row.TripsCancelled)),
            PostgresReads.Array("fuel", NpgsqlDbType.Double, stats.Select(row => row.FuelUsedLiters)),
            PostgresReads.Array("moving", NpgsqlDbType.Double, stats.Select(row => row.MovingSeconds)),
            PostgresReads.Array("idle", NpgsqlDbType.Double, stats.Select(row => row.IdleSeconds)));
    }

    private void AddDeadLetters(TelemetryCommit commit)
    {
        var letters = commit.DeadLetters;
        Add(
            InsertDeadLetters,
            PostgresReads.Array("partitions", NpgsqlDbType.Text, letters.Select(letter => letter.Source.PartitionId)),
            PostgresReads.Array("sequences", NpgsqlDbType.Bigint, letters.Select(letter => letter.Source.SequenceNumber)),
            PostgresReads.Array("enqueued", NpgsqlDbType.TimestampTz, letters.Select(letter => letter.Source.EnqueuedTime.UtcDateTime)),
            PostgresReads.Array("publishers", NpgsqlDbType.Text, letters.Select(letter => letter.Source.Publisher)),
            PostgresReads.Array("reasons", NpgsqlDbType.Text, letters.Select(letter => EnumText.Of(letter.Reason))),
            PostgresReads.Array("details", NpgsqlDbType.Text, letters.Select(letter => letter.Detail)),
            PostgresReads.Array("devices", NpgsqlDbType.Text, letters.Select(letter => letter.DeviceId)),
            PostgresReads.Array("vehicles", NpgsqlDbType.Text, letters.Select(letter => letter.VehicleId)),
            PostgresReads.Array("companies", NpgsqlDbType.Text, letters.Select(letter => letter.CompanyId)),
            PostgresReads.Array("bodies", NpgsqlDbType.Bytea, letters.Select(letter => letter.Body.ToArray())),
            PostgresReads.Array("lengths", NpgsqlDbType.Integer, letters.Select(letter => letter.BodyLength)));
    }

    private void AddAlerts(TelemetryCommit commit)
    {
        var alerts = commit.Alerts.OrderBy(alert => alert.CompanyId, StringComparer.Ordinal).ThenBy(alert => alert.Id, StringComparer.Ordinal).ToList();
        Add(
            UpsertAlertOutbox,
            PostgresReads.Array("ids", NpgsqlDbType.Text, alerts.Select(alert => alert.Id)),
            PostgresReads.Array("companies", NpgsqlDbType.Text, alerts.Select(alert => alert.CompanyId)),
            PostgresReads.Array("finals", NpgsqlDbType.Boolean, alerts.Select(alert => alert.Final)),
            PostgresReads.Array("payloads", NpgsqlDbType.Jsonb, alerts.Select(PostgresJson.Serialize)),
            new NpgsqlParameter("recorded_at", NpgsqlDbType.TimestampTz) { Value = commit.RecordedAt.UtcDateTime });
    }

    private void Add(string sql, params NpgsqlParameter[] parameters) => _statements.Add((sql, parameters));

    private static DateTime? Utc(DateTimeOffset? time) => time?.UtcDateTime;
}
