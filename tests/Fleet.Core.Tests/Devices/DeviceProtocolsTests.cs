using System.Text.Json;
using Fleet.Core.Devices;
using Fleet.Core.Geo;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Devices;

/// <summary>
/// What tracker apps send, converted to DESIGN 3.1 telemetry (DESIGN 3.5). Every converted event also goes through the
/// one parser the stream uses, so a conversion the parser would refuse or misread is caught here.
/// </summary>
public sealed class DeviceProtocolsTests
{
    private const string Device = "dev-1";
    private static readonly DateTimeOffset Iso = new(2026, 11, 21, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void OsmAnd_fields_become_telemetry_in_km_per_hour_with_the_credentials_device()
    {
        var converted = DeviceProtocols.FromOsmAnd(
            Fields(
                ("id", "fdk_dc-1_secret"), ("lat", "25.033"), ("lon", "121.5654"), ("timestamp", "1795257000"), ("speed", "10"), ("bearing", "270.5"),
                ("altitude", "12.25"), ("accuracy", "8"), ("ignition", "true"), ("driverUniqueId", "drv-7"), ("batt", "87")),
            Device);

        using var json = Json(converted);
        var root = json.RootElement;
        Assert.Equal(Device, root.GetProperty("device_id").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("timestamp").ValueKind);
        Assert.Equal(1795257000, root.GetProperty("timestamp").GetDouble());
        Assert.Equal(18.52, root.GetProperty("speed").GetDouble());
        Assert.Equal(270.5, root.GetProperty("heading").GetDouble());
        Assert.True(root.GetProperty("ignition").GetBoolean());
        Assert.Equal("drv-7", root.GetProperty("driver_id").GetString());
        Assert.False(root.TryGetProperty("id", out _));
        Assert.False(root.TryGetProperty("batt", out _));

        var fix = Parsed(converted);
        Assert.Equal(Device, fix.DeviceId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795257000), fix.FixTime);
        Assert.Equal(new GeoPoint(25.033, 121.5654), fix.Position);
        Assert.Equal((18.52, 270.5, 12.25, 8.0, true, "drv-7"), (fix.SpeedKmh, fix.HeadingDegrees, fix.AltitudeMeters, fix.AccuracyMeters, fix.Ignition, fix.DriverId));
    }

    [Fact]
    public void An_OsmAnd_id_naming_another_device_is_never_used()
    {
        var fix = Parsed(DeviceProtocols.FromOsmAnd(Fields(("id", "dev-other"), ("deviceid", "dev-other"), ("lat", "1"), ("lon", "2"), ("timestamp", "1795257000")), Device));

        Assert.Equal(Device, fix.DeviceId);
    }

    [Fact]
    public void An_OsmAnd_ISO_timestamp_is_kept_as_a_string()
    {
        var converted = DeviceProtocols.FromOsmAnd(Fields(("lat", "-33.8688"), ("lon", "151.2093"), ("timestamp", "2026-11-21T10:30:00Z")), Device);

        using var json = Json(converted);
        Assert.Equal("2026-11-21T10:30:00Z", json.RootElement.GetProperty("timestamp").GetString());
        var fix = Parsed(converted);
        Assert.Equal(Iso, fix.FixTime);
        Assert.Equal((null, null, null), (fix.SpeedKmh, fix.HeadingDegrees, fix.Ignition));
    }

    [Theory]
    [InlineData("90", null, 90.0)]
    [InlineData(null, "45", 45.0)]
    [InlineData("90", "45", 90.0)]
    public void OsmAnd_heading_comes_from_bearing_or_else_heading(string? bearing, string? heading, double expected)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["lat"] = "1", ["lon"] = "2", ["timestamp"] = "1795257000" };
        if (bearing is not null)
        {
            fields["bearing"] = bearing;
        }

        if (heading is not null)
        {
            fields["heading"] = heading;
        }

        var converted = DeviceProtocols.FromOsmAnd(fields, Device);

        using var json = Json(converted);
        Assert.Equal(expected, json.RootElement.GetProperty("heading").GetDouble());
        Assert.Equal(expected, Parsed(converted).HeadingDegrees);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("on", null)]
    [InlineData("", null)]
    public void OsmAnd_ignition_is_true_for_true_or_1_false_for_false_or_0_and_otherwise_left_out(string ignition, bool? expected)
    {
        var converted = DeviceProtocols.FromOsmAnd(Fields(("lat", "1"), ("lon", "2"), ("timestamp", "1795257000"), ("ignition", ignition)), Device);

        using var json = Json(converted);
        Assert.Equal(expected is not null, json.RootElement.TryGetProperty("ignition", out _));
        Assert.Equal(expected, Parsed(converted).Ignition);
    }

    [Theory]
    [InlineData("lat", "north")]
    [InlineData("lat", "NaN")]
    [InlineData("lon", "Infinity")]
    [InlineData("speed", "fast")]
    [InlineData("bearing", "1,5")]
    public void A_non_numeric_OsmAnd_number_is_an_error_naming_the_field(string field, string value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["lat"] = "1", ["lon"] = "2", ["timestamp"] = "1795257000", [field] = value };

        var converted = DeviceProtocols.FromOsmAnd(fields, Device);

        Assert.Null(converted.Event);
        Assert.False(converted.Ignored);
        Assert.Equal($"{field} must be a number.", converted.Error);
    }

    [Theory]
    [InlineData("lat")]
    [InlineData("lon")]
    [InlineData("timestamp")]
    public void OsmAnd_without_lat_lon_or_timestamp_is_the_documented_error(string missing)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["lat"] = "1", ["lon"] = "2", ["timestamp"] = "1795257000" };
        var empty = new Dictionary<string, string>(fields, StringComparer.Ordinal) { [missing] = "" };
        fields.Remove(missing);

        foreach (var converted in new[] { DeviceProtocols.FromOsmAnd(fields, Device), DeviceProtocols.FromOsmAnd(empty, Device) })
        {
            Assert.Null(converted.Event);
            Assert.Equal("lat, lon and timestamp are required.", converted.Error);
        }
    }

    [Fact]
    public void Traccar_JSON_becomes_telemetry_in_km_per_hour_and_km()
    {
        var converted = DeviceProtocols.FromTraccarJson(
            Element("""
                {"device_id": "dev-other", "location": {"timestamp": "2026-11-21T10:30:00.000Z", "odometer": 12345.6, "is_moving": true,
                 "coords": {"latitude": 25.033, "longitude": 121.5654, "accuracy": 5.5, "speed": 10, "heading": 181.25, "altitude": 40}}}
                """),
            Device);

        using var json = Json(converted);
        Assert.Equal(Device, json.RootElement.GetProperty("device_id").GetString());
        Assert.Equal(36, json.RootElement.GetProperty("speed").GetDouble());
        Assert.Equal(12.346, json.RootElement.GetProperty("odometer").GetDouble());

        var fix = Parsed(converted);
        Assert.Equal(Device, fix.DeviceId);
        Assert.Equal(Iso, fix.FixTime);
        Assert.Equal(new GeoPoint(25.033, 121.5654), fix.Position);
        Assert.Equal((36.0, 181.25, 40.0, 5.5, 12.346), (fix.SpeedKmh, fix.HeadingDegrees, fix.AltitudeMeters, fix.AccuracyMeters, fix.DeviceOdometerKm));
    }

    [Fact]
    public void Traccar_negative_speed_and_heading_mean_unknown_and_are_left_out()
    {
        var converted = DeviceProtocols.FromTraccarJson(
            Element("""{"location": {"timestamp": "2026-11-21T10:30:00Z", "coords": {"latitude": 1, "longitude": 2, "speed": -1, "heading": -1}}}"""), Device);

        using var json = Json(converted);
        Assert.False(json.RootElement.TryGetProperty("speed", out _));
        Assert.False(json.RootElement.TryGetProperty("heading", out _));
        Assert.False(json.RootElement.TryGetProperty("odometer", out _));
        var fix = Parsed(converted);
        Assert.Equal((null, null, null), (fix.SpeedKmh, fix.HeadingDegrees, fix.DeviceOdometerKm));
    }

    [Theory]
    [InlineData("""{"location": {"timestamp": "2026-11-21T10:30:00Z"}}""", "location.coords is required.")]
    [InlineData("""{"location": {"timestamp": "2026-11-21T10:30:00Z", "coords": null}}""", "location.coords is required.")]
    [InlineData("""{"device_id": "dev-1"}""", "location.coords is required.")]
    [InlineData("""[1, 2]""", "location.coords is required.")]
    [InlineData("""{"location": {"timestamp": "2026-11-21T10:30:00Z", "coords": {"longitude": 2}}}""", "location.timestamp and location.coords.latitude and longitude are required.")]
    [InlineData("""{"location": {"timestamp": "2026-11-21T10:30:00Z", "coords": {"latitude": "1", "longitude": 2}}}""", "location.timestamp and location.coords.latitude and longitude are required.")]
    [InlineData("""{"location": {"coords": {"latitude": 1, "longitude": 2}}}""", "location.timestamp and location.coords.latitude and longitude are required.")]
    public void Traccar_JSON_without_coordinates_or_time_is_an_error(string body, string error)
    {
        var converted = DeviceProtocols.FromTraccarJson(Element(body), Device);

        Assert.Null(converted.Event);
        Assert.Equal(error, converted.Error);
    }

    [Fact]
    public void An_OwnTracks_location_becomes_telemetry_with_its_speed_already_in_km_per_hour()
    {
        var converted = DeviceProtocols.FromOwnTracks(
            Element("""{"_type": "location", "tid": "zz", "lat": 48.8566, "lon": 2.3522, "tst": 1795257000, "vel": 54, "cog": 90, "alt": 35, "acc": 12}"""), Device);

        using var json = Json(converted);
        Assert.Equal(54, json.RootElement.GetProperty("speed").GetDouble());
        var fix = Parsed(converted);
        Assert.Equal(Device, fix.DeviceId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795257000), fix.FixTime);
        Assert.Equal(new GeoPoint(48.8566, 2.3522), fix.Position);
        Assert.Equal((54.0, 90.0, 35.0, 12.0), (fix.SpeedKmh, fix.HeadingDegrees, fix.AltitudeMeters, fix.AccuracyMeters));
    }

    [Theory]
    [InlineData("""{"_type": "transition", "lat": 1, "lon": 2, "tst": 1795257000, "event": "enter"}""")]
    [InlineData("""{"_type": "waypoint", "desc": "Home"}""")]
    [InlineData("""{"lat": 1, "lon": 2, "tst": 1795257000}""")]
    public void An_OwnTracks_message_that_is_not_a_location_is_ignored(string body)
    {
        var converted = DeviceProtocols.FromOwnTracks(Element(body), Device);

        Assert.Equal((null, null, true), (converted.Event, converted.Error, converted.Ignored));
    }

    [Theory]
    [InlineData("""{"_type": "location", "lat": 1, "lon": 2}""")]
    [InlineData("""{"_type": "location", "lat": 1, "lon": 2, "tst": "1795257000"}""")]
    [InlineData("""{"_type": "location", "lon": 2, "tst": 1795257000}""")]
    public void An_OwnTracks_location_without_tst_lat_or_lon_is_an_error(string body)
    {
        var converted = DeviceProtocols.FromOwnTracks(Element(body), Device);

        Assert.Equal((null, "lat, lon and tst are required.", false), (converted.Event, converted.Error, converted.Ignored));
    }

    [Fact]
    public void An_OwnTracks_body_that_is_not_an_object_is_an_error()
    {
        var converted = DeviceProtocols.FromOwnTracks(Element("""[{"_type": "location"}]"""), Device);

        Assert.Null(converted.Event);
        Assert.False(converted.Ignored);
        Assert.NotNull(converted.Error);
    }

    private static Dictionary<string, string> Fields(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(field => field.Name, field => field.Value, StringComparer.Ordinal);

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonDocument Json(ConvertedMessage converted)
    {
        Assert.Null(converted.Error);
        Assert.False(converted.Ignored);
        Assert.NotNull(converted.Event);
        return JsonDocument.Parse(converted.Event);
    }

    /// <summary>The converted event as the stream's parser reads it: accepted, or the test fails with the parser's reason.</summary>
    private static TelemetryFix Parsed(ConvertedMessage converted)
    {
        Assert.NotNull(converted.Event);
        var parsed = TelemetryParser.Parse(new TelemetryEvent(converted.Event, default));
        Assert.Null(parsed.Rejection);
        return parsed.Fix!;
    }
}
