using Fleet.LocalHost.Ingestion;
using Fleet.LocalHost.Tests.Timers;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Tests.Ingestion;

/// <summary>The lag health reports comes from times the partitions really saw (issue 17: it once read about 2,026 years).</summary>
public sealed class EventLogLagTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _clock = new(Start);
    private readonly InMemoryEventLog _partitions;

    public EventLogLagTests()
    {
        _partitions = new InMemoryEventLog(Options.Create(new LocalHostOptions { Partitions = 1 }), _clock);
    }

    [Fact]
    public async Task Before_a_partition_has_handled_anything_it_is_starting_without_a_lag()
    {
        Assert.Null(await _partitions.AppendAsync([Event()], CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(5));

        var status = Assert.Single(_partitions.Status());

        Assert.Equal((true, (TimeSpan?)null, 1), (status.Starting, status.ProcessingLag, (int)status.QueuedEvents));
        Assert.Equal(Start, _partitions.ProcessedThrough(_clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_partition_idle_for_an_hour_lags_by_its_new_events_wait_not_by_the_hour()
    {
        Assert.Null(await _partitions.AppendAsync([Event()], CancellationToken.None));
        await HandleWaitingAsync(1);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await _partitions.AppendAsync([Event()], CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var status = Assert.Single(_partitions.Status());

        Assert.Equal((false, (TimeSpan?)TimeSpan.FromSeconds(2)), (status.Starting, status.ProcessingLag));
        Assert.Equal(Start.AddHours(1), _partitions.ProcessedThrough(_clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_backlog_lags_by_the_wait_of_the_oldest_event_not_yet_handled()
    {
        Assert.Null(await _partitions.AppendAsync([Event()], CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await _partitions.AppendAsync([Event()], CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await _partitions.AppendAsync([Event()], CancellationToken.None));
        await HandleWaitingAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(5));

        var status = Assert.Single(_partitions.Status());

        // The first event was handled; the second, 10 s younger, has waited 15 s.
        Assert.Equal(((TimeSpan?)TimeSpan.FromSeconds(15), 2), (status.ProcessingLag, (int)status.QueuedEvents));
        Assert.Equal(Start.AddSeconds(10), _partitions.ProcessedThrough(_clock.GetUtcNow()));
    }

    private static IncomingEvent Event() => new("{}"u8.ToArray(), "dev-1", null);

    private async Task HandleWaitingAsync(int count)
    {
        await using var cursor = await _partitions.OpenAsync(0, CancellationToken.None);
        var batch = await cursor.ReadAsync(count, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(count, batch.Count);
        await cursor.CheckpointAsync(batch, CancellationToken.None);
    }
}
