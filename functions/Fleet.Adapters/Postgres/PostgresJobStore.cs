using System.Text;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// Jobs and their status history in PostgreSQL (DESIGN 5a). An update applies only from the version it was read at
/// (<c>WHERE version = @expected</c>), and appends just the history entries the job gained since.
/// <para>
/// Times round-trip at microsecond precision, PostgreSQL's; the in-memory store keeps .NET ticks (100 ns), so two
/// jobs created within one microsecond may list in a different order there than here.
/// </para>
/// </summary>
public sealed class PostgresJobStore(NpgsqlDataSource dataSource, PostgresRetry retry) : IJobStore
{
    private const string JobColumns =
        "company_id, job_id, kind, pickup_latitude, pickup_longitude, pickup_address, dropoff_latitude, dropoff_longitude, " +
        "dropoff_address, customer_reference, scheduled_for, vehicle_id, driver_id, status, created_at, version";

    // The history as four arrays ordered by seq, gathered in the same statement (one snapshot) as the jobs: a job and
    // its history cannot be read from either side of a concurrent update, and a list costs one round trip.
    private const string HistoryColumns = "h.statuses, h.ats, h.by_user_ids, h.notes";

    // Every read selects the job's columns from the alias j, then its history.
    private static readonly string SelectJobs =
        "SELECT j." + JobColumns.Replace(", ", ", j.", StringComparison.Ordinal) + ", " + HistoryColumns;

    // Under way: the jobs telemetry moves on.
    private static readonly string[] ActiveStatuses = [.. Enum.GetValues<JobStatus>().Where(JobLifecycle.IsActive).Select(status => status.ToCode())];

    private const string HistoryJoin =
        """
        LEFT JOIN LATERAL (
            SELECT array_agg(status ORDER BY seq) AS statuses, array_agg(at ORDER BY seq) AS ats,
                   array_agg(by_user_id ORDER BY seq) AS by_user_ids, array_agg(note ORDER BY seq) AS notes
            FROM job_status_history
            WHERE job_status_history.company_id = j.company_id AND job_status_history.job_id = j.job_id
        ) h ON true
        """;

    // Appends the entries at and after the number already stored, so an update may send the whole history (as the
    // job carries it) and only what it gained is written; on a new job nothing is stored yet and everything is.
    private const string InsertHistory =
        """
        INSERT INTO job_status_history (company_id, job_id, seq, status, at, by_user_id, note)
        SELECT @company, @job, (h.n - 1)::integer, h.status, h.at, h.by_user_id, h.note
        FROM unnest(@statuses, @ats, @by_user_ids, @notes) WITH ORDINALITY AS h(status, at, by_user_id, note, n)
        WHERE h.n > (SELECT count(*) FROM job_status_history WHERE company_id = @company AND job_id = @job)
        """;

    public async Task CreateAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        try
        {
            await retry.ExecuteAsync("create a job", async token =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(token);
                await using var transaction = await connection.BeginTransactionAsync(token);
                await using var batch = new NpgsqlBatch(connection, transaction);
                var insert = new NpgsqlBatchCommand(
                    $"""
                    INSERT INTO jobs ({JobColumns})
                    VALUES (@company, @job, @kind, @pickup_latitude, @pickup_longitude, @pickup_address, @dropoff_latitude,
                        @dropoff_longitude, @dropoff_address, @customer_reference, @scheduled_for, @vehicle, @driver, @status,
                        @created_at, @version)
                    """);
                BindJob(insert.Parameters, job);
                batch.BatchCommands.Add(insert);
                var history = new NpgsqlBatchCommand(InsertHistory);
                BindHistory(history.Parameters, job);
                batch.BatchCommands.Add(history);
                await batch.ExecuteNonQueryAsync(token);
                await transaction.CommitAsync(token);
                return true;
            }, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The same refusal as the in-memory store's, so callers handle one exception whatever the store.
            throw new InvalidOperationException($"Job '{job.JobId}' exists already.", exception);
        }
    }

    public Task<Job?> GetAsync(string companyId, string jobId, CancellationToken cancellationToken) =>
        PostgresReads.QueryFirstOrDefaultAsync(
            dataSource,
            retry,
            "read a job",
            $"""
            {SelectJobs}
            FROM jobs j
            {HistoryJoin}
            WHERE j.company_id = @company AND j.job_id = @job
            """,
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("job", jobId);
            },
            ReadJob,
            cancellationToken);

    /// <remarks>
    /// The limit applies before the history is gathered, so only listed jobs' history is read. Ties on created_at break
    /// by job id in code-point order (<c>COLLATE "C"</c>), as the in-memory store's ordinal comparison does, whatever
    /// the database's collation. One row past the page tells whether another follows.
    /// </remarks>
    public async Task<ListPage<Job>> ListAsync(string companyId, JobQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 0, JobQuery.MaxLimit);

        // Only the filters asked for go into the SQL, so the planner sees plain predicates it can match to an index.
        var filters = new StringBuilder("company_id = @company");
        if (query.Status is not null)
        {
            filters.Append(" AND status = @status");
        }

        if (query.VehicleId is not null)
        {
            filters.Append(" AND vehicle_id = @vehicle");
        }

        if (query.DriverIds is not null)
        {
            filters.Append(" AND driver_id = ANY(@drivers)");
        }

        // A job counts at its scheduled time, or when it was created if it has none (as in memory).
        if (query.From is not null)
        {
            filters.Append(" AND coalesce(scheduled_for, created_at) >= @from");
        }

        if (query.To is not null)
        {
            filters.Append(" AND coalesce(scheduled_for, created_at) < @to");
        }

        // Newest first, then by id: what follows the cursor is older, or as old with a greater id.
        if (query.After is not null)
        {
            filters.Append(" AND (created_at < @after_at OR (created_at = @after_at AND job_id COLLATE \"C\" > @after_id))");
        }

        var rows = await PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list jobs",
            $"""
            {SelectJobs}
            FROM (SELECT {JobColumns} FROM jobs WHERE {filters} ORDER BY created_at DESC, job_id COLLATE "C" LIMIT @limit) j
            {HistoryJoin}
            ORDER BY j.created_at DESC, j.job_id COLLATE "C"
            """,
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("limit", limit + 1);
                if (query.Status is { } status)
                {
                    parameters.AddWithValue("status", status.ToCode());
                }

                if (query.VehicleId is { } vehicleId)
                {
                    parameters.AddWithValue("vehicle", vehicleId);
                }

                if (query.DriverIds is { } driverIds)
                {
                    parameters.Add(PostgresReads.Array("drivers", NpgsqlDbType.Text, driverIds));
                }

                if (query.From is { } from)
                {
                    parameters.Add(Timestamp("from", from));
                }

                if (query.To is { } to)
                {
                    parameters.Add(Timestamp("to", to));
                }

                if (query.After is { } after)
                {
                    parameters.Add(Timestamp("after_at", after.At));
                    parameters.AddWithValue("after_id", after.Id);
                }
            },
            ReadJob,
            cancellationToken);
        return ListPage.Of(rows, limit);
    }

    public Task<IReadOnlyList<Job>> ActiveForVehiclesAsync(IReadOnlyCollection<(string CompanyId, string VehicleId)> vehicles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        if (vehicles.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Job>>([]);
        }

        // One query per batch, on the (company_id, vehicle_id) index.
        return PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read the active jobs of vehicles",
            $"""
            {SelectJobs}
            FROM jobs j
            {HistoryJoin}
            WHERE (j.company_id, j.vehicle_id) IN (SELECT * FROM unnest(@companies, @vehicles))
              AND j.status = ANY(@active)
            ORDER BY j.job_id COLLATE "C"
            """,
            parameters =>
            {
                parameters.Add(PostgresReads.Array("companies", NpgsqlDbType.Text, vehicles.Select(vehicle => vehicle.CompanyId)));
                parameters.Add(PostgresReads.Array("vehicles", NpgsqlDbType.Text, vehicles.Select(vehicle => vehicle.VehicleId)));
                parameters.Add(PostgresReads.Array("active", NpgsqlDbType.Text, ActiveStatuses));
            },
            ReadJob,
            cancellationToken);
    }

    /// <remarks>
    /// Retried on transient failures like every write. Should a commit succeed but its answer be lost, the retry finds
    /// the version already moved on and answers false: a caller that re-reads then sees its own change.
    /// </remarks>
    public Task<bool> UpdateAsync(Job job, int expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return retry.ExecuteAsync("update a job", async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(token);
            await using (var update = new NpgsqlCommand(
                """
                UPDATE jobs SET vehicle_id = @vehicle, driver_id = @driver, status = @status, version = @version
                WHERE company_id = @company AND job_id = @job AND version = @expected
                """,
                connection,
                transaction))
            {
                update.Parameters.AddWithValue("company", job.CompanyId);
                update.Parameters.AddWithValue("job", job.JobId);
                update.Parameters.Add(Text("vehicle", job.VehicleId));
                update.Parameters.Add(Text("driver", job.DriverId));
                update.Parameters.AddWithValue("status", job.Status.ToCode());
                update.Parameters.AddWithValue("version", job.Version);
                update.Parameters.AddWithValue("expected", expectedVersion);

                // A concurrent updater of the same version waits on this row's lock, then finds the version moved on
                // (READ COMMITTED re-checks the WHERE on the newest row) and updates nothing: exactly one wins.
                if (await update.ExecuteNonQueryAsync(token) == 0)
                {
                    await transaction.RollbackAsync(token);
                    return false;
                }
            }

            // The row lock taken above keeps every other writer of this job's history out until the commit.
            await using (var history = new NpgsqlCommand(InsertHistory, connection, transaction))
            {
                BindHistory(history.Parameters, job);
                await history.ExecuteNonQueryAsync(token);
            }

            await transaction.CommitAsync(token);
            return true;
        }, cancellationToken);
    }

    private static void BindJob(NpgsqlParameterCollection parameters, Job job)
    {
        parameters.AddWithValue("company", job.CompanyId);
        parameters.AddWithValue("job", job.JobId);
        parameters.AddWithValue("kind", job.Kind.ToCode());
        parameters.AddWithValue("pickup_latitude", job.Pickup.Latitude);
        parameters.AddWithValue("pickup_longitude", job.Pickup.Longitude);
        parameters.Add(Text("pickup_address", job.Pickup.Address));
        parameters.AddWithValue("dropoff_latitude", job.Dropoff.Latitude);
        parameters.AddWithValue("dropoff_longitude", job.Dropoff.Longitude);
        parameters.Add(Text("dropoff_address", job.Dropoff.Address));
        parameters.Add(Text("customer_reference", job.CustomerReference));
        parameters.Add(Timestamp("scheduled_for", job.ScheduledFor));
        parameters.Add(Text("vehicle", job.VehicleId));
        parameters.Add(Text("driver", job.DriverId));
        parameters.AddWithValue("status", job.Status.ToCode());
        parameters.Add(Timestamp("created_at", job.CreatedAt));
        parameters.AddWithValue("version", job.Version);
    }

    private static void BindHistory(NpgsqlParameterCollection parameters, Job job)
    {
        parameters.AddWithValue("company", job.CompanyId);
        parameters.AddWithValue("job", job.JobId);
        parameters.Add(PostgresReads.Array("statuses", NpgsqlDbType.Text, job.History.Select(change => change.Status.ToCode())));

        // Npgsql writes only UTC offsets to timestamptz; the instant is what is stored either way.
        parameters.Add(PostgresReads.Array("ats", NpgsqlDbType.TimestampTz, job.History.Select(change => change.At.ToUniversalTime())));
        parameters.Add(PostgresReads.Array("by_user_ids", NpgsqlDbType.Text, job.History.Select(change => change.ByUserId)));
        parameters.Add(PostgresReads.Array("notes", NpgsqlDbType.Text, job.History.Select(change => change.Note)));
    }

    private static Job ReadJob(NpgsqlDataReader reader)
    {
        var statuses = reader.IsDBNull(16) ? [] : reader.GetFieldValue<string[]>(16);
        var ats = reader.IsDBNull(17) ? [] : reader.GetFieldValue<DateTimeOffset[]>(17);
        var byUserIds = reader.IsDBNull(18) ? [] : reader.GetFieldValue<string[]>(18);
        var notes = reader.IsDBNull(19) ? [] : reader.GetFieldValue<string?[]>(19);
        var history = new JobStatusChange[statuses.Length];
        for (var i = 0; i < history.Length; i++)
        {
            history[i] = new JobStatusChange(Status(statuses[i]), ats[i], byUserIds[i], notes[i]);
        }

        var kind = reader.GetString(2);
        return new Job(
            reader.GetString(1),
            reader.GetString(0),
            JobLifecycle.TryParseKind(kind, out var parsed) ? parsed : throw new InvalidOperationException($"Unknown job kind '{kind}' stored."),
            new JobStop(reader.GetDouble(3), reader.GetDouble(4), reader.NullableString(5)),
            new JobStop(reader.GetDouble(6), reader.GetDouble(7), reader.NullableString(8)),
            reader.NullableString(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
            reader.NullableString(11),
            reader.NullableString(12),
            Status(reader.GetString(13)),
            reader.GetFieldValue<DateTimeOffset>(14),
            reader.GetInt32(15),
            history);
    }

    private static JobStatus Status(string code) =>
        JobLifecycle.TryParse(code, out var status) ? status : throw new InvalidOperationException($"Unknown job status '{code}' stored.");

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Timestamp(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } time ? time.ToUniversalTime() : DBNull.Value };
}
