using Fleet.Core.Geo;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Processing;

public sealed class HandlerRoutingTests
{
    [Fact]
    public async Task A_vehicle_whose_company_has_no_profile_is_dead_lettered_and_the_rest_of_the_batch_goes_on()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");

        // A registration pointing at a company that has since lost its profile (no company added for c-gone).
        var orphanDirectory = new Fleet.Adapters.InMemory.InMemoryFleetDirectory();
        orphanDirectory.AddCompany("c-gone", "Gone");
        orphanDirectory.AddVehicle(TestFleet.Vehicle("v-9", "c-gone"), "dev-9");
        var registrations = new CombinedRegistry(harness.Directory, orphanDirectory);
        var handler = new Fleet.Core.Processing.TelemetryBatchHandler(
            registrations, harness.Directory, harness.Store, harness.Alerts, harness.Store, harness.Store, harness.Publisher, harness.Followers, harness.Clock);

        var fix = new FixStream("dev-1").Fix(0, FixStream.Origin, 10);
        var orphan = new FixStream("dev-9").Fix(0, FixStream.Origin, 10);
        await handler.HandleAsync(
            [TelemetryJson.Event(TelemetryJson.Fix("dev-1", fix), 1), TelemetryJson.Event(TelemetryJson.Fix("dev-9", orphan), 2)], CancellationToken.None);

        Assert.Single(harness.Store.PositionsOf("c-1", "v-1"));
        var letter = Assert.Single(harness.Store.DeadLetters());
        Assert.Equal((RejectionReason.UnknownCompany, "v-9", "c-gone"), (letter.Reason, letter.VehicleId, letter.CompanyId));
    }

    [Fact]
    public async Task A_vehicle_moved_to_another_company_starts_afresh_and_nothing_of_the_old_company_reaches_the_new()
    {
        var harness = new FleetHarness().WithCompany("c-a", "dev-1");
        harness.Directory.AddCompany("c-b", "c-b");
        var device = new FixStream("dev-1");
        await harness.SendAsync(TelemetryJson.Events("dev-1", device.Drive(0, 60, FixStream.Origin, 0, 130)));
        Assert.NotNull(harness.Store.StatesOf("c-a").Single().Speeding);

        harness.Directory.AddVehicle(TestFleet.Vehicle("v-1", "c-b"), "dev-1");
        var published = harness.Publisher.Messages.Count;
        await harness.SendAsync(TelemetryJson.Events("dev-1", [device.Fix(600, GeoMath.Offset(FixStream.Origin, 5_000, 0), 0)], firstSequenceNumber: 100));

        var state = harness.Store.StatesOf("c-b").Single();
        Assert.Equal(("v-1", "c-b"), (state.VehicleId, state.CompanyId));
        Assert.Null(state.Speeding);
        Assert.Null(state.Motion.Trip);
        Assert.Equal(0, state.OdometerKm);
        Assert.Empty(harness.Store.StatesOf("c-a"));
        var after = harness.Publisher.Messages.Skip(published).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, message =>
        {
            Assert.Equal("c-b", message.Envelope.CompanyId);
            Assert.NotEqual(RealtimeGroups.Company("c-a"), message.Target.Name);
        });
    }

    /// <summary>Devices of two directories, as a registry that still knows a device whose company was removed.</summary>
    private sealed class CombinedRegistry(params Fleet.Core.Ports.IDeviceRegistry[] registries) : Fleet.Core.Ports.IDeviceRegistry
    {
        public async Task<IReadOnlyDictionary<string, Fleet.Core.Registry.DeviceRegistration>> ResolveAsync(
            IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken)
        {
            var found = new Dictionary<string, Fleet.Core.Registry.DeviceRegistration>(StringComparer.Ordinal);
            foreach (var registry in registries)
            {
                foreach (var (deviceId, registration) in await registry.ResolveAsync(deviceIds, cancellationToken))
                {
                    found.TryAdd(deviceId, registration);
                }
            }

            return found;
        }
    }
}
