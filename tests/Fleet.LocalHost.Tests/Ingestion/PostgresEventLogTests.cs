using System.Text;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Telemetry;
using Fleet.LocalHost.Ingestion;
using Fleet.LocalHost.Tests.Timers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Tests.Ingestion;

/// <summary>The local host's durable event log on a real PostgreSQL (issue 17): a 201 means stored, and a restart resumes.</summary>
public sealed class PostgresEventLogTests : IAsyncLifetime
{
    private const string Device = "dev-1";

    private readonly PostgresDatabase _database = new();
    private readonly List<PostgresEventLog> _logs = [];

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var log in _logs)
        {
            await log.StopAsync(CancellationToken.None);
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Accepted_events_outlive_the_log_that_took_them_and_numbering_goes_on_from_where_it_stood()
    {
        var first = await StartLogAsync();
        Assert.Null(await first.AppendAsync([Event("a"), Event("b"), Event("c")], CancellationToken.None));
        await first.StopAsync(CancellationToken.None);

        var restarted = await StartLogAsync();
        Assert.Null(await restarted.AppendAsync([Event("d")], CancellationToken.None));
        await using var cursor = await restarted.OpenAsync(PartitionOfDevice, CancellationToken.None);
        var read = await cursor.ReadAsync(10, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(["a:1", "b:2", "c:3", "d:4"], read.Select(Describe));
        Assert.All(read, item => Assert.Equal(Device, item.Metadata.Publisher));
        Assert.Equal(read.Select(item => item.Metadata.EnqueuedTime).Order(), read.Select(item => item.Metadata.EnqueuedTime));
    }

    [Fact]
    public async Task After_a_crash_what_was_read_but_not_checkpointed_is_delivered_again_and_health_says_starting()
    {
        var first = await StartLogAsync();
        Assert.Null(await first.AppendAsync([Event("a"), Event("b"), Event("c"), Event("d"), Event("e")], CancellationToken.None));
        await using (var cursor = await first.OpenAsync(PartitionOfDevice, CancellationToken.None))
        {
            await cursor.CheckpointAsync(await cursor.ReadAsync(2, TimeSpan.Zero, CancellationToken.None), CancellationToken.None);
            Assert.Equal(3, (await cursor.ReadAsync(10, TimeSpan.Zero, CancellationToken.None)).Count);

            // The host dies here: the batch was handed over but never checkpointed.
        }

        var restarted = await StartLogAsync();
        var status = restarted.Status()[PartitionOfDevice];
        await using var resumed = await restarted.OpenAsync(PartitionOfDevice, CancellationToken.None);
        var again = await resumed.ReadAsync(10, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal((3L, 5L, 2L, true, (TimeSpan?)null), (status.QueuedEvents, status.LastSequenceNumber, status.ProcessedSequenceNumber, status.Starting, status.ProcessingLag));
        Assert.Equal(["c:3", "d:4", "e:5"], again.Select(Describe));
    }

    [Fact]
    public async Task A_partition_too_far_behind_refuses_the_whole_request_with_a_retry_time_and_keeps_nothing_of_it()
    {
        var log = await StartLogAsync(capacity: 3);

        var accepted = await log.AppendAsync([Event("a"), Event("b")], CancellationToken.None);
        var refused = await log.AppendAsync([Event("c"), Event("d")], CancellationToken.None);
        var fits = await log.AppendAsync([Event("c")], CancellationToken.None);

        Assert.Null(accepted);
        Assert.NotNull(refused);
        Assert.Null(fits);
        Assert.Equal(3, await _database.CountAsync("local_events"));
    }

    [Fact]
    public async Task One_consumer_holds_a_partition_at_a_time_and_another_takes_it_over_when_it_lets_go()
    {
        var first = await StartLogAsync();
        var second = await StartLogAsync();
        var held = await first.OpenAsync(0, CancellationToken.None);

        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.OpenAsync(0, giveUp.Token));
        var whileHeld = second.Status()[0];

        // What the second host writes to the partition is the first's to handle: its figures leave the partition out.
        var keyOfPartition0 = Enumerable.Range(0, 100).Select(i => $"dev-{i}").First(key => new PartitionKeys(2).PartitionOf(key) == 0);
        Assert.Null(await second.AppendAsync([new IncomingEvent("x"u8.ToArray(), keyOfPartition0, null)], CancellationToken.None));
        var now = DateTimeOffset.UtcNow;
        var processedThrough = second.ProcessedThrough(now);
        await held.DisposeAsync();
        await using var takenOver = await second.OpenAsync(0, CancellationToken.None);

        Assert.True(whileHeld.ConsumedElsewhere);
        Assert.Equal(now, processedThrough);
        Assert.False(second.Status()[0].ConsumedElsewhere);
    }

    [Fact]
    public async Task Handled_events_are_deleted_once_past_the_retention_and_waiting_ones_never()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        var log = await StartLogAsync(clock: clock, retention: TimeSpan.FromMinutes(10));
        Assert.Null(await log.AppendAsync([Event("a"), Event("b"), Event("c"), Event("d")], CancellationToken.None));
        await using var cursor = await log.OpenAsync(PartitionOfDevice, CancellationToken.None);
        await cursor.CheckpointAsync(await cursor.ReadAsync(2, TimeSpan.Zero, CancellationToken.None), CancellationToken.None);
        var keptWhileYoung = await _database.CountAsync("local_events");

        clock.Advance(TimeSpan.FromMinutes(11));
        await cursor.CheckpointAsync(await cursor.ReadAsync(1, TimeSpan.Zero, CancellationToken.None), CancellationToken.None);

        Assert.Equal(4, keptWhileYoung);
        Assert.Equal(1, await _database.CountAsync("local_events"));
    }

    private static int PartitionOfDevice { get; } = new PartitionKeys(2).PartitionOf(Device);

    private static IncomingEvent Event(string body) => new(Encoding.UTF8.GetBytes(body), Device, Device);

    private static string Describe(TelemetryEvent item) => $"{Encoding.UTF8.GetString(item.Body.Span)}:{item.Metadata.SequenceNumber}";

    private async Task<PostgresEventLog> StartLogAsync(int capacity = 1_000, TimeProvider? clock = null, TimeSpan? retention = null)
    {
        var options = new LocalHostOptions { Partitions = 2, PartitionQueueCapacity = capacity, EventLogRetention = retention ?? TimeSpan.FromHours(1) };
        var log = new PostgresEventLog(_database.DataSource, Options.Create(options), clock ?? TimeProvider.System, NullLogger<PostgresEventLog>.Instance);
        await log.StartAsync(CancellationToken.None);
        _logs.Add(log);
        return log;
    }
}
