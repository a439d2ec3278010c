using Fleet.Adapters.Postgres;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.LocalHost.Realtime;

namespace Fleet.LocalHost.Tests.Realtime;

/// <summary>
/// Group membership as both hosts keep it: the local host in memory, the Functions app in PostgreSQL beside SignalR
/// Service. Which vehicles have followers is read from it, so the two must agree. Users and vehicles are unique per
/// test, so implementations may share one store.
/// </summary>
public abstract class RealtimeGroupsContract
{
    protected abstract IRealtimeGroups Groups { get; }

    protected abstract IVehicleFollowers Followers { get; }

    [Fact]
    public async Task A_vehicle_is_followed_while_any_user_is_in_its_group()
    {
        var (followed, other) = (NewId("v"), NewId("v"));
        var (first, second) = (NewId("u"), NewId("u"));

        await Groups.AddUserAsync(RealtimeGroups.Vehicle(Company, followed), first, Token);
        await Groups.AddUserAsync(RealtimeGroups.Vehicle(Company, followed), second, Token);
        await Groups.AddUserAsync(RealtimeGroups.Vehicle(Company, followed), second, Token);
        Assert.Equal([followed], await FollowedAsync(followed, other));

        await Groups.RemoveUserAsync(RealtimeGroups.Vehicle(Company, followed), first, Token);
        Assert.Equal([followed], await FollowedAsync(followed, other));

        await Groups.RemoveUserAsync(RealtimeGroups.Vehicle(Company, followed), second, Token);
        Assert.Empty(await FollowedAsync(followed, other));
    }

    [Fact]
    public async Task Leaving_all_groups_stops_following_every_vehicle_of_that_user_only()
    {
        var (leaving, staying) = (NewId("u"), NewId("u"));
        var (onlyLeaving, both) = (NewId("v"), NewId("v"));
        await Groups.AddUserAsync(RealtimeGroups.Vehicle(Company, onlyLeaving), leaving, Token);
        await Groups.AddUserAsync(RealtimeGroups.Vehicle(Company, both), leaving, Token);
        await Groups.AddUserAsync(RealtimeGroups.Vehicle(Company, both), staying, Token);
        await Groups.AddUserAsync(RealtimeGroups.Company(NewId("c")), leaving, Token);

        await Groups.RemoveUserFromAllGroupsAsync(leaving, Token);

        Assert.Equal([both], await FollowedAsync(onlyLeaving, both));
    }

    [Fact]
    public async Task A_company_group_member_follows_no_vehicle_and_no_vehicles_asked_is_none_followed()
    {
        var vehicle = NewId("v");
        await Groups.AddUserAsync(RealtimeGroups.Company(Company), NewId("u"), Token);

        Assert.Empty(await FollowedAsync(vehicle));
        Assert.Empty(await Followers.FollowedAsync([], Token));
    }

    private const string Company = "c-1";

    private static CancellationToken Token => CancellationToken.None;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string[]> FollowedAsync(params string[] vehicleIds)
    {
        var groups = vehicleIds.ToDictionary(vehicleId => RealtimeGroups.Vehicle(Company, vehicleId), vehicleId => vehicleId);
        return [.. (await Followers.FollowedAsync(groups.Keys, Token)).Select(group => groups[group]).Order(StringComparer.Ordinal)];
    }
}

public sealed class LocalUserGroupsContract : RealtimeGroupsContract
{
    private readonly UserGroups _groups = new();

    protected override IRealtimeGroups Groups => _groups;

    protected override IVehicleFollowers Followers => _groups;
}

public sealed class PostgresRealtimeGroupsContract(PostgresDatabase database) : RealtimeGroupsContract, IClassFixture<PostgresDatabase>
{
    private readonly PostgresRealtimeGroups _groups = new(database.DataSource, database.Retry);

    protected override IRealtimeGroups Groups => _groups;

    protected override IVehicleFollowers Followers => _groups;
}
