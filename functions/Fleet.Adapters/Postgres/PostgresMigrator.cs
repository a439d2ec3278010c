using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// Applies the embedded SQL migrations in order, once each, and keeps position partitions created ahead of time.
/// Many Function instances may start at once: a session advisory lock lets one migrate while the others wait.
/// </summary>
public sealed class PostgresMigrator(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<PostgresMigrator> logger)
{
    // Any constant shared by every instance; this one spells "fleet" in ASCII.
    private const long MigrationLockKey = 0x666C656574;
    private const string ResourcePrefix = "Fleet.Migrations.";

    // Months of position partitions kept ready behind and ahead of now: fixes up to 7 days stale, and time to restart.
    private const int PartitionMonthsBehind = 1;
    private const int PartitionMonthsAhead = 3;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(
                connection,
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """,
                cancellationToken);
            var applied = await AppliedAsync(connection, cancellationToken);
            foreach (var (version, name, sql) in Scripts())
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, sql, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", connection))
                {
                    record.Parameters.AddWithValue("version", version);
                    record.Parameters.AddWithValue("name", name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                Log.MigrationApplied(logger, version, name);
            }

            await EnsurePartitionsAsync(connection, cancellationToken);
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var first = new DateOnly(now.Year, now.Month, 1).AddMonths(-PartitionMonthsBehind);
        await using var command = new NpgsqlCommand("SELECT fleet_ensure_position_partitions(@first, @months)", connection);
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("months", PartitionMonthsBehind + 1 + PartitionMonthsAhead);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<HashSet<int>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new HashSet<int>();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetInt32(0));
        }

        return applied;
    }

    /// <summary>Embedded scripts named "NNNN_name.sql", in version order.</summary>
    private static IEnumerable<(int Version, string Name, string Sql)> Scripts()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            var fileName = resource[ResourcePrefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (version, fileName[(separator + 1)..], reader.ReadToEnd());
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
