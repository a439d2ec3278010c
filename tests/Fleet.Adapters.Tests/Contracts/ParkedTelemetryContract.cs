using System.Text;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Telemetry;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every <see cref="IParkedTelemetry"/> must do. Each test parks batches of a partition of its own, so
/// implementations may share one store between tests; listings are filtered to the test's partition.
/// </summary>
public abstract class ParkedTelemetryContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    protected abstract IParkedTelemetry Store { get; }

    [Fact]
    public async Task A_parked_batch_reads_back_exactly_bodies_order_and_metadata()
    {
        var partition = NewPartition();
        var huge = new byte[200_000];
        Random.Shared.NextBytes(huge);
        var events = new List<TelemetryEvent>
        {
            Event(partition, 5, "{\"device_id\":\"dev-1\"}"),
            new(huge, new EventMetadata(partition, 6, Now.AddSeconds(6), "sim-001")),
            new(Array.Empty<byte>(), new EventMetadata(partition, 7, Now.AddSeconds(7))),
            Event(partition, 8, "not json at all \u00e9\u00e8"),
        };
        var batch = new ParkedBatch(ParkedBatch.IdOf(events), "IOException: down", Now, events);

        await Store.ParkAsync(batch, Token);
        var stored = await Store.GetAsync(batch.BatchId, Token);

        Assert.NotNull(stored);
        Assert.Equal((batch.BatchId, batch.Reason, batch.ParkedAt), (stored.BatchId, stored.Reason, stored.ParkedAt));
        Assert.Equal(events.Select(e => e.Metadata), stored.Events.Select(e => e.Metadata));
        Assert.Equal(events.Select(e => Convert.ToHexString(e.Body.Span)), stored.Events.Select(e => Convert.ToHexString(e.Body.Span)));
    }

    [Fact]
    public async Task Batches_list_in_stream_order_up_to_the_limit_and_leave_when_deleted()
    {
        var partition = NewPartition();
        var later = Batch(partition, 200, 3);
        var earlier = Batch(partition, 100, 2);
        var latest = Batch(partition, 300, 1);
        foreach (var batch in new[] { later, earlier, latest })
        {
            await Store.ParkAsync(batch, Token);
        }

        Assert.Equal([earlier.BatchId, later.BatchId, latest.BatchId], await ListedAsync(partition, 1000));
        Assert.Equal(2, (await Store.ListAsync(2, Token)).Count);

        await Store.DeleteAsync(later.BatchId, Token);

        Assert.Equal([earlier.BatchId, latest.BatchId], await ListedAsync(partition, 1000));
        Assert.Null(await Store.GetAsync(later.BatchId, Token));
        Assert.NotNull(await Store.GetAsync(earlier.BatchId, Token));
    }

    [Fact]
    public async Task Parking_a_batch_again_keeps_one_copy_with_the_latest_reason()
    {
        var partition = NewPartition();
        var batch = Batch(partition, 10, 4);

        await Store.ParkAsync(batch, Token);
        await Store.ParkAsync(batch with { Reason = "TimeoutException: again", ParkedAt = Now.AddMinutes(1) }, Token);

        Assert.Equal([batch.BatchId], await ListedAsync(partition, 1000));
        var stored = await Store.GetAsync(batch.BatchId, Token);
        Assert.Equal(("TimeoutException: again", 4), (stored!.Reason, stored.Events.Count));
    }

    [Fact]
    public async Task Deleting_or_reading_a_batch_that_is_not_there_is_harmless()
    {
        var missing = NewPartition() + "-00000000000000000001-00000000000000000002";

        Assert.Null(await Store.GetAsync(missing, Token));
        await Store.DeleteAsync(missing, Token);
    }

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>Partition ids of one test: digits, as Event Hubs partition ids are, and unique per test.</summary>
    protected static string NewPartition() => Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<string>> ListedAsync(string partition, int limit) =>
        [.. (await Store.ListAsync(limit, Token)).Where(id => id.StartsWith(partition + "-", StringComparison.Ordinal))];

    private static ParkedBatch Batch(string partition, long firstSequence, int count)
    {
        var events = Enumerable.Range(0, count).Select(i => Event(partition, firstSequence + i, $"{{\"n\":{i}}}")).ToList();
        return new ParkedBatch(ParkedBatch.IdOf(events), "IOException: down", Now, events);
    }

    private static TelemetryEvent Event(string partition, long sequence, string json) =>
        new(Encoding.UTF8.GetBytes(json), new EventMetadata(partition, sequence, Now.AddSeconds(sequence)));
}

public sealed class InMemoryParkedTelemetryContract : ParkedTelemetryContract
{
    protected override IParkedTelemetry Store { get; } = new InMemory.InMemoryParkedTelemetry();
}
