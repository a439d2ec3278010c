using Fleet.Core.Ports;
using Npgsql;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// A record of realtime group membership beside the realtime service's own, written by the same calls, so every
/// instance can ask which vehicles have followers without asking the service once per vehicle.
/// <para>
/// It mirrors the service exactly: membership lasts until the user leaves or negotiates again, as on SignalR Service;
/// a browser closed without leaving keeps its vehicles "followed" until then, which costs messages to empty groups and
/// loses nothing.
/// </para>
/// </summary>
public sealed class PostgresRealtimeGroups(NpgsqlDataSource dataSource, PostgresRetry retry) : IRealtimeGroups, IVehicleFollowers
{
    public Task AddUserAsync(string group, string userId, CancellationToken cancellationToken) => ExecuteAsync(
        "join realtime group",
        "INSERT INTO realtime_group_members (group_name, user_id) VALUES (@group, @user) ON CONFLICT DO NOTHING",
        Membership(group, userId),
        cancellationToken);

    public Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken) => ExecuteAsync(
        "leave realtime group",
        "DELETE FROM realtime_group_members WHERE group_name = @group AND user_id = @user",
        Membership(group, userId),
        cancellationToken);

    public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken) => ExecuteAsync(
        "leave all realtime groups",
        "DELETE FROM realtime_group_members WHERE user_id = @user",
        parameters => parameters.AddWithValue("user", userId),
        cancellationToken);

    public async Task<IReadOnlySet<string>> FollowedAsync(IReadOnlyCollection<string> vehicleGroups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleGroups);
        if (vehicleGroups.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        var followed = await PostgresReads.QueryAsync(
            dataSource,
            retry,
            "find followed vehicles",
            "SELECT DISTINCT group_name FROM realtime_group_members WHERE group_name = ANY(@groups)",
            parameters => parameters.AddWithValue("groups", vehicleGroups.ToArray()),
            reader => reader.GetString(0),
            cancellationToken);
        return followed.ToHashSet(StringComparer.Ordinal);
    }

    private static Action<NpgsqlParameterCollection> Membership(string group, string userId) => parameters =>
    {
        parameters.AddWithValue("group", group);
        parameters.AddWithValue("user", userId);
    };

    private Task ExecuteAsync(string operation, string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(operation, async token =>
        {
            await using var command = dataSource.CreateCommand(sql);
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(token);
        }, cancellationToken);
}
