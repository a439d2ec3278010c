using System.Text.Json;
using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Api;

/// <summary>
/// Stored text bounded before the field-by-field audit that had no test of its own (docs/SECURITY.md "Stored input,
/// field by field"): one character over is a 400 naming the field, and nothing is stored.
/// </summary>
public sealed class StoredTextTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetCaller Admin = new("u-admin", "c-1", FleetRole.Admin, new HashSet<string>());
    private static readonly FleetIdentity AdminIdentity = new("u-admin", IsOperator: false);
    private static readonly FleetIdentity Operator = new("u-op", IsOperator: true);

    private readonly InMemoryFleetDirectory _directory = new();
    private readonly InMemoryMembershipStore _memberships = new();

    public StoredTextTests()
    {
        _directory.AddCompany("c-1", "Acme");
        _directory.AddVehicle(TestFleet.Vehicle("v-1"), "dev-1");
        _memberships.SaveAsync(new Membership("u-admin", "c-1", FleetRole.Admin, []), None).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_users_id_name_email_and_grants_are_bounded()
    {
        var users = new UsersApiHandler(_memberships, Directory(), _directory, new RecordingRealtimeGroups().Revocation);

        var longId = await users.CreateAsync(AdminIdentity, new UserRequest(new string('u', UsersApiHandler.MaxUserIdLength + 1), null, null, null, "viewer", null, null), None);
        var longTexts = await users.CreateAsync(
            AdminIdentity,
            new UserRequest(
                "u-new",
                null,
                new string('n', UsersApiHandler.MaxTextLength + 1),
                new string('e', UsersApiHandler.MaxEmailLength) + "@x",
                "viewer",
                [.. Enumerable.Repeat("v-1", UsersApiHandler.MaxVehicleGrants + 1)],
                null),
            None);

        Assert.Equal(["user_id"], longId.Problem!.Errors!.Keys);
        Assert.Equal(["display_name", "email", "vehicle_ids"], longTexts.Problem!.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Single(await _memberships.OfCompanyAsync("c-1", None));
    }

    [Fact]
    public async Task A_vehicles_device_id_is_bounded()
    {
        var vehicles = new VehiclesApiHandler(_directory, new InMemoryTelemetryStore(), _directory, Announcer(), TimeProvider.System);

        var refused = await vehicles.CreateAsync(
            Admin, new VehicleRequest(null, "Van", new string('d', TelemetryParser.MaxIdentifierLength + 1), null, null, null, null), None);

        Assert.Equal(["device_id"], refused.Problem!.Errors!.Keys);
        Assert.Single(await _directory.VehiclesOfAsync("c-1", None));
    }

    [Fact]
    public async Task A_geofences_name_is_bounded()
    {
        var geofences = new GeofencesApiHandler(_directory, Announcer());
        using var point = JsonDocument.Parse("""{"type":"Point","coordinates":[121.5,25.0]}""");

        var refused = await geofences.SaveAsync(
            Admin, new GeofenceRequest(null, new string('g', GeofencesApiHandler.MaxNameLength + 1), point.RootElement, 50, null, null, null, null, null), None);

        Assert.Equal(["name"], refused.Problem!.Errors!.Keys);
        Assert.Empty(await _directory.GeofencesOfAsync("c-1", None));
    }

    [Fact]
    public async Task A_companys_id_and_name_are_bounded()
    {
        var companies = new CompaniesApiHandler(_directory, _memberships, Directory(), new RecordingRealtimeGroups().Revocation);

        var longId = await companies.CreateAsync(Operator, new CompanyRequest(new string('c', ResourceIds.MaxLength + 1), "Acme 2", null, null, null, null, null, null), None);
        var longName = await companies.CreateAsync(Operator, new CompanyRequest(null, new string('n', CompaniesApiHandler.MaxNameLength + 1), null, null, null, null, null, null), None);

        Assert.Equal(["company_id"], longId.Problem!.Errors!.Keys);
        Assert.Equal(["name"], longName.Problem!.Errors!.Keys);
        Assert.Single((await _directory.CompaniesAsync(new IdPage(null, 10), None)).Items);
    }

    private MembershipDirectory Directory() => new(_memberships, _directory, new FrozenClock(FixStream.Start));

    private static ConfigAnnouncer Announcer() => new(new RecordingPublisher(), new FrozenClock(FixStream.Start));
}
