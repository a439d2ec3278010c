using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Processing;

/// <summary>A batch mixing companies never puts one company's data in another's group (DESIGN 3.3, 7.5).</summary>
public sealed class TenantIsolationTests
{
    private static readonly Dictionary<string, string> CompanyOfVehicle = new(StringComparer.Ordinal)
    {
        ["v-a1"] = "c-a", ["v-a2"] = "c-a", ["v-b1"] = "c-b", ["v-b2"] = "c-b",
    };

    [Fact]
    public async Task A_vehicle_id_deleted_by_one_company_and_reused_by_another_never_reaches_the_first_companys_followers()
    {
        // A dispatcher of c-a followed v-9 before c-a deleted it; c-b then created a vehicle with the same id.
        var harness = new FleetHarness().WithCompany("c-b", "dev-9");
        harness.Followers.Follow("c-a", "v-9");

        await harness.SendAsync(TelemetryJson.Events("dev-9", new FixStream("dev-9").Drive(0, 60, FixStream.Origin, 90, 40)));

        var messages = harness.Publisher.Messages;
        Assert.NotEmpty(messages);
        Assert.All(messages, message => Assert.Equal(RealtimeGroups.Company("c-b"), message.Target.Name));
        Assert.NotEqual(RealtimeGroups.Vehicle("c-a", "v-9"), RealtimeGroups.Vehicle("c-b", "v-9"));
    }

    [Theory]
    [InlineData("a:b", "c", "a", "b:c")]
    [InlineData("a", "b", "a:", "b")]
    [InlineData("c%3Aa", "v", "c:a", "v")]
    public void No_two_company_and_vehicle_pairs_share_a_vehicle_group(string companyA, string vehicleA, string companyB, string vehicleB) =>
        Assert.NotEqual(RealtimeGroups.Vehicle(companyA, vehicleA), RealtimeGroups.Vehicle(companyB, vehicleB));

    [Fact]
    public async Task Every_message_goes_only_to_groups_of_the_company_its_data_belongs_to()
    {
        var harness = new FleetHarness().WithCompany("c-a", "dev-a1", "dev-a2").WithCompany("c-b", "dev-b1", "dev-b2");

        // Both companies have a fence at the same place with the same name: nothing but the company tells them apart.
        foreach (var company in new[] { "c-a", "c-b" })
        {
            harness.WithGeofence(new Geofence($"g-{company}", company, "Harbour", new CircleShape(GeoMath.Offset(FixStream.Origin, 1_500, 90), 700)));
        }

        harness.Followers.Follow("c-a", "v-a1");
        harness.Followers.Follow("c-b", "v-b2");

        var events = new List<TelemetryEvent>();
        var sequence = 1L;
        foreach (var deviceId in new[] { "dev-a1", "dev-a2", "dev-b1", "dev-b2" })
        {
            // Every vehicle drives the same road fast enough to speed: identical data in different companies.
            var fixes = new FixStream(deviceId).Drive(0, 240, FixStream.Origin, 90, 120, fuelLevelPercent: 50);
            events.AddRange(TelemetryJson.Events(deviceId, fixes, sequence));
            sequence += fixes.Count;
        }

        // Interleaved as one partition would deliver them, over several batches.
        var interleaved = events.OrderBy(e => e.Metadata.EnqueuedTime).ThenBy(e => e.Metadata.SequenceNumber).ToList();
        foreach (var batch in interleaved.Chunk(17))
        {
            await harness.SendAsync(batch);
        }

        var messages = harness.Publisher.Messages;
        Assert.Contains(messages, message => message.Envelope.Type == RealtimeMessageTypes.Alert);
        Assert.Contains(messages, message => message.Envelope.Type == RealtimeMessageTypes.GeofenceViolationUpdate);
        foreach (var message in messages)
        {
            var company = message.Envelope.CompanyId;
            Assert.Equal(RealtimeTargetKind.Group, message.Target.Kind);
            Assert.True(
                message.Target.Name == RealtimeGroups.Company(company) ||
                CompanyOfVehicle.Any(pair => pair.Value == company && message.Target.Name == RealtimeGroups.Vehicle(company, pair.Key)),
                $"{message.Envelope.Type} of {company} went to {message.Target.Name}");
            foreach (var vehicleId in VehiclesIn(message.Envelope.Data))
            {
                Assert.Equal(company, CompanyOfVehicle[vehicleId]);
            }
        }

        // Followed vehicles got their own messages; the others did not.
        Assert.Contains(messages, message => message.Target.Name == RealtimeGroups.Vehicle("c-a", "v-a1"));
        Assert.Contains(messages, message => message.Target.Name == RealtimeGroups.Vehicle("c-b", "v-b2"));
        Assert.DoesNotContain(messages, message => message.Target.Name == RealtimeGroups.Vehicle("c-a", "v-a2"));

        foreach (var company in new[] { "c-a", "c-b" })
        {
            Assert.All(harness.Alerts.AllOf(company), stored => Assert.Equal(company, CompanyOfVehicle[stored.Alert.VehicleId!]));
            Assert.All(harness.Store.StatesOf(company), state => Assert.Equal(company, CompanyOfVehicle[state.VehicleId]));
            Assert.All(harness.Store.StatsOf(company), stats => Assert.Equal(company, CompanyOfVehicle[stats.VehicleId]));
            Assert.NotEmpty(harness.Alerts.AllOf(company));
        }
    }

    [Fact]
    public async Task Sequence_numbers_are_contiguous_per_company_on_the_company_group()
    {
        var harness = new FleetHarness().WithCompany("c-a", "dev-a1").WithCompany("c-b", "dev-b1");
        var sequence = 1L;
        foreach (var second in Enumerable.Range(0, 20).Select(i => i * 30.0))
        {
            var batch = new List<TelemetryEvent>();
            foreach (var deviceId in new[] { "dev-a1", "dev-b1" })
            {
                var fix = new FixStream(deviceId).Fix(second, GeoMath.Offset(FixStream.Origin, second * 20, 45), 72);
                batch.Add(TelemetryJson.Event(TelemetryJson.Fix(deviceId, fix), sequence++, fix.FixTime.AddSeconds(1)));
            }

            await harness.SendAsync(batch);
        }

        foreach (var company in new[] { "c-a", "c-b" })
        {
            var seqs = harness.Publisher.Messages
                .Where(message => message.Target.Name == RealtimeGroups.Company(company))
                .Select(message => message.Envelope.Seq)
                .ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long?)i), seqs);
        }
    }

    private static IEnumerable<string> VehiclesIn(object data) => data switch
    {
        LocationPayload[] locations => locations.Select(location => location.VehicleId),
        AlertPayload alert => [alert.VehicleId!],
        StatusPayload status => [status.VehicleId],
        TripPayload trip => [trip.VehicleId],
        GeofencePayload geofence => [geofence.VehicleId],
        DriverEventPayload driverEvent => [driverEvent.VehicleId],
        MaintenancePayload maintenance => [maintenance.VehicleId],
        _ => throw new InvalidOperationException($"Unexpected payload {data.GetType().Name}"),
    };
}
