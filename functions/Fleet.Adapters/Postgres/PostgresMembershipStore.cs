using Fleet.Core.Api;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Npgsql;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// Memberships in PostgreSQL; a company's go with it (ON DELETE CASCADE), a disabled one keeps them. Lists are in
/// code-point order (<c>COLLATE "C"</c>), as the in-memory store's ordinal comparison, whatever the database's collation.
/// </summary>
public sealed class PostgresMembershipStore(NpgsqlDataSource dataSource, PostgresRetry retry) : IMembershipStore
{
    private const string Columns = "user_id, company_id, role, vehicle_ids, display_name, email";

    public Task<IReadOnlyList<Membership>> OfUserAsync(string userId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "read a user's memberships",
            $"SELECT {Columns} FROM memberships WHERE user_id = @user ORDER BY company_id COLLATE \"C\"",
            parameters => parameters.AddWithValue("user", userId),
            Read,
            cancellationToken);

    public Task<IReadOnlyList<Membership>> OfCompanyAsync(string companyId, CancellationToken cancellationToken) =>
        PostgresReads.QueryAsync(
            dataSource,
            retry,
            "list a company's members",
            $"SELECT {Columns} FROM memberships WHERE company_id = @company ORDER BY user_id COLLATE \"C\"",
            parameters => parameters.AddWithValue("company", companyId),
            Read,
            cancellationToken);

    public Task<ListPage<Membership>> OfCompanyAsync(string companyId, IdPage page, CancellationToken cancellationToken) =>
        PostgresReads.IdPageAsync(
            dataSource,
            retry,
            "list a page of a company's members",
            $"SELECT {Columns} FROM memberships",
            "company_id = @company",
            "user_id",
            page,
            parameters => parameters.AddWithValue("company", companyId),
            Read,
            cancellationToken);

    public Task SaveAsync(Membership membership, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return retry.ExecuteAsync("save a membership", async token =>
        {
            await using var command = dataSource.CreateCommand(
                $"""
                INSERT INTO memberships ({Columns}) VALUES (@user, @company, @role, @vehicles, @name, @email)
                ON CONFLICT (user_id, company_id) DO UPDATE SET role = excluded.role, vehicle_ids = excluded.vehicle_ids,
                    display_name = excluded.display_name, email = excluded.email, updated_at = now()
                """);
            command.Parameters.AddWithValue("user", membership.UserId);
            command.Parameters.AddWithValue("company", membership.CompanyId);
            command.Parameters.AddWithValue("role", UserRoles.NameOf(membership.Role));
            command.Parameters.AddWithValue("vehicles", membership.VehicleIds.ToArray());
            command.Parameters.AddWithValue("name", (object?)membership.DisplayName ?? DBNull.Value);
            command.Parameters.AddWithValue("email", (object?)membership.Email ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string companyId, string userId, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("delete a membership", async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM memberships WHERE company_id = @company AND user_id = @user");
            command.Parameters.AddWithValue("company", companyId);
            command.Parameters.AddWithValue("user", userId);
            return await command.ExecuteNonQueryAsync(token) > 0;
        }, cancellationToken);

    private static Membership Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        UserRoles.TryParse(reader.GetString(2), out var role) ? role : throw new InvalidOperationException($"Stored role '{reader.GetString(2)}' is not known."),
        reader.GetFieldValue<string[]>(3),
        reader.NullableString(4),
        reader.NullableString(5));
}
