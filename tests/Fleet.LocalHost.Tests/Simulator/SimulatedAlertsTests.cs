using Fleet.Core.Alerts;
using Fleet.Core.Geofencing;
using Fleet.Core.Pipeline;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Simulator;
using SimulatedFix = Fleet.Simulator.TelemetryFix;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>
/// Each scenario's telemetry, as JSON, through the core's own parser and vehicle pipeline with the default rules and
/// the local host's demo fences (a 300 m depot at the centre inside a 50 km/h zone): the alert it is meant for comes out.
/// </summary>
public sealed class SimulatedAlertsTests
{
    private const string CompanyId = "c-sim";
    private const int FixesPerBatch = 12;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(20);

    // The local host's zone size is its own choice; ordinary traffic keeps to 50 km/h within 2 km of the depot.
    private static readonly GeofenceIndex Fences = GeofenceIndex.Build(
    [
        new Geofence("depot", CompanyId, "Depot", new CircleShape(SimulatedTelemetry.Centre, 300)),
        new Geofence("zone-50", CompanyId, "Centre 50 km/h", new CircleShape(SimulatedTelemetry.Centre, 1_500), GeofenceAlertRule.None, 50),
    ]);

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Speeding_raises_a_speed_violation(int seed)
    {
        var alerts = Run(SimulatedTelemetry.Scenario(ScenarioKind.Speeding, seed, Window)).Alerts;

        Assert.Contains(alerts, alert => alert.Type == AlertType.SpeedViolation && alert.Details?.MaxSpeedKmh > 120);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Geofence_raises_an_entry_and_an_exit_of_the_depot(int seed)
    {
        var alerts = Run(SimulatedTelemetry.Scenario(ScenarioKind.Geofence, seed, Window)).Alerts
            .Where(alert => alert.Type == AlertType.GeofenceViolation && alert.Details?.GeofenceId == "depot")
            .ToList();

        Assert.Contains(alerts, alert => alert.Details?.Transition == "enter");
        Assert.Contains(alerts, alert => alert.Details?.Transition == "exit");
        Assert.True(alerts.First(alert => alert.Details?.Transition == "enter").EventTime <
            alerts.First(alert => alert.Details?.Transition == "exit").EventTime);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Harsh_braking_raises_a_driver_event(int seed)
    {
        var alerts = Run(SimulatedTelemetry.Scenario(ScenarioKind.HarshBraking, seed, Window)).Alerts;

        Assert.Contains(
            alerts, alert => alert.Type == AlertType.DriverEvent && alert.Details?.DriverEvent == DriverEventCodes.HarshBraking);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Fuel_theft_raises_a_fuel_theft(int seed)
    {
        var alerts = Run(SimulatedTelemetry.Scenario(ScenarioKind.FuelTheft, seed, Window)).Alerts;

        Assert.Contains(alerts, alert => alert.Type == AlertType.FuelTheft);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Silence_lets_the_offline_sweep_raise_vehicle_offline(int seed)
    {
        var fixes = SimulatedTelemetry.Scenario(ScenarioKind.Silent, seed, Window);
        var (state, _) = Run(fixes);

        var outcome = OfflineSweep.Evaluate(Context(fixes[0].DeviceId), state, SimulatedTelemetry.Start + Window);

        Assert.NotNull(outcome);
        Assert.Contains(outcome.Alerts, alert => alert.Type == AlertType.VehicleOffline);
    }

    [Fact]
    public void Ordinary_driving_raises_no_speeding_geofence_harsh_or_fuel_alerts()
    {
        var fleet = SimulatedTelemetry.Drive(new SimulatorOptions { Vehicles = 10, RadiusKm = 4 }, TimeSpan.FromMinutes(30), seed: 11);

        var alerts = fleet.SelectMany(fixes => Run(fixes).Alerts).ToList();

        Assert.DoesNotContain(alerts, alert => alert.Type is AlertType.SpeedViolation or AlertType.FuelTheft or AlertType.DriverEvent);
        Assert.DoesNotContain(alerts, alert => alert.Type == AlertType.GeofenceViolation && alert.Details?.GeofenceId != "depot");
    }

    private static (VehicleState State, List<Alert> Alerts) Run(IReadOnlyList<SimulatedFix> fixes)
    {
        var context = Context(fixes[0].DeviceId);
        var state = VehicleState.Initial(context.Vehicle);
        var alerts = new List<Alert>();
        var sequence = 0L;
        foreach (var batch in fixes.Chunk(FixesPerBatch))
        {
            var parsed = batch.Select(fix =>
            {
                var body = TelemetryJson.Serialize(fix);
                var metadata = new EventMetadata("0", ++sequence, fix.Timestamp.AddSeconds(1));
                var result = TelemetryParser.Parse(new TelemetryEvent(body, metadata));
                Assert.True(result.Fix is not null, $"The core refused {fix.DeviceId} #{fix.Seq}: {result.Rejection}");
                return result.Fix;
            }).ToList();

            var outcome = VehiclePipeline.Run(context, state, parsed);
            Assert.Empty(outcome.Rejections);
            state = outcome.State;
            alerts.AddRange(outcome.Alerts);
        }

        return (state, alerts);
    }

    private static VehicleContext Context(string deviceId) => new(
        new VehicleProfile("v-" + deviceId, CompanyId, deviceId),
        new CompanyProfile(CompanyId, "Simulated", RuleSettings.Default, TimeZoneInfo.Utc, Fences));
}
