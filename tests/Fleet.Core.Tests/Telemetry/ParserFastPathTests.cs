using System.Globalization;
using System.Text;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Telemetry;

/// <summary>The parser's fast path for short decimals must give exactly the double the general parser gives.</summary>
public sealed class ShortDecimalFastPathTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("42.5")]
    [InlineData("25.033012")]
    [InlineData("-121.565412")]
    [InlineData("0.000000000000000000001")]
    [InlineData("999999999999999")]
    [InlineData("0.1")]
    [InlineData("1.00000000000000")]
    public void Parses_exactly_like_the_general_parser(string text) => AssertSameAsGeneralParser(text);

    [Fact]
    public void Random_coordinates_and_readings_parse_exactly_like_the_general_parser()
    {
        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var decimals = random.Next(0, 10);
            var magnitude = random.NextDouble() * Math.Pow(10, random.Next(0, 7));
            var text = (random.Next(2) == 0 ? -magnitude : magnitude).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            AssertSameAsGeneralParser(text);
        }
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1.5E-3")]
    [InlineData("1234567890123456")]
    [InlineData("0.12345678901234567")]
    [InlineData("1.000000000000000")]
    public void Leaves_what_it_cannot_do_exactly_to_the_general_parser(string text) =>
        Assert.False(TelemetryText.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out _));

    private static void AssertSameAsGeneralParser(string text)
    {
        var expected = double.Parse(text, CultureInfo.InvariantCulture);
        Assert.True(TelemetryText.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out var actual), text);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
    }
}

/// <summary>The parser's fast path for UTC timestamps must agree with the general ISO 8601 reader.</summary>
public sealed class TimestampFastPathTests
{
    [Fact]
    public void Random_utc_timestamps_of_every_precision_read_like_the_general_parser()
    {
        var random = new Random(3);
        for (var i = 0; i < 100_000; i++)
        {
            var time = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(365 * 40).Ticks));
            var digits = random.Next(0, 8);
            var format = digits == 0 ? "yyyy-MM-ddTHH:mm:ss" : "yyyy-MM-ddTHH:mm:ss." + new string('f', digits);
            var text = time.ToString(format, CultureInfo.InvariantCulture) + "Z";

            Assert.True(TelemetryText.TryParseUtcTimestamp(Encoding.ASCII.GetBytes(text), out var fast), text);
            Assert.Equal(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), fast);
        }
    }

    [Theory]
    [InlineData("2026-02-29T10:00:00Z")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-11-21T24:00:00Z")]
    [InlineData("2026-11-21T10:60:00Z")]
    [InlineData("2026-11-21T10:00:60Z")]
    [InlineData("2026-11-21T10:00:00+01:00")]
    [InlineData("2026-11-21T10:00:00.Z")]
    [InlineData("2026-11-21T10:00:00.12345678Z")]
    [InlineData("2026-11-21 10:00:00Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    public void Leaves_anything_but_a_valid_utc_instant_to_the_general_reader(string text) =>
        Assert.False(TelemetryText.TryParseUtcTimestamp(Encoding.ASCII.GetBytes(text), out _));
}
