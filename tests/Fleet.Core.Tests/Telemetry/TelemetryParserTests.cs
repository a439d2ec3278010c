using System.Globalization;
using System.Text;
using Fleet.Core.Geo;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Telemetry;

public sealed class TelemetryParserTests
{
    private const string Required =
        "\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-21T10:30:00.123Z\",\"latitude\":25.033,\"longitude\":121.5654";

    private static readonly DateTimeOffset ContractTime = new(2026, 11, 21, 10, 30, 0, 123, TimeSpan.Zero);

    private static readonly EventMetadata Metadata = new("3", 4711, new DateTimeOffset(2026, 11, 21, 10, 30, 1, TimeSpan.Zero));

    public static TheoryData<string, string, object?> SingleFields => new()
    {
        { "\"speed\":42.5", nameof(TelemetryFix.SpeedKmh), 42.5 },
        { "\"speed\":0", nameof(TelemetryFix.SpeedKmh), 0.0 },
        { "\"speed\":2000", nameof(TelemetryFix.SpeedKmh), 2000.0 },
        { "\"heading\":180", nameof(TelemetryFix.HeadingDegrees), 180.0 },
        { "\"heading\":360", nameof(TelemetryFix.HeadingDegrees), 360.0 },
        { "\"accuracy\":8", nameof(TelemetryFix.AccuracyMeters), 8.0 },
        { "\"altitude\":-12.5", nameof(TelemetryFix.AltitudeMeters), -12.5 },
        { "\"seq\":1234", nameof(TelemetryFix.DeviceSequence), 1234L },
        { "\"seq\":9223372036854775807", nameof(TelemetryFix.DeviceSequence), long.MaxValue },
        { "\"driver_id\":\"drv-7\"", nameof(TelemetryFix.DriverId), "drv-7" },
        { "\"driverId\":\"drv-7\"", nameof(TelemetryFix.DriverId), "drv-7" },
        { "\"odometer\":10234.5", nameof(TelemetryFix.DeviceOdometerKm), 10234.5 },
        { "\"fuel_level\":63.5", nameof(TelemetryFix.FuelLevelPercent), 63.5 },
        { "\"fuelLevel\":63.5", nameof(TelemetryFix.FuelLevelPercent), 63.5 },
        { "\"fuel_level\":100", nameof(TelemetryFix.FuelLevelPercent), 100.0 },
        { "\"fuel_used\":1234.5", nameof(TelemetryFix.DeviceFuelUsedLiters), 1234.5 },
        { "\"fuelUsed\":0", nameof(TelemetryFix.DeviceFuelUsedLiters), 0.0 },
        { "\"ignition\":true", nameof(TelemetryFix.Ignition), true },
        { "\"ignition\":false", nameof(TelemetryFix.Ignition), false },
    };

    public static TheoryData<string> OptionalFieldNames => new()
    {
        "speed", "heading", "accuracy", "altitude", "seq", "driver_id", "driverId", "odometer", "fuel_level", "fuelLevel", "fuel_used", "fuelUsed", "ignition",
    };

    public static TheoryData<string, string> Timestamps => new()
    {
        { "\"2026-11-21T10:30:00Z\"", "2026-11-21T10:30:00.0000000Z" },
        { "\"2026-11-21T10:30:00.123Z\"", "2026-11-21T10:30:00.1230000Z" },
        { "\"2026-11-21T18:30:00+08:00\"", "2026-11-21T10:30:00.0000000Z" },
        { "\"2026-11-21T05:00:00.5-05:30\"", "2026-11-21T10:30:00.5000000Z" },
        { "\"2026-11-22T00:30:00+14:00\"", "2026-11-21T10:30:00.0000000Z" },
        { "\"2026-11-21T10:30:00+00:00\"", "2026-11-21T10:30:00.0000000Z" },
        { "\"2026-11-21T10:30:00\"", "2026-11-21T10:30:00.0000000Z" },
        { "\"2026-11-21T10:30:00.123\"", "2026-11-21T10:30:00.1230000Z" },
        { "1795257000", "2026-11-21T10:30:00.0000000Z" },
        { "1795257000.5", "2026-11-21T10:30:00.5000000Z" },
        { "1795257000123", "2026-11-21T10:30:00.1230000Z" },
        { "0", "1970-01-01T00:00:00.0000000Z" },
    };

    public static TheoryData<string> UnknownFields => new()
    {
        "\"vendor\":\"acme\"",
        "\"battery\":87",
        "\"extra\":{\"a\":[1,{\"b\":null}],\"c\":{\"d\":{\"e\":\"f\"}}}",
        "\"cells\":[[1,2],[3,[4,5]],{\"x\":true}]",
        "\"speed_kmh\":-5",
        "\"Device_ID\":\"dev-2\"",
        "\"DEVICEID\":42",
        "\"device\":{\"id\":\"dev-2\"}",
        "\"a_property_name_far_longer_than_any_known_field\":\"x\"",
        "\"\":null",
        "\"gps\":{\"latitude\":\"north\",\"speed\":\"fast\"}",
    };

    public static TheoryData<string, DeviceEvents> EventLists => new()
    {
        { "[]", DeviceEvents.None },
        { "[\"harsh_braking\"]", DeviceEvents.HarshBraking },
        { "[\"harshBraking\"]", DeviceEvents.HarshBraking },
        { "[\"harsh_acceleration\"]", DeviceEvents.HarshAcceleration },
        { "[\"harshAcceleration\"]", DeviceEvents.HarshAcceleration },
        { "[\"harsh_cornering\"]", DeviceEvents.HarshCornering },
        { "[\"harshCornering\"]", DeviceEvents.HarshCornering },
        { "[\"crash\"]", DeviceEvents.Crash },
        { "[\"sos\"]", DeviceEvents.Sos },
        { "[\"sos\",\"crash\",\"harsh_braking\",\"harshCornering\",\"harsh_acceleration\"]", DeviceEvents.Sos | DeviceEvents.Crash |
            DeviceEvents.HarshBraking | DeviceEvents.HarshCornering | DeviceEvents.HarshAcceleration },
        { "[\"sos\",\"sos\"]", DeviceEvents.Sos },
        { "[\"door_open\",\"tow_detected\"]", DeviceEvents.None },
        { "[\"door_open\",\"crash\",\"geofence\"]", DeviceEvents.Crash },
        { "[\"SOS\",\"Crash\",\"HARSH_BRAKING\"]", DeviceEvents.None },
        { "[\"harsh\\u005fbraking\"]", DeviceEvents.HarshBraking },
        { "[\"an_extension_event_with_a_name_longer_than_thirty_two_bytes\",\"sos\"]", DeviceEvents.Sos },
        { "[\"\"]", DeviceEvents.None },
    };

    public static TheoryData<string> EscapedNames => new()
    {
        """{"device\u005fid":"dev-1","timestamp":"2026-11-21T10:30:00.123Z","latitude":25.033,"longitude":121.5654}""",
        """{"\u0064evice_id":"dev-1","timestamp":"2026-11-21T10:30:00.123Z","latitude":25.033,"longitude":121.5654}""",
        """{"device\u0049d":"dev-1","timestamp":"2026-11-21T10:30:00.123Z","latitude":25.033,"longitude":121.5654}""",
        """{"\u0064\u0065\u0076\u0069\u0063\u0065\u005f\u0069\u0064":"dev-1","timestamp":"2026-11-21T10:30:00.123Z","latitude":25.033,"longitude":121.5654}""",
        """{"device_id":"dev-1","time\u0073tamp":"2026-11-21T10:30:00.123Z","lat\u0069tude":25.033,"longitud\u0065":121.5654}""",
        """{"device_id":"dev\u002d1","timestamp":"2026-11-21T10:30:00.123Z","latitude":25.033,"longitude":121.5654}""",
    };

    [Theory]
    [InlineData("device_id", "driver_id", "fuel_level")]
    [InlineData("deviceId", "driverId", "fuelLevel")]
    [InlineData("deviceId", "driver_id", "fuelLevel")]
    [InlineData("device_id", "driverId", "fuel_level")]
    public void Maps_every_field_of_the_contract_to_the_fix(string deviceIdName, string driverIdName, string fuelLevelName)
    {
        var json = string.Create(
            CultureInfo.InvariantCulture,
            $$"""
            { "{{deviceIdName}}": "dev-042", "timestamp": "2026-11-21T10:30:00.123Z", "latitude": 25.0330, "longitude": 121.5654,
              "speed": 42.5, "heading": 180, "accuracy": 8, "altitude": 12, "seq": 1234, "{{driverIdName}}": "drv-7",
              "odometer": 10234.5, "{{fuelLevelName}}": 63.5, "ignition": true, "events": ["harsh_braking"] }
            """);

        var fix = Accept(json);

        Assert.Equal(
            new TelemetryFix(
                "dev-042",
                ContractTime,
                new GeoPoint(25.0330, 121.5654),
                Metadata,
                SpeedKmh: 42.5,
                HeadingDegrees: 180,
                AccuracyMeters: 8,
                AltitudeMeters: 12,
                DeviceSequence: 1234,
                DriverId: "drv-7",
                DeviceOdometerKm: 10234.5,
                FuelLevelPercent: 63.5,
                Ignition: true,
                Events: DeviceEvents.HarshBraking),
            fix);
    }

    [Theory]
    [MemberData(nameof(SingleFields))]
    public void Maps_one_optional_field_to_its_property(string member, string property, object? expected)
    {
        var fix = Accept($"{{{Required},{member}}}");

        Assert.Equal(expected, Read(fix, property));
        Assert.Equal(WithOnly(fix, property), Accept($"{{{Required}}}"));
    }

    [Fact]
    public void Reads_the_required_fields_in_snake_case_and_camel_case_alike()
    {
        var snake = Accept("""{"device_id":"dev-9","timestamp":"2026-11-21T10:30:00.123Z","latitude":-33.8688,"longitude":151.2093}""");
        var camel = Accept("""{"deviceId":"dev-9","timestamp":"2026-11-21T10:30:00.123Z","latitude":-33.8688,"longitude":151.2093}""");

        Assert.Equal("dev-9", snake.DeviceId);
        Assert.Equal(ContractTime, snake.FixTime);
        Assert.Equal(new GeoPoint(-33.8688, 151.2093), snake.Position);
        Assert.Equal(snake, camel);
    }

    [Fact]
    public void Leaves_every_optional_property_empty_when_only_the_required_fields_are_sent()
    {
        var fix = Accept($"{{{Required}}}");

        Assert.Equal(new TelemetryFix("dev-1", ContractTime, new GeoPoint(25.033, 121.5654), Metadata), fix);
        Assert.Null(fix.SpeedKmh);
        Assert.Null(fix.HeadingDegrees);
        Assert.Null(fix.AccuracyMeters);
        Assert.Null(fix.AltitudeMeters);
        Assert.Null(fix.DeviceSequence);
        Assert.Null(fix.DriverId);
        Assert.Null(fix.DeviceOdometerKm);
        Assert.Null(fix.FuelLevelPercent);
        Assert.Null(fix.Ignition);
        Assert.Equal(DeviceEvents.None, fix.Events);
    }

    [Theory]
    [MemberData(nameof(OptionalFieldNames))]
    public void Reads_an_optional_field_sent_as_null_as_absent(string name)
    {
        var fix = Accept($"{{{Required},\"{name}\":null}}");

        Assert.Equal(Accept($"{{{Required}}}"), fix);
    }

    [Fact]
    public void Reads_null_events_as_no_events()
    {
        Assert.Equal(DeviceEvents.None, Accept($"{{{Required},\"events\":null}}").Events);
    }

    [Fact]
    public void Reads_fields_in_any_order()
    {
        var fix = Accept(
            """{"ignition":false,"longitude":121.5654,"fuelLevel":10,"latitude":25.033,"seq":7,"timestamp":"2026-11-21T10:30:00.123Z","deviceId":"dev-1"}""");

        Assert.Equal(
            new TelemetryFix("dev-1", ContractTime, new GeoPoint(25.033, 121.5654), Metadata, DeviceSequence: 7, FuelLevelPercent: 10, Ignition: false),
            fix);
    }

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void Reads_timestamps_as_utc_instants(string timestamp, string expectedUtc)
    {
        var fix = Accept($$"""{"device_id":"dev-1","timestamp":{{timestamp}},"latitude":25.033,"longitude":121.5654}""");

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), fix.FixTime);
        Assert.Equal(TimeSpan.Zero, fix.FixTime.Offset);
    }

    [Fact]
    public void Accepts_a_utf8_byte_order_mark()
    {
        var json = $"{{{Required},\"driver_id\":\"José\"}}";
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(json)).ToArray();

        var parsed = TelemetryParser.Parse(new TelemetryEvent(withBom, Metadata));

        Assert.Null(parsed.Rejection);
        Assert.Equal(Accept(json), parsed.Fix);
        Assert.Equal("José", parsed.Fix!.DriverId);
    }

    [Fact]
    public void Accepts_white_space_around_and_inside_the_object()
    {
        var fix = Accept($"\r\n\t {{ \n{Required.Replace(",", " ,\r\n\t", StringComparison.Ordinal)}\n }} \r\n");

        Assert.Equal(Accept($"{{{Required}}}"), fix);
    }

    [Theory]
    [MemberData(nameof(UnknownFields))]
    public void Ignores_unknown_fields_wherever_they_appear(string unknown)
    {
        var baseline = Accept($"{{{Required},\"speed\":30}}");

        Assert.Equal(baseline, Accept($"{{{unknown},{Required},\"speed\":30}}"));
        Assert.Equal(baseline, Accept($"{{{Required},{unknown},\"speed\":30}}"));
        Assert.Equal(baseline, Accept($"{{{Required},\"speed\":30,{unknown}}}"));
    }

    [Fact]
    public void Ignores_an_unknown_field_repeated()
    {
        var fix = Accept($"{{\"vendor\":1,{Required},\"vendor\":{{\"x\":2}},\"vendor\":[3]}}");

        Assert.Equal(Accept($"{{{Required}}}"), fix);
    }

    [Theory]
    [MemberData(nameof(EscapedNames))]
    public void Matches_field_names_and_values_written_with_json_escapes(string json)
    {
        Assert.Equal(Accept($"{{{Required}}}"), Accept(json));
    }

    [Fact]
    public void Matches_escaped_optional_field_names()
    {
        var fix = Accept($"{{{Required},\"fuel\\u005flevel\":50,\"driver\\u005fid\":\"drv-1\",\"\\u0073peed\":12,\"ev\\u0065nts\":[\"sos\"]}}");

        Assert.Equal((50.0, "drv-1", 12.0, DeviceEvents.Sos), (fix.FuelLevelPercent, fix.DriverId, fix.SpeedKmh, fix.Events));
    }

    [Fact]
    public void Unescapes_identifiers()
    {
        var fix = Accept("""{"device_id":"dev\/1\u00e9","driver_id":"drv\"7\"","timestamp":"2026-11-21T10:30:00.123Z","latitude":25.033,"longitude":121.5654}""");

        Assert.Equal(("dev/1é", "drv\"7\""), (fix.DeviceId, fix.DriverId));
    }

    [Theory]
    [MemberData(nameof(EventLists))]
    public void Maps_known_device_events_to_flags_and_ignores_the_rest(string events, DeviceEvents expected)
    {
        Assert.Equal(expected, Accept($"{{{Required},\"events\":{events}}}").Events);
    }

    [Fact]
    public void Accepts_exactly_the_maximum_number_of_device_events()
    {
        var events = string.Join(",", Enumerable.Repeat("\"crash\"", TelemetryParser.MaxDeviceEvents));

        Assert.Equal(DeviceEvents.Crash, Accept($"{{{Required},\"events\":[{events}]}}").Events);
    }

    [Fact]
    public void Accepts_device_event_names_of_the_maximum_length_plain_or_written_entirely_as_escapes()
    {
        var plain = new string('x', TelemetryParser.MaxDeviceEventNameLength);
        var escaped = string.Concat(Enumerable.Repeat("\\u0078", TelemetryParser.MaxDeviceEventNameLength));

        Assert.Equal(DeviceEvents.Sos, Accept($"{{{Required},\"events\":[\"{plain}\",\"{escaped}\",\"sos\"]}}").Events);
    }

    [Fact]
    public void Accepts_identifiers_of_the_maximum_length()
    {
        var longest = new string('d', TelemetryParser.MaxIdentifierLength);

        var fix = Accept($$"""{"device_id":"{{longest}}","driver_id":"{{longest}}","timestamp":"2026-11-21T10:30:00Z","latitude":1,"longitude":2}""");

        Assert.Equal((longest, longest), (fix.DeviceId, fix.DriverId));
    }

    [Fact]
    public void Accepts_identifiers_of_the_maximum_length_written_entirely_as_escapes()
    {
        var longest = string.Concat(Enumerable.Repeat("\\u0064", TelemetryParser.MaxIdentifierLength));

        var fix = Accept($$"""{"device_id":"{{longest}}","timestamp":"2026-11-21T10:30:00Z","latitude":1,"longitude":2}""");

        Assert.Equal(new string('d', TelemetryParser.MaxIdentifierLength), fix.DeviceId);
    }

    [Theory]
    [InlineData("91", "181")]
    [InlineData("-90.5", "-180.5")]
    [InlineData("0", "0")]
    [InlineData("1e300", "-1e300")]
    public void Leaves_coordinate_ranges_and_zero_fixes_to_the_pipeline(string latitude, string longitude)
    {
        var fix = Accept($$"""{"device_id":"dev-1","timestamp":"2026-11-21T10:30:00Z","latitude":{{latitude}},"longitude":{{longitude}}}""");

        Assert.Equal(
            new GeoPoint(double.Parse(latitude, CultureInfo.InvariantCulture), double.Parse(longitude, CultureInfo.InvariantCulture)),
            fix.Position);
    }

    [Fact]
    public void Reads_numbers_in_exponent_and_negative_zero_forms()
    {
        var fix = Accept($"{{{Required},\"speed\":4.25E1,\"odometer\":1.02345e4,\"heading\":-0,\"altitude\":-1E2}}");

        Assert.Equal((42.5, 10234.5, 0.0, -100.0), (fix.SpeedKmh, fix.DeviceOdometerKm, fix.HeadingDegrees, fix.AltitudeMeters));
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("7", "dev-7")]
    [InlineData("12", "")]
    public void Passes_the_event_metadata_through_to_the_fix(string partitionId, string? publisher)
    {
        var metadata = new EventMetadata(partitionId, 9_000_000_001, new DateTimeOffset(2026, 11, 21, 10, 31, 0, TimeSpan.FromHours(2)), publisher);

        var parsed = TelemetryParser.Parse(new TelemetryEvent(Encoding.UTF8.GetBytes($"{{{Required}}}"), metadata));

        Assert.Equal(metadata, Assert.IsType<TelemetryFix>(parsed.Fix).Source);
    }

    [Fact]
    public void Parses_a_body_that_is_a_slice_of_a_larger_buffer()
    {
        var json = Encoding.UTF8.GetBytes($"garbage{{{Required}}}garbage");
        var body = new ReadOnlyMemory<byte>(json, "garbage".Length, json.Length - (2 * "garbage".Length));

        var parsed = TelemetryParser.Parse(new TelemetryEvent(body, Metadata));

        Assert.Equal(Accept($"{{{Required}}}"), parsed.Fix);
    }

    private static TelemetryFix Accept(string json)
    {
        var parsed = TelemetryParser.Parse(new TelemetryEvent(Encoding.UTF8.GetBytes(json), Metadata));

        Assert.Null(parsed.Rejection);
        return Assert.IsType<TelemetryFix>(parsed.Fix);
    }

    private static object? Read(TelemetryFix fix, string property) => property switch
    {
        nameof(TelemetryFix.SpeedKmh) => fix.SpeedKmh,
        nameof(TelemetryFix.HeadingDegrees) => fix.HeadingDegrees,
        nameof(TelemetryFix.AccuracyMeters) => fix.AccuracyMeters,
        nameof(TelemetryFix.AltitudeMeters) => fix.AltitudeMeters,
        nameof(TelemetryFix.DeviceSequence) => fix.DeviceSequence,
        nameof(TelemetryFix.DriverId) => fix.DriverId,
        nameof(TelemetryFix.DeviceOdometerKm) => fix.DeviceOdometerKm,
        nameof(TelemetryFix.FuelLevelPercent) => fix.FuelLevelPercent,
        nameof(TelemetryFix.DeviceFuelUsedLiters) => fix.DeviceFuelUsedLiters,
        nameof(TelemetryFix.Ignition) => fix.Ignition,
        _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
    };

    /// <summary>The fix with <paramref name="property"/> cleared, to show that one field set nothing else.</summary>
    private static TelemetryFix WithOnly(TelemetryFix fix, string property) => property switch
    {
        nameof(TelemetryFix.SpeedKmh) => fix with { SpeedKmh = null },
        nameof(TelemetryFix.HeadingDegrees) => fix with { HeadingDegrees = null },
        nameof(TelemetryFix.AccuracyMeters) => fix with { AccuracyMeters = null },
        nameof(TelemetryFix.AltitudeMeters) => fix with { AltitudeMeters = null },
        nameof(TelemetryFix.DeviceSequence) => fix with { DeviceSequence = null },
        nameof(TelemetryFix.DriverId) => fix with { DriverId = null },
        nameof(TelemetryFix.DeviceOdometerKm) => fix with { DeviceOdometerKm = null },
        nameof(TelemetryFix.FuelLevelPercent) => fix with { FuelLevelPercent = null },
        nameof(TelemetryFix.DeviceFuelUsedLiters) => fix with { DeviceFuelUsedLiters = null },
        nameof(TelemetryFix.Ignition) => fix with { Ignition = null },
        _ => throw new ArgumentOutOfRangeException(nameof(property), property, null),
    };
}

/// <summary>
/// Tests that change the process's local time zone run alone: a zone-less timestamp must not depend on it, and only a
/// zone far from UTC can show that it does not.
/// </summary>
[CollectionDefinition(nameof(LocalTimeZoneCollection), DisableParallelization = true)]
public sealed class LocalTimeZoneCollection;

[Collection(nameof(LocalTimeZoneCollection))]
public sealed class TelemetryParserTimeZoneTests
{
    [Theory]
    [InlineData("Asia/Taipei", "\"2026-11-21T10:30:00\"")]
    [InlineData("America/New_York", "\"2026-11-21T10:30:00\"")]
    [InlineData("Pacific/Kiritimati", "\"2026-11-21T10:30:00.123\"")]
    [InlineData("America/New_York", "\"2026-03-08T02:30:00\"")]
    [InlineData("America/New_York", "\"2026-11-01T01:30:00\"")]
    public void Reads_a_timestamp_without_a_designator_as_utc_whatever_the_local_zone(string zone, string timestamp)
    {
        var previous = Environment.GetEnvironmentVariable("TZ");
        Environment.SetEnvironmentVariable("TZ", zone);
        TimeZoneInfo.ClearCachedData();
        try
        {
            Assert.Equal(zone, TimeZoneInfo.Local.Id);
            var json = $$"""{"device_id":"dev-1","timestamp":{{timestamp}},"latitude":25.033,"longitude":121.5654}""";

            var parsed = TelemetryParser.Parse(new TelemetryEvent(Encoding.UTF8.GetBytes(json), default));

            var expected = DateTime.Parse(timestamp.Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.None);
            Assert.NotEqual(TimeSpan.Zero, TimeZoneInfo.Local.GetUtcOffset(expected));
            var fix = Assert.IsType<TelemetryFix>(parsed.Fix);
            Assert.Equal(new DateTimeOffset(expected.Ticks, TimeSpan.Zero), fix.FixTime);
            Assert.Equal(TimeSpan.Zero, fix.FixTime.Offset);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TZ", previous);
            TimeZoneInfo.ClearCachedData();
        }
    }
}
