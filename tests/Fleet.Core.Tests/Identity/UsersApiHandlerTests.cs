using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Identity;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Identity;

/// <summary>A company's members as its admins and operators manage them (DESIGN 3.5), and what a change does at once.</summary>
public sealed class UsersApiHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetIdentity Operator = new("u-op", IsOperator: true);
    private static readonly FleetIdentity Admin = new("u-admin", IsOperator: false);
    private static readonly FleetIdentity Dispatcher = new("u-dispatch", IsOperator: false);

    private readonly InMemoryFleetDirectory _configuration = new();
    private readonly InMemoryMembershipStore _store = new();
    private readonly RecordingRealtimeGroups _groups = new();
    private readonly MembershipDirectory _directory;
    private readonly UsersApiHandler _users;

    public UsersApiHandlerTests()
    {
        _configuration.AddCompany("c-1", "Acme");
        _configuration.AddCompany("c-2", "Globex");
        _configuration.AddVehicle(TestFleet.Vehicle("v-1"), "dev-1");
        _configuration.AddVehicle(TestFleet.Vehicle("v-2"), "dev-2");
        _configuration.AddVehicle(TestFleet.Vehicle("v-9", "c-2"), "dev-9");
        Run(_configuration.SaveDriverAsync(new DriverProfile("d-sam", "c-1", "Sam"), None));
        Run(_configuration.SaveDriverAsync(new DriverProfile("d-kim", "c-1", "Kim"), None));
        Run(_store.SaveAsync(new Membership("u-admin", "c-1", FleetRole.Admin, []), None));
        Run(_store.SaveAsync(new Membership("u-dispatch", "c-1", FleetRole.Dispatcher, []), None));
        Run(_store.SaveAsync(new Membership("u-globex", "c-2", FleetRole.Admin, []), None));
        _directory = new MembershipDirectory(_store, _configuration, new FrozenClock(FixStream.Start));
        _users = new UsersApiHandler(_store, _directory, _configuration, _groups.Revocation);
    }

    [Fact]
    public async Task An_admin_adds_a_dispatcher_to_their_company_who_can_act_for_it_at_once()
    {
        Assert.Equal(403, (await _directory.ResolveAsync(new FleetIdentity("u-new", false), null, fresh: false, None)).Problem?.Status);

        var added = await _users.CreateAsync(Admin, new UserRequest("u-new", null, " New Person ", "new@example.com", "dispatcher", null, null), None);

        Assert.Equal(201, added.Status);
        Assert.Contains("u-new", added.Location, StringComparison.Ordinal);
        Assert.Contains("c-1", added.Location, StringComparison.Ordinal);
        var view = added.Value!;
        Assert.Equal(("u-new", "c-1", "New Person", "new@example.com", "dispatcher", 0, null), (view.UserId, view.CompanyId, view.DisplayName, view.Email, view.Role, view.VehicleIds.Count, view.DriverId));
        var stored = Assert.Single(await _store.OfUserAsync("u-new", None));
        Assert.Equal(("c-1", FleetRole.Dispatcher, "New Person", "new@example.com"), (stored.CompanyId, stored.Role, stored.DisplayName, stored.Email));
        var caller = (await _directory.ResolveAsync(new FleetIdentity("u-new", false), null, fresh: false, None)).Caller;
        Assert.Equal(("c-1", FleetRole.Dispatcher), (caller?.CompanyId, caller?.Role));
        Assert.Empty(_groups.Changes);
    }

    [Fact]
    public async Task Admins_page_through_their_companys_members_by_user_id_each_with_their_driver()
    {
        Run(_configuration.SaveDriverAsync(new DriverProfile("d-sam", "c-1", "Sam", "u-sam"), None));
        Run(_store.SaveAsync(new Membership("u-sam", "c-1", FleetRole.Driver, ["v-1"]), None));

        var first = await _users.ListAsync(Admin, null, 2, null, None);
        var second = await _users.ListAsync(Admin, null, 2, first.NextAfter, None);

        Assert.Equal(["u-admin", "u-dispatch"], first.Value!.Select(user => user.UserId));
        Assert.Equal("u-dispatch", first.NextAfter);
        Assert.Equal(("u-sam", "d-sam"), (Assert.Single(second.Value!).UserId, second.Value![0].DriverId));
        Assert.Null(second.NextAfter);
        Assert.Equal(["u-globex"], (await _users.ListAsync(Operator, "c-2", null, null, None)).Value!.Select(user => user.UserId));
        Assert.Equal(["limit"], (await _users.ListAsync(Admin, null, 0, null, None)).Problem!.Errors!.Keys);
        Assert.Equal(403, (await _users.ListAsync(Dispatcher, null, 0, null, None)).Status);
    }

    [Fact]
    public async Task Adding_someone_who_is_a_member_already_is_a_409()
    {
        var refused = await _users.CreateAsync(Admin, new UserRequest("u-dispatch", null, null, null, "viewer", null, null), None);

        Assert.Equal(409, refused.Status);
        Assert.Equal(FleetRole.Dispatcher, Assert.Single(await _store.OfUserAsync("u-dispatch", None)).Role);
    }

    [Fact]
    public async Task An_admin_cannot_add_users_to_another_company_and_a_dispatcher_cannot_add_any()
    {
        var elsewhere = await _users.CreateAsync(Admin, new UserRequest("u-new", "c-2", null, null, "admin", null, null), None);
        var byDispatcher = await _users.CreateAsync(Dispatcher, new UserRequest("u-new", null, null, null, "viewer", null, null), None);

        Assert.Equal((403, 403), (elsewhere.Status, byDispatcher.Status));
        Assert.Empty(await _store.OfUserAsync("u-new", None));
        Assert.Equal(["u-globex"], (await _store.OfCompanyAsync("c-2", None)).Select(member => member.UserId));
    }

    [Fact]
    public async Task An_operator_adds_a_companys_first_admin_and_must_name_the_company()
    {
        var unnamed = await _users.CreateAsync(Operator, new UserRequest("u-first", null, null, null, "admin", null, null), None);
        var unknown = await _users.CreateAsync(Operator, new UserRequest("u-first", "c-none", null, null, "admin", null, null), None);
        var added = await _users.CreateAsync(Operator, new UserRequest("u-first", "c-2", null, null, "admin", null, null), None);

        Assert.Equal((400, "company_id"), (unnamed.Status, Assert.Single(unnamed.Problem!.Errors!.Keys)));
        Assert.Equal(404, unknown.Status);
        Assert.Equal(201, added.Status);
        var stored = Assert.Single(await _store.OfUserAsync("u-first", None));
        Assert.Equal(("c-2", FleetRole.Admin), (stored.CompanyId, stored.Role));
    }

    [Fact]
    public async Task A_viewers_grants_must_be_vehicles_of_the_company()
    {
        var refused = await _users.CreateAsync(Admin, new UserRequest("u-rider", null, null, null, "viewer", ["v-1", "v-9"], null), None);

        Assert.Equal(400, refused.Status);
        Assert.Equal(["vehicle_ids"], refused.Problem!.Errors!.Keys);
        Assert.Contains("'v-9'", refused.Problem.Errors["vehicle_ids"], StringComparison.Ordinal);
        Assert.Empty(await _store.OfUserAsync("u-rider", None));

        var granted = await _users.CreateAsync(Admin, new UserRequest("u-rider", null, null, null, "viewer", ["v-2", "v-1", "v-2"], null), None);

        Assert.Equal(201, granted.Status);
        Assert.Equal(["v-1", "v-2"], Assert.Single(await _store.OfUserAsync("u-rider", None)).VehicleIds);
        Assert.Equal(["v-1", "v-2"], granted.Value!.VehicleIds);
    }

    [Fact]
    public async Task A_driver_id_links_the_driver_record_and_unlinks_the_one_linked_before()
    {
        var added = await _users.CreateAsync(Admin, new UserRequest("u-driver", null, null, null, "driver", ["v-1"], "d-sam"), None);

        Assert.Equal((201, "d-sam"), (added.Status, added.Value!.DriverId));
        Assert.Equal(("u-driver", null), await LinkedUsersAsync());

        var moved = await _users.UpdateAsync(Admin, "u-driver", null, new UserRequest(null, null, null, null, null, null, "d-kim"), None);

        Assert.Equal((200, "d-kim"), (moved.Status, moved.Value!.DriverId));
        Assert.Equal((null, "u-driver"), await LinkedUsersAsync());

        var unknown = await _users.UpdateAsync(Admin, "u-driver", null, new UserRequest(null, null, null, null, null, null, "d-nobody"), None);
        Assert.Equal((400, "driver_id"), (unknown.Status, Assert.Single(unknown.Problem!.Errors!.Keys)));
        Assert.Equal((null, "u-driver"), await LinkedUsersAsync());

        var unlinked = await _users.UpdateAsync(Admin, "u-driver", null, new UserRequest(null, null, null, null, null, null, ""), None);

        Assert.Equal((200, null), (unlinked.Status, unlinked.Value!.DriverId));
        Assert.Equal((null, null), await LinkedUsersAsync());
    }

    [Fact]
    public async Task An_admin_cannot_demote_or_remove_themselves_but_may_change_their_own_name()
    {
        var demoted = await _users.UpdateAsync(Admin, "u-admin", null, new UserRequest(null, null, null, null, "dispatcher", null, null), None);
        var removed = await _users.DeleteAsync(Admin, "u-admin", null, None);
        var renamed = await _users.UpdateAsync(Admin, "u-admin", null, new UserRequest(null, null, "Ada Admin", null, "admin", null, null), None);

        Assert.Equal((409, 409, 200), (demoted.Status, removed.Status, renamed.Status));
        var stored = Assert.Single(await _store.OfUserAsync("u-admin", None));
        Assert.Equal((FleetRole.Admin, "Ada Admin"), (stored.Role, stored.DisplayName));
    }

    [Fact]
    public async Task An_operator_can_demote_and_remove_an_admin()
    {
        var demoted = await _users.UpdateAsync(Operator, "u-admin", "c-1", new UserRequest(null, null, null, null, "dispatcher", null, null), None);

        Assert.Equal((200, "dispatcher"), (demoted.Status, demoted.Value!.Role));
        Assert.Equal(FleetRole.Dispatcher, Assert.Single(await _store.OfUserAsync("u-admin", None)).Role);

        Assert.Equal(204, (await _users.DeleteAsync(Operator, "u-admin", "c-1", None)).Status);
        Assert.Empty(await _store.OfUserAsync("u-admin", None));
    }

    [Fact]
    public async Task Changing_a_members_role_or_grants_removes_them_from_every_realtime_group_and_closes_their_connections_at_once()
    {
        var dispatcher = RealtimeUsers.Of("c-1", "u-dispatch");
        Assert.Equal(FleetRole.Dispatcher, (await _directory.ResolveAsync(Dispatcher, null, fresh: false, None)).Caller?.Role);

        var narrowed = await _users.UpdateAsync(Admin, "u-dispatch", null, new UserRequest(null, null, null, null, "viewer", ["v-1"], null), None);

        Assert.Equal(200, narrowed.Status);
        Assert.Equal([$"remove-all {dispatcher}", $"close {dispatcher}"], _groups.Changes);
        Assert.Equal(FleetRole.Viewer, (await _directory.ResolveAsync(Dispatcher, null, fresh: false, None)).Caller?.Role);

        var regranted = await _users.UpdateAsync(Admin, "u-dispatch", null, new UserRequest(null, null, null, null, null, ["v-1", "v-2"], null), None);

        Assert.Equal(200, regranted.Status);
        Assert.Equal([dispatcher, dispatcher], _groups.RemovedFromAll);
    }

    [Fact]
    public async Task Saving_the_same_role_and_vehicles_again_leaves_the_realtime_groups_alone()
    {
        await _users.UpdateAsync(Admin, "u-dispatch", null, new UserRequest(null, null, null, null, "viewer", ["v-2", "v-1"], null), None);
        var changes = _groups.Changes.Count;

        var same = await _users.UpdateAsync(Admin, "u-dispatch", null, new UserRequest(null, null, "Renamed", "d@example.com", "viewer", ["v-1", "v-2", "v-1"], null), None);

        Assert.Equal(200, same.Status);
        Assert.Equal(changes, _groups.Changes.Count);
        Assert.Equal("Renamed", Assert.Single(await _store.OfUserAsync("u-dispatch", None)).DisplayName);
    }

    [Fact]
    public async Task Deleting_a_member_removes_them_from_groups_unlinks_their_driver_record_and_shuts_them_out_at_once()
    {
        await _users.CreateAsync(Admin, new UserRequest("u-sam", null, null, null, "driver", ["v-1"], "d-sam"), None);
        var sam = new FleetIdentity("u-sam", false);
        Assert.Equal("c-1", (await _directory.ResolveAsync(sam, null, fresh: false, None)).Caller?.CompanyId);

        var deleted = await _users.DeleteAsync(Admin, "u-sam", null, None);

        Assert.Equal(204, deleted.Status);
        Assert.Equal([RealtimeUsers.Of("c-1", "u-sam")], _groups.RemovedFromAll);
        Assert.Equal([RealtimeUsers.Of("c-1", "u-sam")], _groups.Closed);
        Assert.Equal((null, null), await LinkedUsersAsync());
        Assert.Empty(await _store.OfUserAsync("u-sam", None));
        Assert.Equal(403, (await _directory.ResolveAsync(sam, null, fresh: false, None)).Problem?.Status);
        Assert.Equal(404, (await _users.DeleteAsync(Admin, "u-sam", null, None)).Status);
    }

    [Fact]
    public async Task An_admin_cannot_change_or_remove_members_of_another_company()
    {
        var changed = await _users.UpdateAsync(Admin, "u-globex", "c-2", new UserRequest(null, null, null, null, "viewer", null, null), None);
        var removed = await _users.DeleteAsync(Admin, "u-globex", "c-2", None);
        var notOurs = await _users.DeleteAsync(Admin, "u-globex", null, None);

        Assert.Equal((403, 403, 404), (changed.Status, removed.Status, notOurs.Status));
        Assert.Equal(FleetRole.Admin, Assert.Single(await _store.OfUserAsync("u-globex", None)).Role);
        Assert.Empty(_groups.Changes);
    }

    /// <summary>The users linked to d-sam and d-kim.</summary>
    private async Task<(string? Sam, string? Kim)> LinkedUsersAsync()
    {
        var drivers = (await _configuration.DriversOfAsync("c-1", None)).ToDictionary(driver => driver.DriverId, driver => driver.UserId);
        return (drivers["d-sam"], drivers["d-kim"]);
    }

    private static void Run(Task task) => task.GetAwaiter().GetResult();
}
