using Fleet.LocalHost.Ingestion;
using Fleet.LocalHost.Tests.Timers;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Tests.Ingestion;

/// <summary>The lag health reports comes from times the partitions really saw (issue 17: it once read about 2,026 years).</summary>
public sealed class LocalPartitionsLagTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _clock = new(Start);
    private readonly LocalPartitions _partitions;

    public LocalPartitionsLagTests()
    {
        _partitions = new LocalPartitions(Options.Create(new LocalHostOptions { Partitions = 1 }), _clock);
    }

    [Fact]
    public void Before_a_partition_has_handled_anything_it_is_starting_without_a_lag()
    {
        Assert.True(_partitions.TryEnqueue([Event()]));
        _clock.Advance(TimeSpan.FromSeconds(5));

        var status = Assert.Single(_partitions.Status());

        Assert.Equal((true, (TimeSpan?)null, 1), (status.Starting, status.ProcessingLag, status.QueuedEvents));
        Assert.Equal(Start, _partitions.ProcessedThrough(_clock.GetUtcNow()));
    }

    [Fact]
    public void A_partition_idle_for_an_hour_lags_by_its_new_events_wait_not_by_the_hour()
    {
        Assert.True(_partitions.TryEnqueue([Event()]));
        HandleWaiting(1);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.True(_partitions.TryEnqueue([Event()]));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var status = Assert.Single(_partitions.Status());

        Assert.Equal((false, (TimeSpan?)TimeSpan.FromSeconds(2)), (status.Starting, status.ProcessingLag));
        Assert.Equal(Start.AddHours(1), _partitions.ProcessedThrough(_clock.GetUtcNow()));
    }

    [Fact]
    public void A_backlog_lags_by_the_wait_of_the_oldest_event_not_yet_handled()
    {
        Assert.True(_partitions.TryEnqueue([Event()]));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_partitions.TryEnqueue([Event()]));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_partitions.TryEnqueue([Event()]));
        HandleWaiting(1);
        _clock.Advance(TimeSpan.FromSeconds(5));

        var status = Assert.Single(_partitions.Status());

        // The first event was handled; the second, 10 s younger, has waited 15 s.
        Assert.Equal(((TimeSpan?)TimeSpan.FromSeconds(15), 2), (status.ProcessingLag, status.QueuedEvents));
        Assert.Equal(Start.AddSeconds(10), _partitions.ProcessedThrough(_clock.GetUtcNow()));
    }

    private static IncomingEvent Event() => new("{}"u8.ToArray(), "dev-1", null);

    private void HandleWaiting(int count)
    {
        var reader = _partitions.Reader(0);
        Fleet.Core.Telemetry.TelemetryEvent last = default;
        for (var i = 0; i < count; i++)
        {
            Assert.True(reader.TryRead(out last));
        }

        _partitions.Processed(0, last, count);
    }
}
