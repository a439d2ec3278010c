using Fleet.Core.Devices;
using Fleet.Core.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>Device credentials in PostgreSQL; a company's go with it (ON DELETE CASCADE).</summary>
public sealed class PostgresDeviceCredentialStore(NpgsqlDataSource dataSource, PostgresRetry retry) : IDeviceCredentialStore
{
    private const string Columns = "credential_id, company_id, device_id, secret_hash, label, created_at, created_by, last_used_at, revoked_at";

    public Task CreateAsync(DeviceCredential credential, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return ExecuteAsync(
            "create a device credential",
            $"INSERT INTO device_credentials ({Columns}) VALUES (@id, @company, @device, @hash, @label, @created, @by, NULL, NULL)",
            parameters =>
            {
                parameters.AddWithValue("id", credential.CredentialId);
                parameters.AddWithValue("company", credential.CompanyId);
                parameters.AddWithValue("device", credential.DeviceId);
                parameters.AddWithValue("hash", credential.SecretHash);
                parameters.Add(new NpgsqlParameter("label", NpgsqlDbType.Text) { Value = (object?)credential.Label ?? DBNull.Value });
                parameters.AddWithValue("created", credential.CreatedAt);
                parameters.AddWithValue("by", credential.CreatedByUserId);
            },
            cancellationToken);
    }

    public Task<DeviceCredential?> GetAsync(string credentialId, CancellationToken cancellationToken) =>
        PostgresReads.QueryFirstOrDefaultAsync(
            dataSource,
            retry,
            "read a device credential",
            $"SELECT {Columns} FROM device_credentials WHERE credential_id = @id",
            parameters => parameters.AddWithValue("id", credentialId),
            Read,
            cancellationToken);

    public Task<IReadOnlyList<DeviceCredential>> OfDeviceAsync(string companyId, string deviceId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list a device's credentials",
            $"SELECT {Columns} FROM device_credentials WHERE company_id = @company AND device_id = @device ORDER BY created_at, credential_id COLLATE \"C\"",
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("device", deviceId);
            },
            Read,
            cancellationToken);

    public async Task<bool> RevokeAsync(string companyId, string credentialId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "revoke a device credential",
            "UPDATE device_credentials SET revoked_at = COALESCE(revoked_at, @at) WHERE company_id = @company AND credential_id = @id",
            parameters =>
            {
                parameters.AddWithValue("company", companyId);
                parameters.AddWithValue("id", credentialId);
                parameters.AddWithValue("at", at);
            },
            cancellationToken) > 0;

    public Task MarkUsedAsync(string credentialId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "mark a device credential used",
            "UPDATE device_credentials SET last_used_at = @at WHERE credential_id = @id AND (last_used_at IS NULL OR last_used_at < @at)",
            parameters =>
            {
                parameters.AddWithValue("id", credentialId);
                parameters.AddWithValue("at", at);
            },
            cancellationToken);

    private Task<int> ExecuteAsync(string operation, string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(operation, async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);

    private static DeviceCredential Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<byte[]>(3),
        reader.NullableString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
}
