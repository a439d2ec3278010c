using Fleet.Adapters.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Fleet.Adapters.Tests.Support;

/// <summary>
/// A database of its own for one test class, created on the test server, migrated as a Function instance would at
/// start-up, and dropped afterwards.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly string _name = "fleet_test_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource? _dataSource;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString) { Database = _name }.ConnectionString;

    public PostgresRetry Retry { get; } = new(NullLogger<PostgresRetry>.Instance);

    public async Task InitializeAsync()
    {
        await AdminAsync($"CREATE DATABASE {_name}");
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        await new PostgresMigrator(_dataSource, TimeProvider.System, NullLogger<PostgresMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        await AdminAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    /// <summary>How many rows a table has: what replay tests compare.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
