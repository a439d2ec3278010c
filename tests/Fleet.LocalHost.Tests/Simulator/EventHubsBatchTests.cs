using System.Text;
using System.Text.Json;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class EventHubsBatchTests
{
    private static readonly List<TelemetryFix> Fixes = SimulatedTelemetry
        .Drive(new SimulatorOptions { Vehicles = 40 }, TimeSpan.FromMinutes(5))
        .SelectMany(vehicle => vehicle)
        .OrderBy(fix => fix.Timestamp)
        .ToList();

    [Fact]
    public void A_batch_is_an_array_of_bodies_holding_each_event_json_as_a_string_with_the_device_as_partition_key()
    {
        var batch = Assert.Single(EventHubsBatch.Encode(Fixes.Take(3).ToList(), maxEventsPerBatch: 100));

        using var json = JsonDocument.Parse(batch.Body);
        var items = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, batch.EventCount);
        Assert.Equal(3, items.Count);
        foreach (var (item, fix) in items.Zip(Fixes))
        {
            Assert.Equal(["Body", "BrokerProperties"], item.EnumerateObject().Select(property => property.Name));
            Assert.Equal(Encoding.UTF8.GetString(TelemetryJson.Serialize(fix)), item.GetProperty("Body").GetString());
            Assert.Equal(fix.DeviceId, item.GetProperty("BrokerProperties").GetProperty("PartitionKey").GetString());
        }

        // Quotes inside the nested JSON are escaped as \" rather than \u0022, which would make bodies larger.
        Assert.Contains("\\\"device_id\\\"", Encoding.UTF8.GetString(batch.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Batches_hold_at_most_the_batch_size_and_keep_the_order()
    {
        var batches = EventHubsBatch.Encode(Fixes, maxEventsPerBatch: 7);

        Assert.All(batches.SkipLast(1), batch => Assert.Equal(7, batch.EventCount));
        Assert.InRange(batches[^1].EventCount, 1, 7);
        Assert.Equal(Fixes.Count, batches.Sum(batch => batch.EventCount));
        var sent = batches.SelectMany(Bodies).Select(body =>
        {
            using var json = JsonDocument.Parse(body);
            return (json.RootElement.GetProperty("device_id").GetString(), json.RootElement.GetProperty("seq").GetInt64());
        });
        Assert.Equal(Fixes.Select(fix => ((string?)fix.DeviceId, fix.Seq)), sent);
    }

    [Fact]
    public void Large_batches_are_split_so_no_body_exceeds_1_MB_and_no_event_64_KB()
    {
        var many = Enumerable.Repeat(Fixes, 1 + 6_000 / Fixes.Count).SelectMany(fixes => fixes).Take(6_000).ToList();

        var batches = EventHubsBatch.Encode(many, maxEventsPerBatch: 10_000);

        Assert.True(batches.Count >= 2, "6,000 events of about 400 bytes do not fit in one megabyte.");
        Assert.All(batches, batch => Assert.InRange(batch.Body.Length, 1, 1_000_000));
        Assert.True(batches[0].Body.Length > 990_000, "A split batch is filled up to the limit.");
        Assert.Equal(many.Count, batches.Sum(batch => batch.EventCount));
        Assert.All(batches.SelectMany(Bodies), body => Assert.InRange(Encoding.UTF8.GetByteCount(body), 1, 64_000));
        Assert.All(batches, batch => Assert.Equal(batch.EventCount, Bodies(batch).Count));
    }

    [Fact]
    public void An_event_over_64_KB_is_refused()
    {
        var huge = Encoding.UTF8.GetBytes($$"""{"device_id":"sim-001","note":"{{new string('x', 64_000)}}"}""");

        var refused = Assert.Throws<ArgumentException>(() => EventHubsBatch.Encode([("sim-001", huge)], maxEventsPerBatch: 100));
        Assert.Contains("64000", refused.Message, StringComparison.Ordinal);
        Assert.Single(EventHubsBatch.Encode([("sim-001", huge[..63_990].Concat("\"}"u8.ToArray()).ToArray())], 100));
    }

    private static List<string> Bodies(EncodedBatch batch)
    {
        using var json = JsonDocument.Parse(batch.Body);
        return [.. json.RootElement.EnumerateArray().Select(item => item.GetProperty("Body").GetString()!)];
    }
}
