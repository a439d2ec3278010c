using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Tables;

public sealed class TableFilterTests
{
    [Fact]
    public void Values_become_literals_of_their_edm_type()
    {
        var at = new DateTimeOffset(2026, 11, 21, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var scalars = TableClient.CreateQueryFilter(
            $"S eq {"O'Brien ''x''"} and B eq {true} and I eq {42} and L gt {long.MaxValue} and D lt {0.1 + 0.2} and W eq {5.0}");
        var others = TableClient.CreateQueryFilter($"T lt {at} and G eq {id} and X eq {new byte[] { 1, 171 }}");

        Assert.Equal(
            "S eq 'O''Brien ''''x''''' and B eq true and I eq 42 and L gt 9223372036854775807L and D lt 0.30000000000000004 and W eq 5.0",
            scalars);
        Assert.Equal(
            "T lt datetime'2026-11-21T12:00:00.1234567Z' and G eq guid'0f8fad5b-d9cb-469f-a165-70867728950e' and X eq X'01ab'", others);
    }

    [Fact]
    public void Braces_in_the_text_survive()
    {
        Assert.Equal("Json eq '{\"a\":1}'", TableClient.CreateQueryFilter($"Json eq {"{\"a\":1}"}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(double.NaN)]
    [InlineData(1.5f)]
    public void Values_without_a_literal_are_refused(object? value)
    {
        Assert.Throws<ArgumentException>(() => TableClient.CreateQueryFilter($"A eq {value}"));
    }
}
