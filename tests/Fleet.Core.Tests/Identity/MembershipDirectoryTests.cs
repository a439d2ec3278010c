using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Identity;

/// <summary>Which company a request acts for, and with what role, as stored memberships say (DESIGN 3.5); and how long a change takes.</summary>
public sealed class MembershipDirectoryTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetIdentity Sam = new("u-sam", IsOperator: false);

    private readonly InMemoryFleetDirectory _companies = new();
    private readonly HeldMembershipStore _store = new();
    private readonly FrozenClock _clock = new(FixStream.Start);
    private readonly MembershipDirectory _directory;

    public MembershipDirectoryTests()
    {
        _companies.AddCompany("c-1", "Acme");
        _companies.AddCompany("c-2", "Globex");
        _companies.SaveCompanyAsync(new CompanySettings("c-off", "Dormant", RuleSettings.Default, TimeZoneInfo.Utc, Disabled: true), None).GetAwaiter().GetResult();
        _directory = new MembershipDirectory(_store, _companies, _clock);
    }

    [Fact]
    public async Task The_only_membership_is_the_company_a_request_acts_for_with_its_role_and_vehicles()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Driver, "v-1", "v-2");

        var caller = await CallerAsync(Sam, null);

        Assert.Equal(("u-sam", "c-1", FleetRole.Driver), (caller.UserId, caller.CompanyId, caller.Role));
        Assert.Equal(["v-1", "v-2"], caller.VehicleIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_tokens_hint_picks_one_of_several_companies_and_a_named_company_wins_over_it()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Admin);
        await SaveAsync("u-sam", "c-2", FleetRole.Viewer, "v-9");
        var hinted = Sam with { CompanyHint = "c-2" };

        Assert.Equal(("c-2", FleetRole.Viewer), Acting(await CallerAsync(hinted, null)));
        Assert.Equal(("c-1", FleetRole.Admin), Acting(await CallerAsync(hinted, "c-1")));
        Assert.Equal(("c-2", FleetRole.Viewer), Acting(await CallerAsync(Sam, "c-2")));
    }

    [Fact]
    public async Task A_company_the_user_is_not_a_member_of_is_refused_whether_named_or_hinted()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Admin);

        var named = await _directory.ResolveAsync(Sam, "c-2", fresh: false, None);
        var hinted = await _directory.ResolveAsync(Sam with { CompanyHint = "c-2" }, null, fresh: false, None);

        foreach (var refused in new[] { named, hinted })
        {
            Assert.Null(refused.Caller);
            Assert.Equal(403, refused.Problem!.Status);
            Assert.Equal("You are not a member of company 'c-2'.", refused.Problem.Detail);
        }
    }

    [Fact]
    public async Task Several_memberships_and_no_choice_is_a_400_that_lists_them_and_names_the_header()
    {
        await SaveAsync("u-sam", "c-2", FleetRole.Admin);
        await SaveAsync("u-sam", "c-1", FleetRole.Dispatcher);

        var refused = await _directory.ResolveAsync(Sam, null, fresh: false, None);

        Assert.Null(refused.Caller);
        Assert.Equal(400, refused.Problem!.Status);
        Assert.Contains("(c-1, c-2)", refused.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("X-Fleet-Company", refused.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("company_id", refused.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_membership_is_a_403_telling_a_user_to_ask_their_admin_and_an_operator_where_operators_work()
    {
        await SaveAsync("u-someone-else", "c-1", FleetRole.Admin);

        var user = await _directory.ResolveAsync(Sam, null, fresh: false, None);
        var operatorAlone = await _directory.ResolveAsync(new FleetIdentity("u-op", IsOperator: true), null, fresh: false, None);

        Assert.Equal(
            (403, "User 'u-sam' is not a member of any company; ask an administrator of your company to add you."),
            (user.Problem!.Status, user.Problem.Detail));
        Assert.Equal(
            (403, "You are a platform operator without a company membership: this route acts for a company. Operators manage companies and their users at /api/companies and /api/users."),
            (operatorAlone.Problem!.Status, operatorAlone.Problem.Detail));
    }

    [Fact]
    public async Task A_disabled_company_is_refused_even_as_the_only_membership()
    {
        await SaveAsync("u-sam", "c-off", FleetRole.Admin);

        var refused = await _directory.ResolveAsync(Sam, null, fresh: false, None);

        Assert.Null(refused.Caller);
        Assert.Equal((403, "Company 'c-off' is disabled; its users cannot sign in."), (refused.Problem!.Status, refused.Problem.Detail));
        Assert.True(Assert.Single(await _directory.OfUserAsync("u-sam", fresh: false, None)).CompanyDisabled);
    }

    [Fact]
    public async Task A_deleted_membership_is_seen_through_the_cache_until_its_lifetime_has_passed()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Dispatcher);
        await CallerAsync(Sam, null);
        await _store.DeleteAsync("c-1", "u-sam", None);

        _clock.Advance(MembershipDirectory.CacheLifetime - TimeSpan.FromTicks(1));
        Assert.Equal("c-1", (await CallerAsync(Sam, null)).CompanyId);

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(403, (await _directory.ResolveAsync(Sam, null, fresh: false, None)).Problem?.Status);
    }

    [Fact]
    public async Task Forget_drops_only_that_users_cached_memberships_at_once()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Dispatcher);
        await SaveAsync("u-kim", "c-1", FleetRole.Dispatcher);
        var kim = new FleetIdentity("u-kim", IsOperator: false);
        await CallerAsync(Sam, null);
        await CallerAsync(kim, null);
        await _store.DeleteAsync("c-1", "u-sam", None);
        await _store.DeleteAsync("c-1", "u-kim", None);

        _directory.Forget("u-sam");

        Assert.Equal(403, (await _directory.ResolveAsync(Sam, null, fresh: false, None)).Problem?.Status);
        Assert.Equal("c-1", (await CallerAsync(kim, null)).CompanyId);
    }

    [Fact]
    public async Task ForgetAll_drops_every_cached_membership_so_a_disabled_company_is_refused_at_once()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Dispatcher);
        await CallerAsync(Sam, null);
        await _companies.SaveCompanyAsync(new CompanySettings("c-1", "Acme", RuleSettings.Default, TimeZoneInfo.Utc, Disabled: true), None);
        Assert.Equal("c-1", (await CallerAsync(Sam, null)).CompanyId);

        _directory.ForgetAll();

        Assert.Equal(403, (await _directory.ResolveAsync(Sam, null, fresh: false, None)).Problem?.Status);
    }

    [Fact]
    public async Task A_fresh_read_goes_past_the_cache()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Dispatcher);
        await CallerAsync(Sam, null);
        await SaveAsync("u-sam", "c-1", FleetRole.Viewer, "v-1");

        Assert.Equal(FleetRole.Dispatcher, (await CallerAsync(Sam, null)).Role);
        var fresh = await _directory.ResolveAsync(Sam, null, fresh: true, None);

        Assert.Equal(FleetRole.Viewer, fresh.Caller?.Role);
    }

    [Fact]
    public async Task A_read_that_began_before_a_forget_is_not_cached()
    {
        await SaveAsync("u-sam", "c-1", FleetRole.Dispatcher);
        _store.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = _directory.ResolveAsync(Sam, null, fresh: false, None);
        await _store.Read.Task;

        await _store.DeleteAsync("c-1", "u-sam", None);
        _directory.Forget("u-sam");
        _store.Hold.SetResult();
        Assert.Equal("c-1", (await pending).Caller?.CompanyId);
        _store.Hold = null;

        Assert.Equal(403, (await _directory.ResolveAsync(Sam, null, fresh: false, None)).Problem?.Status);
    }

    private Task SaveAsync(string userId, string companyId, FleetRole role, params string[] vehicleIds) =>
        _store.SaveAsync(new Membership(userId, companyId, role, vehicleIds), None);

    private async Task<FleetCaller> CallerAsync(FleetIdentity identity, string? companyId)
    {
        var resolution = await _directory.ResolveAsync(identity, companyId, fresh: false, None);
        Assert.Null(resolution.Problem);
        return resolution.Caller!;
    }

    private static (string CompanyId, FleetRole Role) Acting(FleetCaller caller) => (caller.CompanyId, caller.Role);

    /// <summary>In-memory memberships whose reads of a user can be held after reading, as a slow database would be.</summary>
    private sealed class HeldMembershipStore : IMembershipStore
    {
        private readonly InMemoryMembershipStore _inner = new();

        public TaskCompletionSource? Hold { get; set; }

        /// <summary>Set once a held read has read the store.</summary>
        public TaskCompletionSource Read { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<IReadOnlyList<Membership>> OfUserAsync(string userId, CancellationToken cancellationToken)
        {
            var memberships = await _inner.OfUserAsync(userId, cancellationToken);
            if (Hold is { } hold)
            {
                Read.TrySetResult();
                await hold.Task;
            }

            return memberships;
        }

        public Task<IReadOnlyList<Membership>> OfCompanyAsync(string companyId, CancellationToken cancellationToken) =>
            _inner.OfCompanyAsync(companyId, cancellationToken);

        public Task<ListPage<Membership>> OfCompanyAsync(string companyId, IdPage page, CancellationToken cancellationToken) =>
            _inner.OfCompanyAsync(companyId, page, cancellationToken);

        public Task SaveAsync(Membership membership, CancellationToken cancellationToken) => _inner.SaveAsync(membership, cancellationToken);

        public Task<bool> DeleteAsync(string companyId, string userId, CancellationToken cancellationToken) =>
            _inner.DeleteAsync(companyId, userId, cancellationToken);
    }
}
