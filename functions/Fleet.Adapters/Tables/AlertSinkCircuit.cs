using Azure;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Stops the batch handler waiting on an alert store that is down. A failed write costs the Table client's retries,
/// from about 12 s (refused connections) to minutes (a store that does not answer); during an outage every batch that
/// raised an alert would pay them before its partition moved on. After a failure the circuit is open: writes fail at
/// once and the alerts, already committed in the outbox, wait there. After <see cref="OpenFor"/> one write at a time
/// goes through as a probe; its success closes the circuit, its failure opens it again. A store that refuses an alert
/// (a 4xx other than a throttle or a timeout) is not down: that failure is the caller's, and leaves the circuit as it was.
/// A write that takes longer than <see cref="DefaultWriteTimeout"/> is given up and counts as a failure: a store that does not
/// answer is down too.
/// </summary>
/// <param name="writeTimeout">How long a write may take; <see cref="DefaultWriteTimeout"/> unless a test needs it short.</param>
public sealed partial class AlertSinkCircuit(IAlertSink inner, TimeProvider timeProvider, ILogger<AlertSinkCircuit> logger, TimeSpan? writeTimeout = null) : IAlertSink
{
    public static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);

    /// <summary>Far more than a healthy store takes for the outbox timer's page of 500 alerts, far less than the client's retries.</summary>
    public static readonly TimeSpan DefaultWriteTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _writeTimeout = writeTimeout ?? DefaultWriteTimeout;

    private readonly object _lock = new();
    private DateTimeOffset? _openUntil;
    private bool _probing;

    // Bumped at each failure: a write that began before the latest failure proves nothing about the store now.
    private long _failures;

    public async Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var (generation, probe) = Enter();
        try
        {
            using var timeout = new CancellationTokenSource(_writeTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await inner.UpsertAsync(alerts, linked.Token);
        }
        catch (Exception exception) when (IsOutage(exception, cancellationToken))
        {
            DateTimeOffset until;
            lock (_lock)
            {
                _failures++;
                until = timeProvider.GetUtcNow() + OpenFor;
                _openUntil = until;
            }

            Log.Opened(logger, exception, until);
            throw;
        }
        finally
        {
            if (probe)
            {
                lock (_lock)
                {
                    _probing = false;
                }
            }
        }

        lock (_lock)
        {
            if (_openUntil is null || generation != _failures)
            {
                return;
            }

            _openUntil = null;
        }

        Log.Closed(logger);
    }

    /// <returns>The failure count the write starts under, and whether it is the circuit's probe.</returns>
    private (long Generation, bool Probe) Enter()
    {
        lock (_lock)
        {
            if (_openUntil is not { } until)
            {
                return (_failures, false);
            }

            if (_probing || timeProvider.GetUtcNow() < until)
            {
                throw new AlertStoreUnavailableException(until);
            }

            _probing = true;
            return (_failures, true);
        }
    }

    private static bool IsOutage(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        RequestFailedException { Status: >= 400 and < 500 and not (408 or 429) } => false,
        _ => true,
    };

    private static partial class Log
    {
        [LoggerMessage(
            EventId = 1010,
            Level = LogLevel.Warning,
            Message = "Table Storage failed an alert write; alerts wait in the outbox and batches do not wait on it until {Until:O}, then one write probes it")]
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
