using Fleet.Core.Ports;
using Npgsql;

namespace Fleet.Adapters.Postgres;

public sealed class PostgresJobGrantStore(NpgsqlDataSource dataSource, PostgresRetry retry) : IJobGrantStore
{
    public Task CreateAsync(JobGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return retry.ExecuteAsync("store a tracking link", async token =>
        {
            await using var command = dataSource.CreateCommand(
                "INSERT INTO job_grants (token_hash, company_id, job_id, created_by_user_id, created_at) VALUES (@hash, @company, @job, @by, @at)");
            command.Parameters.AddWithValue("hash", grant.TokenHash);
            command.Parameters.AddWithValue("company", grant.CompanyId);
            command.Parameters.AddWithValue("job", grant.JobId);
            command.Parameters.AddWithValue("by", grant.CreatedByUserId);
            command.Parameters.AddWithValue("at", grant.CreatedAt);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);
    }

    public Task<JobGrant?> FindAsync(string tokenHash, CancellationToken cancellationToken) =>
        PostgresReads.QueryFirstOrDefaultAsync(
            dataSource,
            retry,
            "read a tracking link",
            "SELECT token_hash, company_id, job_id, created_by_user_id, created_at FROM job_grants WHERE token_hash = @hash",
            parameters => parameters.AddWithValue("hash", tokenHash),
            reader => new JobGrant(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)),
            cancellationToken);

    public async Task<int> CountOfJobAsync(string companyId, string jobId, CancellationToken cancellationToken) =>
        (int)await retry.ExecuteAsync("count a job's tracking links", async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM job_grants WHERE company_id = @company AND job_id = @job");
            command.Parameters.AddWithValue("company", companyId);
            command.Parameters.AddWithValue("job", jobId);
            return (long)(await command.ExecuteScalarAsync(token))!;
        }, cancellationToken);
}
