using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Support;

/// <summary>
/// One vehicle's speeding drive that starts a trip: a batch with alerts, positions, a trip and statistics, for the
/// tests that break the handler's effects apart and compare the outcome with a clean run.
/// </summary>
internal static class SpeedingDrive
{
    public static List<TelemetryEvent> Batch()
    {
        var device = new FixStream("dev-1");
        var fixes = device.Park(0, 60, FixStream.Origin, fuelLevelPercent: 40, ignition: true);
        fixes.AddRange(device.Drive(65, 120, FixStream.Origin, 180, 130, fuelLevelPercent: 39));
        return TelemetryJson.Events("dev-1", fixes);
    }

    /// <summary>What the batch leaves when nothing fails.</summary>
    public static async Task<FleetSnapshot> CleanRunAsync()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendAsync(Batch());
        return FleetSnapshot.Of(harness, "c-1");
    }

    /// <summary>A fleet of the one vehicle whose stores the test can make fail.</summary>
    public static InterceptingStores NewRig() => new(new FleetHarness().WithCompany("c-1", "dev-1"));
}
