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
    private readonly string? _icuLocale;
    private NpgsqlDataSource? _dataSource;

    public PostgresDatabase()
    {
    }

    /// <param name="icuLocale">The database's default collation, an ICU locale such as <c>en-US</c>; null for the server's.</param>
    internal PostgresDatabase(string? icuLocale) => _icuLocale = icuLocale;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    public string ConnectionString => new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString) { Database = _name }.ConnectionString;

    public PostgresRetry Retry { get; } = new(NullLogger<PostgresRetry>.Instance);

    public async Task InitializeAsync()
    {
        await AdminAsync(_icuLocale is null
            ? $"CREATE DATABASE {_name}"
            : $"CREATE DATABASE {_name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{_icuLocale}'");
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

/// <summary>
/// A database whose default collation is English (ICU <c>en-US</c>), as managed servers are commonly created: text then
/// sorts ignoring case and punctuation first, where the in-memory stores and the test server sort by code point.
/// </summary>
public sealed class EnglishCollatedPostgresDatabase : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new("en-US");

    public Task InitializeAsync() => Database.InitializeAsync();

    public Task DisposeAsync() => Database.DisposeAsync();
}
