using System.Globalization;
using System.Text;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Telemetry;

/// <summary>The parser's fast path for short decimals must give exactly the double the general parser gives.</summary>
public sealed class ShortDecimalTests
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
        Assert.False(TelemetryParser.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out _));

    private static void AssertSameAsGeneralParser(string text)
    {
        var expected = double.Parse(text, CultureInfo.InvariantCulture);
        Assert.True(TelemetryParser.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out var actual), text);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
    }
}
