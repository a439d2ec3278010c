using Fleet.Core.Alerts;
using Fleet.Core.Geo;
using Fleet.Core.Kpis;
using Fleet.Core.Ports;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// History, trips, daily statistics, dead letters, the alert outbox and vehicle states in PostgreSQL. A batch is one
/// transaction of three round trips (<see cref="CommitBatch"/>): rows in bulk, never a statement per event; first write
/// wins for positions and dead letters, statistics added to, alerts upserted by id, states written only where their
/// version is still the one the batch read.
/// </summary>
public sealed class PostgresTelemetryStore(NpgsqlDataSource dataSource, PostgresRetry retry, ILogger<PostgresTelemetryStore> logger)
    : IVehicleStateStore, ITelemetryStore, IAlertOutbox, IFleetHistory
{
    public Task<IReadOnlyDictionary<string, VehicleState>> LoadAsync(IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleIds);
        return retry.ExecuteAsync("load vehicle states", async token =>
        {
            var states = new Dictionary<string, VehicleState>(StringComparer.Ordinal);
            if (vehicleIds.Count == 0)
            {
                return (IReadOnlyDictionary<string, VehicleState>)states;
            }

            await using var command = dataSource.CreateCommand("SELECT version, state FROM vehicle_state WHERE vehicle_id = ANY(@ids)");
            command.Parameters.AddWithValue("ids", vehicleIds.ToArray());
            await using var reader = await command.ExecuteReaderAsync(token);
            while (await reader.ReadAsync(token))
            {
                var state = ReadState(reader);
                states[state.VehicleId] = state;
            }

            return states;
        }, cancellationToken);
    }

    public async Task<CommitResult> CommitAsync(TelemetryCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        try
        {
            // Built once: a retry sends the same writes again, and the whole transaction is idempotent.
            var batch = CommitBatch.For(commit, copyLivePositions: true);
            return await retry.ExecuteAsync("commit a batch", token => CommitOnceAsync(batch, token), cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Only the copy of live positions writes without a conflict check (see CommitBatch).
            Log.LivePositionAlreadyStored(logger, exception.TableName);
            var batch = CommitBatch.For(commit, copyLivePositions: false);
            return await retry.ExecuteAsync("commit a batch, checking every position", token => CommitOnceAsync(batch, token), cancellationToken);
        }
    }

    private async Task<CommitResult> CommitOnceAsync(CommitBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var written = await batch.WriteStatesAsync(connection, transaction, cancellationToken);
        var conflicts = batch.VehicleIds.Where(vehicleId => !written.Contains(vehicleId)).ToList();
        if (conflicts.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return CommitResult.Conflict(conflicts);
        }

        await batch.CopyLivePositionsAsync(connection, cancellationToken);
        var lastSequences = await batch.WriteRestAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return CommitResult.Success(lastSequences);
    }

    public Task<IReadOnlyList<Alert>> PendingAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken) =>
        OutboxAsync(
            "read pending alerts",
            """
            SELECT payload::text FROM alert_outbox
            WHERE recorded_at < @before AND delivered_at IS NULL
            ORDER BY recorded_at, alert_id COLLATE "C"
            LIMIT @limit
            """,
            recordedBefore,
            limit,
            cancellationToken);

    public Task<IReadOnlyList<Alert>> DeliveredAsync(DateTimeOffset deliveredBefore, int limit, CancellationToken cancellationToken) =>
        OutboxAsync(
            "read delivered alerts",
            """
            SELECT payload::text FROM alert_outbox
            WHERE delivered_at < @before
            ORDER BY delivered_at, alert_id COLLATE "C"
            LIMIT @limit
            """,
            deliveredBefore,
            limit,
            cancellationToken);

    private Task<IReadOnlyList<Alert>> OutboxAsync(string operation, string sql, DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            operation,
            sql,
            parameters =>
            {
                parameters.AddWithValue("before", Clamp(before));
                parameters.AddWithValue("limit", limit);
            },
            reader => PostgresJson.DeserializeAlert(reader.GetString(0)),
            cancellationToken);

    /// <remarks>
    /// Only rows whose payload is the version given (jsonb equality, which ignores key order and spacing): a version
    /// committed by another batch after the read stays pending for its own delivery.
    /// </remarks>
    public Task<int> MarkDeliveredAsync(IReadOnlyList<Alert> delivered, DateTimeOffset deliveredAt, CancellationToken cancellationToken) =>
        ChangeUnchangedAsync(
            "mark alerts delivered",
            """
            UPDATE alert_outbox AS o SET delivered_at = @at FROM unnest(@companies, @ids, @payloads) AS u(company_id, alert_id, payload)
            WHERE o.company_id = u.company_id AND o.alert_id = u.alert_id AND o.payload = u.payload
            """,
            delivered,
            deliveredAt,
            cancellationToken);

    public Task<int> ForgetAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken) =>
        ChangeUnchangedAsync(
            "forget alerts",
            """
            DELETE FROM alert_outbox AS o USING unnest(@companies, @ids, @payloads) AS u(company_id, alert_id, payload)
            WHERE o.company_id = u.company_id AND o.alert_id = u.alert_id AND o.payload = u.payload
            """,
            alerts,
            at: null,
            cancellationToken);

    public Task ForgetAsync(string companyId, string alertId, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("forget a deleted alert", async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM alert_outbox WHERE alert_id = @id AND company_id = @company");
            command.Parameters.AddWithValue("id", alertId);
            command.Parameters.AddWithValue("company", companyId);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);

    private async Task<int> ChangeUnchangedAsync(string operation, string sql, IReadOnlyList<Alert> alerts, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return 0;
        }

        var companies = alerts.Select(alert => alert.CompanyId).ToArray();
        var ids = alerts.Select(alert => alert.Id).ToArray();
        var payloads = alerts.Select(PostgresJson.Serialize).ToArray();
        return await retry.ExecuteAsync(operation, async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(PostgresReads.Array("companies", NpgsqlDbType.Text, companies));
            command.Parameters.Add(PostgresReads.Array("ids", NpgsqlDbType.Text, ids));
            command.Parameters.Add(PostgresReads.Array("payloads", NpgsqlDbType.Jsonb, payloads));
            if (at is { } time)
            {
                command.Parameters.AddWithValue("at", time);
            }

            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<VehicleState>> StatesOfAsync(string companyId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list vehicle states",
            "SELECT version, state FROM vehicle_state WHERE company_id = @company ORDER BY vehicle_id",
            parameters => parameters.AddWithValue("company", companyId),
            reader => ReadState(reader),
            cancellationToken);

    public Task<IReadOnlyList<VehicleState>> StatesOfAsync(string companyId, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read vehicle states",
            "SELECT version, state FROM vehicle_state WHERE company_id = @company AND vehicle_id = ANY(@vehicles) ORDER BY vehicle_id COLLATE \"C\"",
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.Add(PostgresReads.Array("vehicles", NpgsqlDbType.Text, vehicleIds.Distinct(StringComparer.Ordinal)));
            },
            reader => ReadState(reader),
            cancellationToken);

    public Task<IReadOnlyList<PositionRecord>> PositionsAsync(
        string companyId, string vehicleId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset? after, int limit, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read positions",
            $"""
            SELECT {CommitBatch.PositionColumns} FROM positions
            WHERE vehicle_id = @vehicle AND company_id = @company AND fix_time >= @from AND fix_time < @to AND fix_time > @after
            ORDER BY fix_time
            LIMIT @limit
            """,
            parameters =>
            {
                parameters.AddWithValue("vehicle", vehicleId);
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("from", Clamp(from));
                parameters.AddWithValue("to", Clamp(to));
                parameters.AddWithValue("after", Clamp(after ?? DateTimeOffset.MinValue));
                parameters.AddWithValue("limit", limit);
            },
            ReadPosition,
            cancellationToken);

    /// <remarks>
    /// Ties on start_time break by trip id in code-point order (<c>COLLATE "C"</c>), as the in-memory store's ordinal
    /// comparison does, whatever the database's collation. One row past the page tells whether another follows.
    /// </remarks>
    public async Task<ListPage<TripRecord>> TripsAsync(
        string companyId, string vehicleId, DateTimeOffset from, DateTimeOffset to, OldestFirstCursor? after, int limit, CancellationToken cancellationToken)
    {
        // Oldest first, then by id: what follows the cursor is newer, or as new with a greater id.
        var afterCursor = after is null ? "" : " AND (start_time > @after_at OR (start_time = @after_at AND trip_id COLLATE \"C\" > @after_id))";
        var rows = await PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read trips",
            $"""
            SELECT {TripColumns} FROM trips
            WHERE vehicle_id = @vehicle AND company_id = @company AND start_time >= @from AND start_time < @to{afterCursor}
            ORDER BY start_time, trip_id COLLATE "C"
            LIMIT @limit
            """,
            parameters =>
            {
                parameters.AddWithValue("vehicle", vehicleId);
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("from", Clamp(from));
                parameters.AddWithValue("to", Clamp(to));
                parameters.AddWithValue("limit", limit + 1);
                if (after is not null)
                {
                    parameters.AddWithValue("after_at", Clamp(after.At));
                    parameters.AddWithValue("after_id", after.Id);
                }
            },
            ReadTrip,
            cancellationToken);
        return ListPage.Of(rows, limit);
    }

    public Task<TripRecord?> TripAsync(string companyId, string tripId, CancellationToken cancellationToken) =>
        PostgresReads.QueryFirstOrDefaultAsync(
            dataSource,
            retry,
            "read a trip",
            $"SELECT {TripColumns} FROM trips WHERE trip_id = @trip AND company_id = @company",
            parameters =>
            {
                parameters.AddWithValue("trip", tripId);
                parameters.AddWithValue("company", companyId);
            },
            ReadTrip,
            cancellationToken);

    public Task<IReadOnlyList<DailyStats>> DailyStatsAsync(string companyId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read daily statistics",
            """
            SELECT company_id, vehicle_id, day, distance_km, trips_started, trips_completed, trips_cancelled, fuel_used_liters,
                   moving_seconds, idle_seconds
            FROM company_daily_stats
            WHERE company_id = @company AND day BETWEEN @first AND @last
            ORDER BY day, vehicle_id
            """,
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("first", firstDay);
                parameters.AddWithValue("last", lastDay);
            },
            reader => new DailyStats(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetFieldValue<DateOnly>(2),
                reader.GetDouble(3),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetInt32(6),
                reader.GetDouble(7),
                reader.GetDouble(8),
                reader.GetDouble(9)),
            cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? companyId, int limit, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read dead letters",
            """
            SELECT partition_id, sequence_number, enqueued_time, publisher, reason, detail, device_id, vehicle_id, company_id, body, body_length
            FROM dead_letters
            WHERE @company::text IS NULL OR company_id = @company
            ORDER BY enqueued_time DESC, sequence_number DESC
            LIMIT @limit
            """,
            parameters =>
            {
                parameters.Add(new NpgsqlParameter("company", NpgsqlDbType.Text) { Value = (object?)companyId ?? DBNull.Value });
                parameters.AddWithValue("limit", limit);
            },
            reader => new DeadLetter(
                new EventMetadata(reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.NullableString(3)),
                EnumText.Parse<RejectionReason>(reader.GetString(4)),
                reader.GetString(5),
                reader.NullableString(6),
                reader.NullableString(7),
                reader.NullableString(8),
                reader.GetFieldValue<byte[]>(9),
                reader.GetInt32(10)),
            cancellationToken);

    private const string TripColumns =
        "trip_id, vehicle_id, company_id, driver_id, status, start_time, start_latitude, start_longitude, end_time, end_latitude, " +
        "end_longitude, distance_km, max_speed_kmh, fuel_used_liters";

    private static PositionRecord ReadPosition(NpgsqlDataReader reader)
    {
        var fix = new TelemetryFix(
            reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            new GeoPoint(reader.GetDouble(4), reader.GetDouble(5)),
            new EventMetadata(reader.GetString(18), reader.GetInt64(19), reader.GetFieldValue<DateTimeOffset>(20), reader.NullableString(21)),
            reader.NullableDouble(6),
            reader.NullableDouble(7),
            reader.NullableDouble(8),
            reader.NullableDouble(9),
            reader.IsDBNull(10) ? null : reader.GetInt64(10),
            reader.NullableString(11),
            reader.NullableDouble(12),
            reader.NullableDouble(13),
            reader.IsDBNull(14) ? null : reader.GetBoolean(14),
            (DeviceEvents)reader.GetInt32(15));
        return new PositionRecord(fix, reader.GetString(0), reader.GetString(1), reader.NullableDouble(16), reader.GetBoolean(17));
    }

    private static TripRecord ReadTrip(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.NullableString(3),
        EnumText.Parse<TripStatus>(reader.GetString(4)),
        reader.GetFieldValue<DateTimeOffset>(5),
        new GeoPoint(reader.GetDouble(6), reader.GetDouble(7)),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : new GeoPoint(reader.GetDouble(9), reader.GetDouble(10)),
        reader.GetDouble(11),
        reader.GetDouble(12),
        reader.NullableDouble(13));

    private static VehicleState ReadState(NpgsqlDataReader reader) =>
        PostgresJson.DeserializeState(reader.GetString(1)) with { Version = reader.GetInt64(0) };

    /// <summary>PostgreSQL's timestamptz spans less than DateTimeOffset: open-ended ranges are clamped into it.</summary>
    private static DateTimeOffset Clamp(DateTimeOffset time) =>
        time < PostgresLimits.MinTimestamp ? PostgresLimits.MinTimestamp : time > PostgresLimits.MaxTimestamp ? PostgresLimits.MaxTimestamp : time;
}

internal static class PostgresLimits
{
    public static readonly DateTimeOffset MinTimestamp = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset MaxTimestamp = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
}
