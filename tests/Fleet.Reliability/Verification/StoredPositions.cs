using Npgsql;

namespace Fleet.Reliability.Verification;

/// <summary>
/// What the product stored for the harness's company, read straight from PostgreSQL: every position by (device, fix
/// time), the times stored more than once, dead letters, and two cheap signs of counting a batch twice.
/// </summary>
/// <param name="Positions">Fix times (Unix ms) stored per device.</param>
/// <param name="DuplicateRows">Rows beyond the first of any (device, fix time).</param>
/// <param name="StatsDistanceOver">Vehicles whose daily-stats distance exceeds their odometer's run (distance counted twice).</param>
/// <param name="StatsTripsOver">Vehicles whose daily stats count more trips started than there are trips.</param>
internal sealed record StoredPositions(
    IReadOnlyDictionary<string, HashSet<long>> Positions,
    long Rows,
    long DuplicateRows,
    long DeadLetters,
    int StatsDistanceOver,
    int StatsTripsOver,
    long Trips)
{
    public static async Task<StoredPositions> ReadAsync(string connectionString, string companyId, CancellationToken cancellationToken)
    {
        await using var data = await OpenAsync(connectionString, cancellationToken);
        var positions = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        long rows = 0;
        await using (var command = new NpgsqlCommand(
            "SELECT device_id, fix_time FROM positions WHERE company_id = $1", data))
        {
            command.Parameters.AddWithValue(companyId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var device = reader.GetString(0);
                var time = new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero).ToUnixTimeMilliseconds();
                if (!positions.TryGetValue(device, out var times))
                {
                    positions[device] = times = [];
                }

                times.Add(time);
                rows++;
            }
        }

        var duplicates = await ScalarAsync(
            data,
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM positions WHERE company_id = $1 GROUP BY device_id, fix_time HAVING count(*) > 1) d",
            companyId,
            cancellationToken);
        var deadLetters = await ScalarAsync(data, "SELECT count(*) FROM dead_letters WHERE company_id = $1", companyId, cancellationToken);
        var trips = await ScalarAsync(data, "SELECT count(*) FROM trips WHERE company_id = $1", companyId, cancellationToken);

        // The odometer is kept in the vehicle's state, which a batch moves on once; daily stats are summed by every
        // batch from the same segments (VehiclePipeline: AddMovement with the odometer's advance). Summed twice, the
        // distance outgrows the odometer's run (initial odometer 0, so its last value) by at least one segment, metres
        // at the harness's report rate: half a metre is far above rounding and far below a segment.
        var distanceOver = await ScalarAsync(
            data,
            """
            SELECT count(*) FROM (
              SELECT s.vehicle_id FROM company_daily_stats s
              WHERE s.company_id = $1
              GROUP BY s.vehicle_id
              HAVING sum(s.distance_km) > coalesce((SELECT max(p.odometer_km) FROM positions p WHERE p.vehicle_id = s.vehicle_id), 0) + 0.0005
            ) over_counted
            """,
            companyId,
            cancellationToken);
        var tripsOver = await ScalarAsync(
            data,
            """
            SELECT count(*) FROM (
              SELECT s.vehicle_id FROM company_daily_stats s
              WHERE s.company_id = $1
              GROUP BY s.vehicle_id
              HAVING sum(s.trips_started) > (SELECT count(*) FROM trips t WHERE t.vehicle_id = s.vehicle_id)
            ) over_counted
            """,
            companyId,
            cancellationToken);
        return new StoredPositions(positions, rows, duplicates, deadLetters, (int)distanceOver, (int)tripsOver, trips);
    }

    /// <summary>Positions of the company now; null when PostgreSQL does not answer (it may be down on purpose).</summary>
    public static async Task<long?> CountAsync(string connectionString, string companyId, CancellationToken cancellationToken)
    {
        try
        {
            await using var data = await OpenAsync(connectionString, cancellationToken);
            return await ScalarAsync(data, "SELECT count(*) FROM positions WHERE company_id = $1", companyId, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return null;
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The harness's own connections are not pooled (a pool would keep connections the faults broke), and give up
        // soon on a server that is down on purpose.
        var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=5;Command Timeout=60");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection data, string sql, string companyId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, data);
        command.Parameters.AddWithValue(companyId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
