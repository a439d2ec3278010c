using System.Text;
using System.Text.Json;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class TelemetryJsonTests
{
    private static readonly string[] DesignFields =
    [
        "device_id", "timestamp", "latitude", "longitude", "speed", "heading", "accuracy", "altitude", "seq", "driver_id",
        "odometer", "fuel_level", "ignition",
    ];

    private static readonly TelemetryFix Fix = new(
        "sim-001", new DateTimeOffset(2026, 11, 21, 10, 30, 0, 123, TimeSpan.Zero).AddTicks(4_567), 25.033012, 121.565401, 42.5, 180,
        8.2, 12.4, 1234, "drv-sim-001", 10234.567, 63.5, true, []);

    [Fact]
    public void An_event_has_exactly_the_design_fields_in_snake_case_with_their_values()
    {
        using var json = JsonDocument.Parse(TelemetryJson.Serialize(Fix));
        var root = json.RootElement;

        Assert.Equal(DesignFields, root.EnumerateObject().Select(property => property.Name));
        Assert.Equal("sim-001", root.GetProperty("device_id").GetString());
        Assert.Equal("2026-11-21T10:30:00.123Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(25.033012, root.GetProperty("latitude").GetDouble());
        Assert.Equal(121.565401, root.GetProperty("longitude").GetDouble());
        Assert.Equal(42.5, root.GetProperty("speed").GetDouble());
        Assert.Equal(180, root.GetProperty("heading").GetDouble());
        Assert.Equal(8.2, root.GetProperty("accuracy").GetDouble());
        Assert.Equal(12.4, root.GetProperty("altitude").GetDouble());
        Assert.Equal(1234, root.GetProperty("seq").GetInt64());
        Assert.Equal("drv-sim-001", root.GetProperty("driver_id").GetString());
        Assert.Equal(10234.567, root.GetProperty("odometer").GetDouble());
        Assert.Equal(63.5, root.GetProperty("fuel_level").GetDouble());
        Assert.True(root.GetProperty("ignition").GetBoolean());
    }

    [Fact]
    public void Device_events_come_last_as_an_array_only_when_there_are_some()
    {
        using var json = JsonDocument.Parse(TelemetryJson.Serialize(Fix with { Events = ["harsh_braking"], Ignition = false }));

        Assert.Equal([.. DesignFields, "events"], json.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal(["harsh_braking"], json.RootElement.GetProperty("events").EnumerateArray().Select(code => code.GetString()));
        Assert.False(json.RootElement.GetProperty("ignition").GetBoolean());
    }

    [Fact]
    public void Every_generated_event_has_an_iso_utc_timestamp_with_milliseconds_and_the_design_fields()
    {
        var options = new SimulatorOptions
        {
            Vehicles = 4,
            Scenarios =
            [
                ScenarioAssignment.ForVehicles(ScenarioKind.HarshBraking, 1, 2),
                ScenarioAssignment.ForVehicles(ScenarioKind.FuelTheft, 3),
            ],
        };

        var fixes = SimulatedTelemetry.Drive(options, TimeSpan.FromMinutes(15)).SelectMany(vehicle => vehicle).ToList();

        Assert.Contains(fixes, fix => fix.Events.Count > 0);
        foreach (var fix in fixes)
        {
            var text = Encoding.UTF8.GetString(TelemetryJson.Serialize(fix));
            using var json = JsonDocument.Parse(text);
            var names = json.RootElement.EnumerateObject().Select(property => property.Name).ToList();
            Assert.Equal(fix.Events.Count > 0 ? [.. DesignFields, "events"] : DesignFields, names);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", json.RootElement.GetProperty("timestamp").GetString());
            Assert.DoesNotContain("E-", text, StringComparison.Ordinal);
        }
    }
}
