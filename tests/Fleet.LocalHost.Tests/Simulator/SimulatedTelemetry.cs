using Fleet.Core.Geo;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>Drives a simulated fleet in simulated time, without sending anything, and keeps what each vehicle reported.</summary>
internal static class SimulatedTelemetry
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    public static readonly GeoPoint Centre = new(25.0330, 121.5654);

    public static List<List<TelemetryFix>> Drive(SimulatorOptions options, TimeSpan duration, int seed = 7)
    {
        var fleet = FleetSimulator.CreateFleet(options, Start, seed);
        var reports = new List<List<TelemetryFix>>();
        foreach (var vehicle in fleet)
        {
            var fixes = new List<TelemetryFix>();
            vehicle.AdvanceTo(Start + duration, fixes);
            reports.Add(fixes);
        }

        return reports;
    }

    /// <summary>One vehicle acting out one scenario for a while.</summary>
    public static List<TelemetryFix> Scenario(ScenarioKind scenario, int seed, TimeSpan duration) =>
        Drive(new SimulatorOptions { Vehicles = 1, Scenarios = [ScenarioAssignment.ForVehicles(scenario, 1)] }, duration, seed)[0];

    public static double DistanceFromCentreMeters(TelemetryFix fix) =>
        GeoMath.DistanceMeters(Centre, new GeoPoint(fix.Latitude, fix.Longitude));

    public static double MetersBetween(TelemetryFix a, TelemetryFix b) =>
        GeoMath.DistanceMeters(new GeoPoint(a.Latitude, a.Longitude), new GeoPoint(b.Latitude, b.Longitude));

    /// <summary>Change of speed between two fixes, in m/s^2.</summary>
    public static double Acceleration(TelemetryFix before, TelemetryFix after) =>
        (after.SpeedKmh - before.SpeedKmh) / GeoMath.KmhPerMeterPerSecond / (after.Timestamp - before.Timestamp).TotalSeconds;

    public static IEnumerable<(TelemetryFix Before, TelemetryFix After)> Pairs(IReadOnlyList<TelemetryFix> fixes) =>
        fixes.Zip(fixes.Skip(1));
}
