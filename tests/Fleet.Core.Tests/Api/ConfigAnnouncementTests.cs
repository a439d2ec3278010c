using System.Text.Json;
using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Api;

/// <summary>
/// Issue 18: vehicles, drivers and geofences changed through the API were told to nobody, so open dashboards showed
/// them as they were at sign-in. Each stored change is now told to its company's group, and to no other.
/// </summary>
public sealed class ConfigAnnouncementTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetCaller Admin = new("u-admin", "c-1", FleetRole.Admin, new HashSet<string>());
    private static readonly FleetCaller Dispatcher = new("u-dispatch", "c-1", FleetRole.Dispatcher, new HashSet<string>());
    private static readonly FleetCaller OtherAdmin = new("u-other", "c-2", FleetRole.Admin, new HashSet<string>());
    private static readonly RealtimeTarget CompanyGroup = RealtimeTarget.Group(RealtimeGroups.Company("c-1"));

    private readonly InMemoryFleetDirectory _directory = new();
    private readonly InMemoryMembershipStore _memberships = new();
    private readonly FrozenClock _clock = new(FixStream.Start);
    private readonly WitnessPublisher _publisher;
    private readonly VehiclesApiHandler _vehicles;
    private readonly DriversApiHandler _drivers;
    private readonly GeofencesApiHandler _geofences;

    public ConfigAnnouncementTests()
    {
        _directory.AddCompany("c-1", "Acme");
        _directory.AddCompany("c-2", "Globex");
        _directory.AddVehicle(TestFleet.Vehicle("v-1"), "dev-1");
        _directory.AddVehicle(TestFleet.Vehicle("v-9", "c-2"), "dev-9");

        // What the company's stores hold when each message is sent: the change must already be there for a page to read.
        _publisher = new WitnessPublisher(message =>
        {
            var companyId = message.Envelope.CompanyId;
            return string.Join(
                ",",
                _directory.VehiclesOfAsync(companyId, None).GetAwaiter().GetResult().Select(vehicle => vehicle.VehicleId + "=" + vehicle.Name)
                    .Concat(_directory.DriversOfAsync(companyId, None).GetAwaiter().GetResult().Select(driver => driver.DriverId + "=" + driver.Name))
                    .Concat(_directory.GeofencesOfAsync(companyId, None).GetAwaiter().GetResult().Select(fence => fence.Id + "=" + fence.Name)));
        });
        var announcer = new ConfigAnnouncer(_publisher, _clock);
        _vehicles = new VehiclesApiHandler(_directory, new InMemoryTelemetryStore(), _directory, announcer, _clock);
        _drivers = new DriversApiHandler(_directory, _memberships, announcer);
        _geofences = new GeofencesApiHandler(_directory, announcer);
    }

    [Fact]
    public async Task A_vehicle_created_changed_and_deleted_is_told_to_its_company_group_once_each_after_it_is_stored()
    {
        var created = await _vehicles.CreateAsync(Admin, new VehicleRequest("c-1.van", "Van", "dev-van", null, null, null, null), None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var changed = await _vehicles.UpdateAsync(Admin, "c-1.van", new VehicleRequest(null, "Big van", "dev-van", null, null, null, null), None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var deleted = await _vehicles.DeleteAsync(Admin, "c-1.van", None);

        Assert.Equal((201, 200, 204), (created.Status, changed.Status, deleted.Status));
        AssertTold(
            ("vehicle", "c-1.van", "created", 0, "c-1.van=Van,v-1=Truck v-1"),
            ("vehicle", "c-1.van", "updated", 1, "c-1.van=Big van,v-1=Truck v-1"),
            ("vehicle", "c-1.van", "deleted", 2, "v-1=Truck v-1"));
    }

    [Fact]
    public async Task A_driver_created_changed_and_deleted_is_told_to_its_company_group_once_each_after_it_is_stored()
    {
        var created = await _drivers.SaveAsync(Admin, new DriverRequest("c-1.nadia", "Nadia", null), None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var changed = await _drivers.SaveAsync(Admin, new DriverRequest("c-1.nadia", "Nadia Okafor", null), None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var deleted = await _drivers.DeleteAsync(Admin, "c-1.nadia", None);

        Assert.Equal((201, 201, 204), (created.Status, changed.Status, deleted.Status));
        AssertTold(
            ("driver", "c-1.nadia", "created", 0, "v-1=Truck v-1,c-1.nadia=Nadia"),
            ("driver", "c-1.nadia", "updated", 1, "v-1=Truck v-1,c-1.nadia=Nadia Okafor"),
            ("driver", "c-1.nadia", "deleted", 2, "v-1=Truck v-1"));
    }

    [Fact]
    public async Task A_geofence_created_changed_and_deleted_is_told_to_its_company_group_once_each_after_it_is_stored()
    {
        var created = await _geofences.SaveAsync(Admin, Fence("Yard"), None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var changed = await _geofences.SaveAsync(Admin, Fence("Big yard"), None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var deleted = await _geofences.DeleteAsync(Admin, "yard", None);

        Assert.Equal((201, 201, 204), (created.Status, changed.Status, deleted.Status));
        AssertTold(
            ("geofence", "yard", "created", 0, "v-1=Truck v-1,yard=Yard"),
            ("geofence", "yard", "updated", 1, "v-1=Truck v-1,yard=Big yard"),
            ("geofence", "yard", "deleted", 2, "v-1=Truck v-1"));
    }

    [Fact]
    public async Task A_change_another_company_makes_is_told_to_that_company_alone()
    {
        var created = await _vehicles.CreateAsync(OtherAdmin, new VehicleRequest(null, "Their van", "dev-theirs", null, null, null, null), None);
        await _vehicles.DeleteAsync(OtherAdmin, "v-9", None);

        Assert.Equal(201, created.Status);
        Assert.Equal(2, _publisher.Told.Count);
        Assert.All(_publisher.Told, told =>
        {
            Assert.Equal(RealtimeTarget.Group(RealtimeGroups.Company("c-2")), told.Message.Target);
            Assert.Equal("c-2", told.Message.Envelope.CompanyId);
        });
    }

    [Fact]
    public async Task A_refused_change_is_told_to_nobody()
    {
        await _directory.SaveGeofenceAsync(new Geofence("depot", "c-1", "Depot", new CircleShape(new GeoPoint(25.03, 121.56), 300)), None);
        var results = new[]
        {
            (await _vehicles.CreateAsync(Dispatcher, new VehicleRequest(null, "Van", "dev-van", null, null, null, null), None)).Status,
            (await _vehicles.CreateAsync(Admin, new VehicleRequest(null, "Van", "dev-9", null, null, null, null), None)).Status,
            (await _vehicles.DeleteAsync(OtherAdmin, "v-1", None)).Status,
            (await _vehicles.UpdateAsync(Admin, "v-9", new VehicleRequest(null, "Mine now", "dev-9", null, null, null, null), None)).Status,
            (await _drivers.SaveAsync(Dispatcher, new DriverRequest(null, "Nadia", null), None)).Status,
            (await _drivers.DeleteAsync(Admin, "nobody", None)).Status,
            (await _geofences.SaveAsync(Admin, Fence("Yard") with { RadiusMeters = -1 }, None)).Status,
            (await _geofences.DeleteAsync(OtherAdmin, "depot", None)).Status,
        };

        Assert.Equal([403, 409, 404, 404, 403, 404, 400, 404], results);
        Assert.Empty(_publisher.Told);
    }

    /// <summary>Each message: the company group of c-1, no seq, the payload (its time minutes after the start), and what was stored by then.</summary>
    private void AssertTold(params (string Kind, string Id, string Change, int Minute, string Stored)[] expected)
    {
        Assert.Equal(expected.Length, _publisher.Told.Count);
        foreach (var ((kind, id, change, minute, stored), told) in expected.Zip(_publisher.Told))
        {
            var at = FixStream.Start.AddMinutes(minute);
            Assert.Equal(CompanyGroup, told.Message.Target);
            Assert.Equal((RealtimeMessageTypes.ConfigChanged, "c-1", (long?)null, at), (told.Message.Envelope.Type, told.Message.Envelope.CompanyId, told.Message.Envelope.Seq, told.Message.Envelope.Timestamp));
            Assert.Equal(new ConfigChangePayload(kind, id, change, at), told.Message.Envelope.Data);
            Assert.Equal(stored, told.Stored);
        }
    }

    private static GeofenceRequest Fence(string name)
    {
        using var geometry = JsonDocument.Parse("""{"type":"Point","coordinates":[121.56,25.03]}""");
        return new GeofenceRequest("yard", name, geometry.RootElement.Clone(), 200, null, null, null, null, null);
    }

    /// <summary>Records each message with what <paramref name="witness"/> saw in the stores as it was sent.</summary>
    private sealed class WitnessPublisher(Func<RealtimeMessage, string> witness) : IRealtimePublisher
    {
        public List<(RealtimeMessage Message, string Stored)> Told { get; } = [];

        public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
        {
            Told.AddRange(messages.Select(message => (message, witness(message))));
            return Task.CompletedTask;
        }
    }
}
