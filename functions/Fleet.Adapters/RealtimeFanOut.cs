using Fleet.Core.Realtime;

namespace Fleet.Adapters;

/// <summary>
/// Sends a batch's realtime messages with many in flight: each send to a remote service is a round trip, and one after
/// another they would hold a partition for hundreds of them. Messages to one target keep their order (a company's
/// sequence numbers must arrive in order); different targets do not wait for each other.
/// </summary>
public static class RealtimeFanOut
{
    public const int DefaultMaxConcurrentSends = 32;

    public static Task SendAsync(
        IReadOnlyList<RealtimeMessage> messages,
        Func<RealtimeMessage, CancellationToken, Task> send,
        CancellationToken cancellationToken,
        int maxConcurrentSends = DefaultMaxConcurrentSends)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentSends, 1);
        return Parallel.ForEachAsync(
            messages.GroupBy(message => message.Target),
            new ParallelOptions { MaxDegreeOfParallelism = maxConcurrentSends, CancellationToken = cancellationToken },
            async (sameTarget, token) =>
            {
                foreach (var message in sameTarget)
                {
                    await send(message, token);
                }
            });
    }
}
