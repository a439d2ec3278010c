using Fleet.Adapters.Tests.Support;
using Fleet.Core.Api;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Npgsql;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every <see cref="IMembershipStore"/> must do (DESIGN 3.5), run against each implementation so they cannot drift
/// apart. Each test uses companies and users of its own, so implementations may share one store between tests.
/// </summary>
public abstract class MembershipStoreContract
{
    // One shared instance, so two memberships with their vehicles set aside compare equal as records.
    private static readonly IReadOnlyList<string> NoVehicles = [];

    protected abstract IMembershipStore Store { get; }

    /// <summary>Where the companies the memberships name are created (PostgreSQL's memberships refer to them).</summary>
    protected abstract IFleetConfiguration Configuration { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task A_membership_reads_back_every_field_by_user_and_by_company()
    {
        var company = await NewCompanyAsync();
        var user = NewUserId();
        var full = new Membership(user + "-a", company, FleetRole.Driver, ["v-9", "v-1", "v-5"], "Zo\u00eb \u6797 O'Brien", "zoe@example.com");
        var bare = new Membership(user + "-b", company, FleetRole.Viewer, [], null, null);

        await Store.SaveAsync(full, Token);
        await Store.SaveAsync(bare, Token);

        AssertSame([full], await Store.OfUserAsync(full.UserId, Token));
        AssertSame([bare], await Store.OfUserAsync(bare.UserId, Token));
        AssertSame([full, bare], await Store.OfCompanyAsync(company, Token));
    }

    [Fact]
    public async Task Every_role_reads_back_as_saved()
    {
        var company = await NewCompanyAsync();
        var user = NewUserId();
        var memberships = Enum.GetValues<FleetRole>().Select(role => new Membership($"{user}-{(int)role}", company, role, ["v-1"])).ToList();

        foreach (var membership in memberships)
        {
            await Store.SaveAsync(membership, Token);
        }

        AssertSame(memberships, await Store.OfCompanyAsync(company, Token));
    }

    [Fact]
    public async Task A_users_memberships_come_by_company_id_and_a_companys_members_by_user_id_in_code_point_order()
    {
        // Saved out of order, with upper case, which code-point order puts before lower case and dictionaries do not.
        var stem = NewCompanyId();
        string[] companies = [stem + "-b", stem + "-B", stem + "-a"];
        foreach (var company in companies)
        {
            await SaveCompanyAsync(company);
        }

        var user = NewUserId();
        foreach (var company in companies)
        {
            await Store.SaveAsync(new Membership(user, company, FleetRole.Dispatcher, []), Token);
        }

        var members = new[] { user + "-b", user + "-B", user + "-a" };
        foreach (var member in members)
        {
            await Store.SaveAsync(new Membership(member, companies[0], FleetRole.Viewer, []), Token);
        }

        Assert.Equal(companies.Order(StringComparer.Ordinal), (await Store.OfUserAsync(user, Token)).Select(membership => membership.CompanyId));
        Assert.Equal(
            members.Append(user).Order(StringComparer.Ordinal),
            (await Store.OfCompanyAsync(companies[0], Token)).Select(membership => membership.UserId));
    }

    [Fact]
    public async Task Saving_again_replaces_the_membership_without_duplicating_it()
    {
        var company = await NewCompanyAsync();
        var user = NewUserId();
        await Store.SaveAsync(new Membership(user, company, FleetRole.Driver, ["v-1", "v-2"], "Old Name", "old@example.com"), Token);
        var changed = new Membership(user, company, FleetRole.Dispatcher, ["v-3"], "New Name", null);

        await Store.SaveAsync(changed, Token);

        AssertSame([changed], await Store.OfUserAsync(user, Token));
        AssertSame([changed], await Store.OfCompanyAsync(company, Token));

        var fewer = changed with { Role = FleetRole.Viewer, VehicleIds = [], DisplayName = null };
        await Store.SaveAsync(fewer, Token);
        AssertSame([fewer], await Store.OfCompanyAsync(company, Token));
    }

    [Fact]
    public async Task A_user_in_two_companies_has_two_memberships_and_deleting_one_leaves_the_other()
    {
        var first = await NewCompanyAsync();
        var second = await NewCompanyAsync();
        var user = NewUserId();
        var admin = new Membership(user, first, FleetRole.Admin, []);
        var viewer = new Membership(user, second, FleetRole.Viewer, ["v-7"], "In the second");
        await Store.SaveAsync(admin, Token);
        await Store.SaveAsync(viewer, Token);
        AssertSame([.. new[] { admin, viewer }.OrderBy(membership => membership.CompanyId, StringComparer.Ordinal)], await Store.OfUserAsync(user, Token));

        Assert.True(await Store.DeleteAsync(first, user, Token));

        AssertSame([viewer], await Store.OfUserAsync(user, Token));
        Assert.Empty(await Store.OfCompanyAsync(first, Token));
        AssertSame([viewer], await Store.OfCompanyAsync(second, Token));
    }

    [Fact]
    public async Task Deleting_a_membership_that_is_not_there_returns_false_and_deletes_nothing()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        var user = NewUserId();
        var membership = new Membership(user, company, FleetRole.Dispatcher, []);
        await Store.SaveAsync(membership, Token);

        Assert.False(await Store.DeleteAsync(company, NewUserId(), Token));
        Assert.False(await Store.DeleteAsync(other, user, Token));
        Assert.False(await Store.DeleteAsync(NewCompanyId(), user, Token));
        AssertSame([membership], await Store.OfUserAsync(user, Token));

        Assert.True(await Store.DeleteAsync(company, user, Token));
        Assert.False(await Store.DeleteAsync(company, user, Token));
        Assert.Empty(await Store.OfUserAsync(user, Token));
    }

    [Fact]
    public async Task One_companys_members_never_appear_in_anothers_list()
    {
        var ours = await NewCompanyAsync();
        var theirs = await NewCompanyAsync();
        var user = NewUserId();
        var ourMember = new Membership(user + "-ours", ours, FleetRole.Admin, []);
        var theirMember = new Membership(user + "-theirs", theirs, FleetRole.Admin, []);
        await Store.SaveAsync(ourMember, Token);
        await Store.SaveAsync(theirMember, Token);

        AssertSame([ourMember], await Store.OfCompanyAsync(ours, Token));
        AssertSame([theirMember], await Store.OfCompanyAsync(theirs, Token));
        Assert.Empty(await Store.OfCompanyAsync(NewCompanyId(), Token));
        Assert.Empty(await Store.OfUserAsync(NewUserId(), Token));
    }

    [Fact]
    public async Task A_companys_members_page_by_user_id_in_code_point_order_each_once_and_none_of_another_companys()
    {
        var ours = await NewCompanyAsync();
        var theirs = await NewCompanyAsync();
        var user = NewUserId();
        foreach (var suffix in new[] { "b", "B", "a", "A", "0" })
        {
            await Store.SaveAsync(new Membership(user + "-" + suffix, ours, FleetRole.Viewer, []), Token);
            await Store.SaveAsync(new Membership(user + "-" + suffix + "-theirs", theirs, FleetRole.Viewer, []), Token);
        }

        var first = await Store.OfCompanyAsync(ours, new IdPage(null, 2), Token);
        var second = await Store.OfCompanyAsync(ours, new IdPage(first.Items[^1].UserId, 2), Token);
        var last = await Store.OfCompanyAsync(ours, new IdPage(second.Items[^1].UserId, 2), Token);

        Assert.Equal(
            new[] { "0", "A", "B", "a", "b" }.Select(suffix => user + "-" + suffix),
            first.Items.Concat(second.Items).Concat(last.Items).Select(membership => membership.UserId));
        Assert.Equal((true, true, false), (first.More, second.More, last.More));
        Assert.Single(last.Items);
    }

    protected async Task<string> NewCompanyAsync()
    {
        var company = NewCompanyId();
        await SaveCompanyAsync(company);
        return company;
    }

    private Task SaveCompanyAsync(string company) =>
        Configuration.SaveCompanyAsync(new CompanySettings(company, company, RuleSettings.Default, TimeZoneInfo.Utc), Token);

    private static string NewCompanyId() => "c-" + Guid.NewGuid().ToString("N")[..12];

    protected static string NewUserId() => "u-" + Guid.NewGuid().ToString("N");

    /// <summary>Records compare lists by reference, so the vehicles are compared one by one and the rest as a record.</summary>
    protected static void AssertSame(IReadOnlyList<Membership> expected, IReadOnlyList<Membership> actual)
    {
        Assert.Equal(expected.Select(membership => membership with { VehicleIds = NoVehicles }), actual.Select(membership => membership with { VehicleIds = NoVehicles }));
        Assert.Equal(expected.Select(membership => membership.VehicleIds), actual.Select(membership => membership.VehicleIds));
    }
}

public sealed class InMemoryMembershipStoreContract : MembershipStoreContract
{
    protected override IMembershipStore Store { get; } = new InMemory.InMemoryMembershipStore();

    protected override IFleetConfiguration Configuration { get; } = new InMemory.InMemoryFleetDirectory();
}

public sealed class PostgresMembershipStoreContract(PostgresDatabase database) : MembershipStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IMembershipStore Store { get; } = new Postgres.PostgresMembershipStore(database.DataSource, database.Retry);

    protected override IFleetConfiguration Configuration { get; } = new Postgres.PostgresFleetDirectory(database.DataSource, database.Retry);

    [Fact]
    public async Task Memberships_survive_a_new_store_over_the_same_database()
    {
        var company = await NewCompanyAsync();
        var user = NewUserId();
        var membership = new Membership(user, company, FleetRole.Driver, ["v-2", "v-1"], "Kept", "kept@example.com");
        await Store.SaveAsync(membership, CancellationToken.None);

        await using var restarted = NpgsqlDataSource.Create(database.ConnectionString);
        var store = new Postgres.PostgresMembershipStore(restarted, database.Retry);

        AssertSame([membership], await store.OfUserAsync(user, CancellationToken.None));
        AssertSame([membership], await store.OfCompanyAsync(company, CancellationToken.None));
    }
}

/// <summary>The same contract on a database that does not sort text by code point, as a production server may not.</summary>
public sealed class EnglishCollatedPostgresMembershipStoreContract(EnglishCollatedPostgresDatabase fixture)
    : MembershipStoreContract, IClassFixture<EnglishCollatedPostgresDatabase>
{
    protected override IMembershipStore Store { get; } = new Postgres.PostgresMembershipStore(fixture.Database.DataSource, fixture.Database.Retry);

    protected override IFleetConfiguration Configuration { get; } = new Postgres.PostgresFleetDirectory(fixture.Database.DataSource, fixture.Database.Retry);
}
