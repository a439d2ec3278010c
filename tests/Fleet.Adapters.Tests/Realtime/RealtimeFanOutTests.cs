using Fleet.Core.Realtime;

namespace Fleet.Adapters.Tests.Realtime;

public sealed class RealtimeFanOutTests
{
    [Fact]
    public async Task Messages_to_one_target_go_in_order_while_targets_overlap()
    {
        var messages = Enumerable.Range(0, 60)
            .Select(i => Message(i % 3 == 0 ? RealtimeTarget.User("c-1", "u-1") : RealtimeTarget.Group($"company:c-{i % 3}"), seq: i))
            .ToList();
        var sent = new List<RealtimeMessage>();
        var inFlight = 0;
        var mostInFlight = 0;

        await RealtimeFanOut.SendAsync(messages, async (message, token) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await Task.Delay(TimeSpan.FromMilliseconds(2), token);
            lock (sent)
            {
                sent.Add(message);
            }

            Interlocked.Decrement(ref inFlight);
        }, CancellationToken.None, maxConcurrentSends: 8);

        Assert.Equal(messages.Count, sent.Count);
        foreach (var target in messages.Select(message => message.Target).Distinct())
        {
            Assert.Equal(messages.Where(m => m.Target == target), sent.Where(m => m.Target == target));
        }

        Assert.InRange(mostInFlight, 2, 3);
    }

    [Fact]
    public async Task No_more_sends_are_in_flight_than_allowed()
    {
        var messages = Enumerable.Range(0, 40).Select(i => Message(RealtimeTarget.Group($"vehicle:v-{i}"), seq: null)).ToList();
        var inFlight = 0;
        var mostInFlight = 0;

        await RealtimeFanOut.SendAsync(messages, async (_, token) =>
        {
            InterlockedMax(ref mostInFlight, Interlocked.Increment(ref inFlight));
            await Task.Delay(TimeSpan.FromMilliseconds(5), token);
            Interlocked.Decrement(ref inFlight);
        }, CancellationToken.None, maxConcurrentSends: 4);

        Assert.InRange(mostInFlight, 2, 4);
    }

    [Fact]
    public async Task A_failed_send_fails_the_publish()
    {
        var messages = new[] { Message(RealtimeTarget.Group("company:c-1"), seq: 1) };

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            RealtimeFanOut.SendAsync(messages, (_, _) => throw new HttpRequestException("service unavailable"), CancellationToken.None));
    }

    private static RealtimeMessage Message(RealtimeTarget target, long? seq) =>
        new(target, new RealtimeEnvelope(RealtimeMessageTypes.VehicleLocationUpdate, "c-1", seq, DateTimeOffset.UnixEpoch, new { }));

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }
}
