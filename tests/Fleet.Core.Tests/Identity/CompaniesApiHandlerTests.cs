using System.Text.Json;
using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Identity;

/// <summary>Companies as operators create, list and disable them and as their own admins change them (DESIGN 3.5).</summary>
public sealed class CompaniesApiHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetIdentity Operator = new("u-op", IsOperator: true);
    private static readonly FleetIdentity AcmeAdmin = new("u-admin", IsOperator: false);
    private static readonly FleetIdentity AcmeDispatcher = new("u-dispatch", IsOperator: false);

    private readonly InMemoryFleetDirectory _configuration = new();
    private readonly InMemoryMembershipStore _memberships = new();
    private readonly RecordingRealtimeGroups _groups = new();
    private readonly MembershipDirectory _directory;
    private readonly CompaniesApiHandler _companies;

    public CompaniesApiHandlerTests()
    {
        _configuration.AddCompany("c-1", "Acme");
        _configuration.AddCompany("c-2", "Globex");
        _memberships.SaveAsync(new Membership("u-admin", "c-1", FleetRole.Admin, []), None).GetAwaiter().GetResult();
        _memberships.SaveAsync(new Membership("u-dispatch", "c-1", FleetRole.Dispatcher, []), None).GetAwaiter().GetResult();
        _memberships.SaveAsync(new Membership("u-globex", "c-2", FleetRole.Admin, []), None).GetAwaiter().GetResult();
        _directory = new MembershipDirectory(_memberships, _configuration, new FrozenClock(FixStream.Start));
        _companies = new CompaniesApiHandler(_configuration, _memberships, _directory, _groups.Revocation);
    }

    [Fact]
    public async Task Only_operators_list_create_and_disable_companies()
    {
        Assert.Equal(403, (await _companies.ListAsync(AcmeAdmin, null, null, None)).Status);
        Assert.Equal(403, (await _companies.CreateAsync(AcmeAdmin, Request(name: "Mine"), None)).Status);
        Assert.Equal(403, (await _companies.DeleteAsync(AcmeAdmin, "c-1", None)).Status);

        var listed = await _companies.ListAsync(Operator, null, null, None);

        Assert.Equal(200, listed.Status);
        Assert.Equal(["c-1", "c-2"], listed.Value!.Select(company => company.CompanyId));
        Assert.Equal(2, (await _configuration.CompaniesAsync(new IdPage(null, 10), None)).Items.Count);
        Assert.False((await _configuration.CompanyAsync("c-1", None))!.Disabled);
    }

    [Fact]
    public async Task Operators_page_through_the_companies_by_id_and_a_limit_out_of_range_is_a_400_naming_it()
    {
        _configuration.AddCompany("c-3", "Initech");

        var first = await _companies.ListAsync(Operator, 2, null, None);
        var second = await _companies.ListAsync(Operator, 2, first.NextAfter, None);

        Assert.Equal(["c-1", "c-2"], first.Value!.Select(company => company.CompanyId));
        Assert.Equal("c-2", first.NextAfter);
        Assert.Equal(["c-3"], second.Value!.Select(company => company.CompanyId));
        Assert.Null(second.NextAfter);
        Assert.Equal(["limit"], (await _companies.ListAsync(Operator, 1_001, null, None)).Problem!.Errors!.Keys);
        Assert.Equal(403, (await _companies.ListAsync(AcmeAdmin, 0, null, None)).Status);
    }

    [Fact]
    public async Task A_created_company_gets_an_assigned_id_unless_it_names_one_and_the_defaults()
    {
        var assigned = await _companies.CreateAsync(Operator, Request(name: " Nordwind "), None);
        var named = await _companies.CreateAsync(Operator, Request(companyId: "c-nord-2", name: "Nordwind Two"), None);

        Assert.Equal(201, assigned.Status);
        var id = assigned.Value!.CompanyId;
        Assert.Matches("^c-[a-km-np-z2-9]{12}$", id);
        Assert.Equal("/api/companies/" + id, assigned.Location);
        Assert.Equal(("Nordwind", "UTC", "USD", false), (assigned.Value.Name, assigned.Value.TimeZone, assigned.Value.Currency, assigned.Value.Disabled));
        Assert.Equal(new CompanySettings(id, "Nordwind", RuleSettings.Default, TimeZoneInfo.Utc), await _configuration.CompanyAsync(id, None));

        Assert.Equal((201, "c-nord-2", "/api/companies/c-nord-2"), (named.Status, named.Value!.CompanyId, named.Location));
        Assert.Equal("Nordwind Two", (await _configuration.CompanyAsync("c-nord-2", None))!.Name);
    }

    [Fact]
    public async Task Creating_a_company_whose_id_exists_is_a_409_that_changes_nothing()
    {
        var refused = await _companies.CreateAsync(Operator, Request(companyId: "c-1", name: "Impostor"), None);

        Assert.Equal(409, refused.Status);
        Assert.Equal("Acme", (await _configuration.CompanyAsync("c-1", None))!.Name);
    }

    [Fact]
    public async Task A_company_is_created_with_the_settings_it_names()
    {
        var created = await _companies.CreateAsync(
            Operator,
            Request(companyId: "c-tw", name: "Formosa", timeZone: "Asia/Taipei", currency: "TWD", fuelPrice: 31.5, rules: """{"trips": {"min_stop_seconds": 600}}"""),
            None);

        Assert.Equal(201, created.Status);
        var stored = (await _configuration.CompanyAsync("c-tw", None))!;
        Assert.Equal(("Asia/Taipei", "TWD", 31.5, TimeSpan.FromMinutes(10)), (stored.TimeZone.Id, stored.Currency, stored.Rules.Costs.FuelPricePerLiter, stored.Rules.Trips.MinStopDuration));
        Assert.Equal(600.0, created.Value!.Rules["trips"]["min_stop_seconds"]);
    }

    public static TheoryData<string, CompanyRequest> InvalidCompanies() => new()
    {
        { "time_zone", Request(name: "X", timeZone: "Taipei Standard Time") },
        { "time_zone", Request(name: "X", timeZone: "Mars/Olympus_Mons") },
        { "currency", Request(name: "X", currency: "usd") },
        { "currency", Request(name: "X", currency: "EURO") },
        { "fuel_price_per_liter", Request(name: "X", fuelPrice: -0.01) },
        { "rules.trips.min_stop_seconds", Request(name: "X", rules: """{"trips": {"min_stop_seconds": 1}}""") },
        { "rules.trips.nap_seconds", Request(name: "X", rules: """{"trips": {"nap_seconds": 60}}""") },
        { "company_id", Request(companyId: "-starts-with-a-dash", name: "X") },
        { "name", Request(name: "   ") },
    };

    [Theory]
    [MemberData(nameof(InvalidCompanies))]
    public async Task An_invalid_field_is_a_400_naming_it_and_creates_nothing(string field, CompanyRequest request)
    {
        var refused = await _companies.CreateAsync(Operator, request, None);

        Assert.Equal(400, refused.Status);
        Assert.Equal([field], refused.Problem!.Errors!.Keys);
        Assert.Equal(2, (await _configuration.CompaniesAsync(new IdPage(null, 10), None)).Items.Count);
    }

    [Fact]
    public async Task Every_invalid_field_of_a_change_is_named_at_once_and_nothing_changes()
    {
        var refused = await _companies.UpdateAsync(
            Operator, "c-1", Request(timeZone: "Nowhere", currency: "usd", fuelPrice: -1, rules: """{"speeding": {"medium_excess_percent": 80}}"""), None);

        Assert.Equal(400, refused.Status);
        Assert.Equal(
            ["currency", "fuel_price_per_liter", "rules.speeding.high_excess_percent", "time_zone"],
            refused.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new CompanySettings("c-1", "Acme", RuleSettings.Default, TimeZoneInfo.Utc), await _configuration.CompanyAsync("c-1", None));
    }

    [Fact]
    public async Task A_companys_admin_reads_and_changes_it_but_not_another_company()
    {
        var read = await _companies.GetAsync(AcmeAdmin, "c-1", None);
        var changed = await _companies.UpdateAsync(
            AcmeAdmin, "c-1", Request(name: "Acme Ltd", currency: "EUR", rules: """{"idling": {"min_idle_seconds": 120}}"""), None);

        Assert.Equal((200, "Acme"), (read.Status, read.Value!.Name));
        Assert.Equal((200, "Acme Ltd", "EUR"), (changed.Status, changed.Value!.Name, changed.Value.Currency));
        var stored = (await _configuration.CompanyAsync("c-1", None))!;
        Assert.Equal(("Acme Ltd", "EUR", TimeSpan.FromMinutes(2)), (stored.Name, stored.Currency, stored.Rules.Idling.MinIdleDuration));

        Assert.Equal(403, (await _companies.GetAsync(AcmeAdmin, "c-2", None)).Status);
        Assert.Equal(403, (await _companies.UpdateAsync(AcmeAdmin, "c-2", Request(name: "Taken"), None)).Status);
        Assert.Equal("Globex", (await _configuration.CompanyAsync("c-2", None))!.Name);
    }

    [Fact]
    public async Task A_dispatcher_may_not_read_or_change_their_companys_settings()
    {
        Assert.Equal(403, (await _companies.GetAsync(AcmeDispatcher, "c-1", None)).Status);
        Assert.Equal(403, (await _companies.UpdateAsync(AcmeDispatcher, "c-1", Request(name: "Mine now"), None)).Status);
        Assert.Equal("Acme", (await _configuration.CompanyAsync("c-1", None))!.Name);
    }

    [Fact]
    public async Task An_admin_cannot_disable_or_enable_their_company()
    {
        var disabling = await _companies.UpdateAsync(AcmeAdmin, "c-1", Request(name: "Acme", disabled: true), None);
        var enabling = await _companies.UpdateAsync(AcmeAdmin, "c-1", Request(disabled: false), None);

        Assert.Equal((403, 403), (disabling.Status, enabling.Status));
        Assert.False((await _configuration.CompanyAsync("c-1", None))!.Disabled);
    }

    [Fact]
    public async Task Deleting_a_company_disables_it_keeps_its_members_and_shuts_them_out_until_an_operator_enables_it()
    {
        Assert.Equal("c-1", (await _directory.ResolveAsync(AcmeAdmin, null, fresh: false, None)).Caller?.CompanyId);

        Assert.Equal(204, (await _companies.DeleteAsync(Operator, "c-1", None)).Status);

        Assert.True((await _configuration.CompanyAsync("c-1", None))!.Disabled);
        Assert.DoesNotContain("c-1", await _configuration.CompanyIdsAsync(None));
        Assert.Equal(2, (await _memberships.OfCompanyAsync("c-1", None)).Count);
        Assert.Equal(403, (await _directory.ResolveAsync(AcmeAdmin, null, fresh: false, None)).Problem?.Status);
        Assert.Equal(403, (await _directory.ResolveAsync(AcmeDispatcher, null, fresh: false, None)).Problem?.Status);
        Assert.Equal(
            [RealtimeUsers.Of("c-1", "u-admin"), RealtimeUsers.Of("c-1", "u-dispatch")],
            _groups.RemovedFromAll.Order(StringComparer.Ordinal));
        Assert.Equal(_groups.RemovedFromAll.Order(StringComparer.Ordinal), _groups.Closed.Order(StringComparer.Ordinal));
        Assert.Equal(403, (await _companies.GetAsync(AcmeAdmin, "c-1", None)).Status);
        Assert.Equal("c-2", (await _directory.ResolveAsync(new FleetIdentity("u-globex", false), null, fresh: false, None)).Caller?.CompanyId);

        var enabled = await _companies.UpdateAsync(Operator, "c-1", Request(disabled: false), None);

        Assert.Equal((200, false), (enabled.Status, enabled.Value!.Disabled));
        Assert.Equal("c-1", (await _directory.ResolveAsync(AcmeAdmin, null, fresh: false, None)).Caller?.CompanyId);
        Assert.Equal(2, _groups.RemovedFromAll.Count);
    }

    [Fact]
    public async Task Deleting_an_unknown_company_is_a_404_and_saving_a_disabled_company_again_leaves_its_members_alone()
    {
        Assert.Equal(404, (await _companies.DeleteAsync(Operator, "c-none", None)).Status);
        await _companies.DeleteAsync(Operator, "c-1", None);
        var removals = _groups.Changes.Count;

        Assert.Equal(204, (await _companies.DeleteAsync(Operator, "c-1", None)).Status);
        Assert.Equal(200, (await _companies.UpdateAsync(Operator, "c-1", Request(name: "Acme (closed)"), None)).Status);

        Assert.Equal(removals, _groups.Changes.Count);
        Assert.True((await _configuration.CompanyAsync("c-1", None))!.Disabled);
    }

    private static CompanyRequest Request(
        string? companyId = null,
        string? name = null,
        string? timeZone = null,
        string? currency = null,
        double? fuelPrice = null,
        string? rules = null,
        bool? disabled = null) =>
        new(companyId, name, timeZone, currency, fuelPrice, null, null,
            rules is null ? null : JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, JsonElement>>>(rules), disabled);
}
