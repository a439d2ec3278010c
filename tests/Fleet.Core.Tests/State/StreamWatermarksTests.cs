using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.State;

public sealed class StreamWatermarksTests
{
    private static readonly StreamWatermarks None = new(null, []);

    [Fact]
    public void An_event_at_or_before_the_watermark_of_its_partition_is_a_replay()
    {
        var marks = None.After(Event("0", 5, 10));

        Assert.True(marks.IsReplay(Event("0", 5, 10)));
        Assert.True(marks.IsReplay(Event("0", 4, 9)));
        Assert.False(marks.IsReplay(Event("0", 6, 11)));
        Assert.False(marks.IsReplay(Event("1", 5, 10)));
    }

    [Fact]
    public void A_recreated_event_hub_restarting_sequence_numbers_is_not_mistaken_for_a_replay()
    {
        var marks = None.After(Event("0", 5_000, 10));

        Assert.False(marks.IsReplay(Event("0", 1, 3_600)));
    }

    [Fact]
    public void Advancing_within_one_partition_keeps_the_newest_events_position_and_remembers_nothing_else()
    {
        var marks = None.After(Event("0", 7, 12)).After(Event("0", 5, 10));

        Assert.Equal(new StreamPosition("0", 7, FixStream.At(12)), marks.Current);
        Assert.Empty(marks.Others);
    }

    [Fact]
    public void After_a_stream_restarts_its_numbering_the_rest_of_its_first_request_is_not_taken_for_replays()
    {
        // Issue 17: a restarted local host numbered from 1 again while the vehicle's watermark was at 30,000; one request
        // (one enqueued time) split over two batches, and the second batch's fixes were dropped as replays.
        var beforeRestart = None.After(Event("0", 30_000, 10));
        var firstBatch = Enumerable.Range(1, 3).Aggregate(beforeRestart, (marks, sequence) => marks.After(Event("0", sequence, 3_600)));

        Assert.All(Enumerable.Range(4, 3), sequence => Assert.False(firstBatch.IsReplay(Event("0", sequence, 3_600))));
        Assert.All(Enumerable.Range(1, 3), sequence => Assert.True(firstBatch.IsReplay(Event("0", sequence, 3_600))));
        Assert.Equal(new StreamPosition("0", 3, FixStream.At(3_600)), firstBatch.Current);
    }

    [Fact]
    public void Partitions_left_behind_are_remembered_so_their_replays_are_still_recognised()
    {
        var marks = None.After(Event("0", 5, 10)).After(Event("1", 7, 20));

        Assert.Equal("1", marks.Current!.Value.PartitionId);
        Assert.True(marks.IsReplay(Event("0", 5, 10)));
        Assert.True(marks.IsReplay(Event("1", 7, 20)));

        // Back on the first partition, later but numbered lower: that stream restarted, and its new position counts.
        var back = marks.After(Event("0", 2, 30));
        Assert.Equal(new StreamPosition("0", 2, FixStream.At(30)), back.Current);
        Assert.True(back.IsReplay(Event("1", 7, 20)));
        Assert.Equal(["1"], back.Others.Select(other => other.PartitionId));
    }

    [Fact]
    public void At_most_three_other_partitions_are_remembered_the_oldest_dropped_first()
    {
        var marks = None;
        foreach (var partition in new[] { "0", "1", "2", "3", "4" })
        {
            marks = marks.After(Event(partition, 1, 10));
        }

        Assert.Equal("4", marks.Current!.Value.PartitionId);
        Assert.Equal(["3", "2", "1"], marks.Others.Select(other => other.PartitionId));
        Assert.False(marks.IsReplay(Event("0", 1, 10)));
    }

    private static EventMetadata Event(string partitionId, long sequenceNumber, double enqueuedSeconds) =>
        new(partitionId, sequenceNumber, FixStream.At(enqueuedSeconds));
}
