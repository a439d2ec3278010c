using Fleet.Core.Ports;
using Npgsql;
using NpgsqlTypes;

namespace Fleet.Adapters.Postgres;

/// <summary>The read path the stores share: one retried command, every row mapped, nothing swallowed.</summary>
internal static class PostgresReads
{
    public static Task<IReadOnlyList<T>> QueryAsync<T>(
        NpgsqlDataSource dataSource,
        PostgresRetry retry,
        string operation,
        string sql,
        Action<NpgsqlParameterCollection> bind,
        Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken) =>
        retry.ExecuteAsync(operation, async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(token);
            var rows = new List<T>();
            while (await reader.ReadAsync(token))
            {
                rows.Add(read(reader));
            }

            return (IReadOnlyList<T>)rows;
        }, cancellationToken);

    /// <summary>
    /// A page of rows ordered by <paramref name="idColumn"/> in code-point order (<c>COLLATE "C"</c>, as the in-memory
    /// stores compare, whatever the database's collation): those matching <paramref name="where"/> whose ids sort after
    /// the page's cursor, read one row past the page to tell whether more follow.
    /// </summary>
    /// <param name="selectFrom">The statement up to its WHERE; it and the conditions are the store's own text, never input.</param>
    public static async Task<ListPage<T>> IdPageAsync<T>(
        NpgsqlDataSource dataSource,
        PostgresRetry retry,
        string operation,
        string selectFrom,
        string where,
        string idColumn,
        IdPage page,
        Action<NpgsqlParameterCollection> bind,
        Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var conditions = page.After is null ? where : $"{where} AND {idColumn} COLLATE \"C\" > @after";
        var rows = await QueryAsync(
            dataSource,
            retry,
            operation,
            $"{selectFrom} WHERE {conditions} ORDER BY {idColumn} COLLATE \"C\" LIMIT @limit",
            parameters =>
            {
                bind(parameters);
                if (page.After is { } after)
                {
                    parameters.AddWithValue("after", after);
                }

                parameters.AddWithValue("limit", page.Limit + 1);
            },
            read,
            cancellationToken);
        return ListPage.Of(rows, page.Limit);
    }

    /// <summary>The first row, or null when there is none (a lookup by key).</summary>
    public static async Task<T?> QueryFirstOrDefaultAsync<T>(
        NpgsqlDataSource dataSource,
        PostgresRetry retry,
        string operation,
        string sql,
        Action<NpgsqlParameterCollection> bind,
        Func<NpgsqlDataReader, T> read,
        CancellationToken cancellationToken)
        where T : class
    {
        var rows = await QueryAsync(dataSource, retry, operation, sql, bind, read, cancellationToken);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <summary>An array parameter of the given element type, for <c>unnest</c> and <c>= ANY</c>.</summary>
    public static NpgsqlParameter Array<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values.ToArray() };

    public static string? NullableString(this NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    public static double? NullableDouble(this NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);
}
