using Fleet.Core.Alerts;
using Fleet.Core.Settings;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class ScenarioTests
{
    private const double DepotRadiusMeters = 300;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(20);

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Speeding_holds_well_above_120_kmh_for_over_a_minute_without_a_gap_that_would_split_the_episode(int seed)
    {
        var fixes = SimulatedTelemetry.Scenario(ScenarioKind.Speeding, seed, Window);
        var maxGap = RuleSettings.Default.Speeding.MaxGapWithinEpisode;

        var longest = Runs(fixes, fix => fix.SpeedKmh > 125)
            .Where(run => SimulatedTelemetry.Pairs(run).All(pair => pair.After.Timestamp - pair.Before.Timestamp <= maxGap))
            .Select(run => run[^1].Timestamp - run[0].Timestamp)
            .DefaultIfEmpty()
            .Max();

        Assert.True(longest > TimeSpan.FromSeconds(60), $"The longest run above 125 km/h lasted {longest}.");
        Assert.All(fixes, fix => Assert.True(fix.SpeedKmh < 150, $"{fix.SpeedKmh} km/h"));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Geofence_enters_the_depot_stays_longer_than_the_dwell_and_leaves_for_longer_than_the_dwell(int seed)
    {
        var fixes = SimulatedTelemetry.Scenario(ScenarioKind.Geofence, seed, Window);
        var dwell = RuleSettings.Default.Geofences.DefaultDwell;

        var inside = Runs(fixes, fix => SimulatedTelemetry.DistanceFromCentreMeters(fix) < DepotRadiusMeters - 20)
            .FirstOrDefault(run => run[^1].Timestamp - run[0].Timestamp > dwell);
        Assert.NotNull(inside);
        var entered = fixes.Take(fixes.IndexOf(inside[0])).ToList();
        Assert.NotEmpty(entered);
        Assert.True(SimulatedTelemetry.DistanceFromCentreMeters(entered[^1]) > DepotRadiusMeters - 20, "It started inside the depot.");
        Assert.Contains(entered, fix => SimulatedTelemetry.DistanceFromCentreMeters(fix) > DepotRadiusMeters + 20);
        Assert.Contains(inside, fix => fix.SpeedKmh == 0);
        Assert.All(inside, fix => Assert.True(fix.SpeedKmh < 50, "The depot lies in a 50 km/h zone."));

        var after = fixes.Skip(fixes.IndexOf(inside[^1]) + 1)
            .TakeWhile(fix => SimulatedTelemetry.DistanceFromCentreMeters(fix) > DepotRadiusMeters - 20)
            .SkipWhile(fix => SimulatedTelemetry.DistanceFromCentreMeters(fix) < DepotRadiusMeters + 20)
            .ToList();
        Assert.NotEmpty(after);
        Assert.True(after[^1].Timestamp - after[0].Timestamp > dwell, "It came back into the depot too soon.");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Harsh_braking_is_flagged_by_the_device_and_shown_by_fixes_less_than_3_s_apart(int seed)
    {
        var fixes = SimulatedTelemetry.Scenario(ScenarioKind.HarshBraking, seed, Window);
        var thresholds = RuleSettings.Default.HarshDriving;

        var flagged = fixes.Where(fix => fix.Events.Contains(DriverEventCodes.HarshBraking)).ToList();
        Assert.NotEmpty(flagged);
        foreach (var fix in flagged)
        {
            var before = fixes[fixes.IndexOf(fix) - 1];
            Assert.True(fix.Timestamp - before.Timestamp <= thresholds.MaxDerivationInterval);
            Assert.True(
                SimulatedTelemetry.Acceleration(before, fix) <= thresholds.PassengerCar.BrakingMetersPerSecondSquared,
                $"{before.SpeedKmh} -> {fix.SpeedKmh} km/h in {(fix.Timestamp - before.Timestamp).TotalSeconds} s");
            Assert.True(before.SpeedKmh - fix.SpeedKmh >= 20);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Fuel_theft_drops_the_level_well_past_the_threshold_while_parked_with_the_ignition_off(int seed)
    {
        var fixes = SimulatedTelemetry.Scenario(ScenarioKind.FuelTheft, seed, Window);
        var fuel = RuleSettings.Default.Fuel;

        var parked = Runs(fixes, fix => !fix.Ignition && fix.SpeedKmh == 0).ToList();
        var drops = parked
            .SelectMany(run => run.SelectMany(high => run
                .Where(low => low.Timestamp > high.Timestamp && low.Timestamp - high.Timestamp <= fuel.TheftWindow)
                .Select(low => high.FuelLevelPercent - low.FuelLevelPercent)))
            .DefaultIfEmpty()
            .Max();

        Assert.True(drops >= 2 * fuel.TheftDropPercentOfCapacity, $"The largest drop while parked was {drops} %.");
        var positions = parked.First(run => run[0].FuelLevelPercent - run[^1].FuelLevelPercent > 0);
        Assert.All(positions, fix => Assert.True(SimulatedTelemetry.MetersBetween(positions[0], fix) < 20, "A parked vehicle stays put."));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_silent_vehicle_stops_reporting_after_a_few_minutes_for_good_while_the_others_go_on(int seed)
    {
        var options = new SimulatorOptions { Vehicles = 2, Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Silent, 2)] };
        var fleet = FleetSimulator.CreateFleet(options, SimulatedTelemetry.Start, seed);
        var talking = new List<TelemetryFix>();
        var silent = new List<TelemetryFix>();

        fleet[0].AdvanceTo(SimulatedTelemetry.Start + Window, talking);
        fleet[1].AdvanceTo(SimulatedTelemetry.Start + Window, silent);

        var lastHeard = silent[^1].Timestamp - SimulatedTelemetry.Start;
        Assert.InRange(lastHeard, TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(6), TimeSpan.FromMinutes(4));
        Assert.Equal(DateTimeOffset.MaxValue, fleet[1].NextReportAt);
        Assert.True(SimulatedTelemetry.Start + Window - silent[^1].Timestamp > RuleSettings.Default.Offline.MinOfflineAfter);
        Assert.True(talking[^1].Timestamp > SimulatedTelemetry.Start + Window - TimeSpan.FromSeconds(6));

        fleet[1].AdvanceTo(SimulatedTelemetry.Start + 2 * Window, silent);
        Assert.True(silent[^1].Timestamp < SimulatedTelemetry.Start + TimeSpan.FromMinutes(4));
    }

    [Fact]
    public void Shares_spread_scenarios_over_consecutive_vehicles_and_numbers_pick_vehicles()
    {
        IReadOnlyList<ScenarioAssignment> assignments =
        [
            ScenarioAssignment.ForShare(ScenarioKind.Speeding, 0.2),
            ScenarioAssignment.ForShare(ScenarioKind.Geofence, 0.01),
            ScenarioAssignment.ForVehicles(ScenarioKind.Silent, 2, 10, 10),
        ];

        var resolved = ScenarioAssignment.Resolve(assignments, 10);

        Assert.Equal([ScenarioKind.Speeding], resolved[0]);
        Assert.Equal([ScenarioKind.Speeding, ScenarioKind.Silent], resolved[1].Order());
        Assert.Equal([ScenarioKind.Geofence], resolved[2]);
        Assert.Empty(resolved[3]);
        Assert.Equal([ScenarioKind.Silent], resolved[9]);
        Assert.Equal(3, resolved.Count(scenarios => scenarios.Count > 0 && !scenarios.SetEquals([ScenarioKind.Silent])));
    }

    /// <summary>Maximal runs of consecutive fixes that all match.</summary>
    private static IEnumerable<List<TelemetryFix>> Runs(IReadOnlyList<TelemetryFix> fixes, Func<TelemetryFix, bool> matches)
    {
        var run = new List<TelemetryFix>();
        foreach (var fix in fixes)
        {
            if (matches(fix))
            {
                run.Add(fix);
                continue;
            }

            if (run.Count > 0)
            {
                yield return run;
                run = [];
            }
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
