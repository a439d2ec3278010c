using Fleet.Adapters.InMemory;
using Fleet.Core.Alerts;
using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.InMemory;

public sealed class InMemoryAdapterTests
{
    [Fact]
    public async Task Upserting_an_alert_again_keeps_it_read()
    {
        var store = new InMemoryAlertStore();
        var origin = new AlertOrigin(TestFleet.Vehicle(), null, FixStream.Start, TimeSpan.FromHours(24));
        var alert = AlertFactory.MaintenanceDue(origin, FixStream.Start, 10_000.5, 10_000);

        await store.UpsertAsync([alert], CancellationToken.None);
        Assert.True(await store.MarkReadAsync("c-1", alert.Id, CancellationToken.None));
        await store.UpsertAsync([alert with { Message = "rewritten by a replay" }], CancellationToken.None);

        var stored = Assert.Single(store.AllOf("c-1"));
        Assert.True(stored.Read);
        Assert.Equal("rewritten by a replay", stored.Alert.Message);
        Assert.False(await store.MarkReadAsync("c-2", alert.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_version_that_is_not_final_never_replaces_a_final_one()
    {
        var store = new InMemoryAlertStore();
        var origin = new AlertOrigin(TestFleet.Vehicle(), null, FixStream.Start, TimeSpan.FromHours(24));
        var closed = AlertFactory.MaintenanceDue(origin, FixStream.Start, 10_000.5, 10_000) with { Message = "closed" };
        var open = closed with { Message = "open", Final = false };

        // A writer working from an outdated state replays the opening version after the episode was closed.
        await store.UpsertAsync([open], CancellationToken.None);
        await store.UpsertAsync([closed], CancellationToken.None);
        await store.UpsertAsync([open], CancellationToken.None);

        Assert.Equal("closed", Assert.Single(store.AllOf("c-1")).Alert.Message);
    }

    [Fact]
    public async Task A_vehicle_stays_followed_until_its_last_follower_leaves()
    {
        var followers = new InMemoryVehicleFollowers();
        followers.Follow("c-1", "v-1");
        followers.Follow("c-1", "v-1");
        followers.Follow("c-1", "v-2");
        string[] groups = [.. new[] { "v-1", "v-2", "v-3" }.Select(vehicleId => RealtimeGroups.Vehicle("c-1", vehicleId))];

        followers.Unfollow("c-1", "v-1");
        Assert.Equal([groups[0], groups[1]], (await followers.FollowedAsync(groups, CancellationToken.None)).Order(StringComparer.Ordinal));

        followers.Unfollow("c-1", "v-1");
        followers.Unfollow("c-1", "v-3");
        Assert.Equal([groups[1]], await followers.FollowedAsync(groups, CancellationToken.None));
    }

    [Fact]
    public async Task A_state_written_by_someone_else_since_it_was_loaded_is_a_conflict()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendAsync(TelemetryJson.Events("dev-1", [new FixStream("dev-1").Fix(0, FixStream.Origin, 0)]));
        var stale = harness.Store.StatesOf("c-1").Single() with { Version = 0 };

        var result = await harness.Store.CommitAsync(
            new Fleet.Core.Ports.TelemetryCommit([stale], [], [], [], [], [], new Dictionary<string, int>(), DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.False(result.Committed);
        Assert.Equal(["v-1"], result.ConflictingVehicles);
    }
}
