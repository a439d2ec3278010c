using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Stops the batch handler waiting on an alert store that is down. A failed write costs the Table client's retries,
/// about 12 s; during an outage every batch that raised an alert would pay them before its positions moved on. After a
/// failure the circuit is open for <see cref="OpenFor"/>: writes fail at once and the alerts, already committed in the
/// outbox, wait there. Then one write goes through as a probe (a batch's or the outbox timer's): success closes the
/// circuit, failure opens it again.
/// </summary>
public sealed partial class AlertSinkCircuit(IAlertSink inner, TimeProvider timeProvider, ILogger<AlertSinkCircuit> logger) : IAlertSink
{
    public static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);

    private long _openUntilTicks;

    public async Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var openUntil = Interlocked.Read(ref _openUntilTicks);
        if (now.UtcTicks < openUntil)
        {
            throw new AlertStoreUnavailableException(new DateTimeOffset(openUntil, TimeSpan.Zero));
        }

        // Only one caller probes: the others see the circuit open again until the probe's answer.
        var probeUntil = (now + OpenFor).UtcTicks;
        if (openUntil != 0 && Interlocked.CompareExchange(ref _openUntilTicks, probeUntil, openUntil) != openUntil)
        {
            throw new AlertStoreUnavailableException(new DateTimeOffset(Interlocked.Read(ref _openUntilTicks), TimeSpan.Zero));
        }

        try
        {
            await inner.UpsertAsync(alerts, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var until = timeProvider.GetUtcNow() + OpenFor;
            Interlocked.Exchange(ref _openUntilTicks, until.UtcTicks);
            Log.Opened(logger, exception, until);
            throw;
        }

        if (Interlocked.Exchange(ref _openUntilTicks, 0) != 0)
        {
            Log.Closed(logger);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(
            EventId = 1010,
            Level = LogLevel.Warning,
            Message = "Table Storage failed an alert write; alerts wait in the outbox and no batch waits on it again until {Until:O}")]
        public static partial void Opened(ILogger logger, Exception exception, DateTimeOffset until);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Table Storage takes alert writes again")]
        public static partial void Closed(ILogger logger);
    }
}

/// <summary>The alert store failed moments ago and is not tried again yet; the alerts wait in the outbox.</summary>
public sealed class AlertStoreUnavailableException(DateTimeOffset retryAt)
    : Exception($"Table Storage failed an alert write moments ago; it is tried again from {retryAt:O}, and until then alerts wait in the outbox.")
{
    public DateTimeOffset RetryAt { get; } = retryAt;
}
