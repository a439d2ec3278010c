using Fleet.Core.Ports;

namespace Fleet.Core.Realtime;

/// <summary>Publishing what a commit made true: the last effect of every handler that writes state.</summary>
public static class CommittedDelivery
{
    /// <returns>
    /// Null when delivered (or nothing to say), else why not. A failure is reported, never thrown: the data is committed,
    /// so running the work again would find nothing left to announce.
    /// </returns>
    public static async Task<Exception?> PublishAsync(IRealtimePublisher publisher, IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return null;
        }

        try
        {
            await publisher.PublishAsync(messages, cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return exception;
        }
    }
}
