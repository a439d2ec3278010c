using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Timers;

/// <summary>What one run of the alert outbox did, for logs and metrics.</summary>
/// <param name="Delivered">Alerts written to the sink, marked delivered and announced.</param>
/// <param name="Expired">Alerts that had expired while pending or before they were confirmed: forgotten without being written.</param>
/// <param name="SinkFailure">Writing to the sink failed; the run stopped and the alerts stay where they were.</param>
/// <param name="Undelivered">How many alerts that write carried.</param>
/// <param name="RealtimeFailure">Announcing delivered alerts failed: they are stored, the push was lost.</param>
/// <param name="Confirmed">Delivered alerts written once more after <see cref="AlertOutboxHandler.SettlePeriod"/>, then forgotten.</param>
public sealed record AlertOutboxResult(int Delivered, int Expired, Exception? SinkFailure, int Undelivered, Exception? RealtimeFailure, int Confirmed = 0);

/// <summary>
/// Delivers what the alert outbox still holds: the alerts of batches and sweeps whose own delivery after their commit
/// failed (Table Storage down, the instance gone). Each is written to the sink by its deterministic id, marked delivered
/// only if unchanged since it was read, then announced to its company.
/// </summary>
/// <remarks>
/// A delivered alert is written once more after <see cref="SettlePeriod"/>, then forgotten. A store may lose a write it
/// acknowledged: Azurite keeps the last seconds of writes in memory only, and a storage account's failover loses what it
/// had not yet replicated. The second write is an idempotent upsert (a final version is merged without the read flag, so
/// it never marks a read alert unread), and an alert a user deleted was forgotten at once, so it is not written again.
/// </remarks>
public sealed class AlertOutboxHandler(IAlertOutbox outbox, IAlertSink sink, IRealtimePublisher publisher, TimeProvider timeProvider)
{
    /// <summary>
    /// How old a record must be before this handler takes it: younger ones are being delivered by the batch that
    /// committed them, and taking them too would write and announce them twice (harmless, but noise).
    /// </summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after its delivery an alert is written again: well past the seconds Azurite keeps writes only in memory,
    /// and the usual replication lag of a storage account.
    /// </summary>
    public static readonly TimeSpan SettlePeriod = TimeSpan.FromMinutes(1);

    /// <summary>Alerts read, written and marked at a time.</summary>
    public const int PageSize = 500;

    /// <summary>Enough to drain the backlog of a long outage over a few runs without one run outliving a timer's timeout.</summary>
    public const int MaxPagesPerRun = 20;

    public async Task<AlertOutboxResult> DeliverAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var delivered = 0;
        var expired = 0;
        var undelivered = 0;
        Exception? sinkFailure = null;
        Exception? realtimeFailure = null;
        for (var page = 0; page < MaxPagesPerRun; page++)
        {
            var pending = await outbox.PendingAsync(now - GracePeriod, PageSize, cancellationToken);
            var live = await ForgetExpiredAsync(pending, now, cancellationToken);
            expired += pending.Count - live.Count;
            if (live.Count > 0)
            {
                var (written, failure) = await WriteAsync(live, cancellationToken);
                if (written.Count > 0)
                {
                    await outbox.MarkDeliveredAsync(written, now, cancellationToken);
                    delivered += written.Count;
                    realtimeFailure ??= await CommittedDelivery.PublishAsync(publisher, [.. written.Select(alert => Announcement(alert, now))], cancellationToken);
                }

                if (failure is not null && written.Count == 0)
                {
                    // The sink is most likely still down: the next run tries again, from the oldest.
                    return new AlertOutboxResult(delivered, expired, failure, undelivered + live.Count, realtimeFailure);
                }

                if (failure is not null)
                {
                    // Some went, some did not: those stay pending, and the run goes on with the rest.
                    sinkFailure = failure;
                    undelivered += live.Count - written.Count;
                }
            }

            if (pending.Count < PageSize)
            {
                break;
            }
        }

        var confirmed = 0;
        for (var page = 0; page < MaxPagesPerRun; page++)
        {
            var settled = await outbox.DeliveredAsync(now - SettlePeriod, PageSize, cancellationToken);
            var live = await ForgetExpiredAsync(settled, now, cancellationToken);
            expired += settled.Count - live.Count;
            if (live.Count > 0)
            {
                var (written, failure) = await WriteAsync(live, cancellationToken);
                await outbox.ForgetAsync(written, cancellationToken);
                confirmed += written.Count;
                if (failure is not null)
                {
                    return new AlertOutboxResult(delivered, expired, failure, undelivered + live.Count - written.Count, realtimeFailure, confirmed);
                }
            }

            if (settled.Count < PageSize)
            {
                break;
            }
        }

        return new AlertOutboxResult(delivered, expired, sinkFailure, undelivered, realtimeFailure, confirmed);
    }

    /// <summary>
    /// Forgets the alerts that have expired (nobody may see them any more, and the expiry timer would only delete them
    /// again) and returns the others.
    /// </summary>
    private async Task<List<Alert>> ForgetExpiredAsync(IReadOnlyList<Alert> alerts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = alerts.Where(alert => alert.ExpiresAt <= now).ToList();
        if (expired.Count > 0)
        {
            await outbox.ForgetAsync(expired, cancellationToken);
        }

        return [.. alerts.Where(alert => alert.ExpiresAt > now)];
    }

    /// <summary>
    /// Writes the alerts; should the sink refuse them together, each on its own, so that one it will never take (an
    /// entity it rejects) holds back no other. While the sink is down the writes one by one fail at once (its circuit).
    /// </summary>
    private async Task<(List<Alert> Written, Exception? Failure)> WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var failure = await TryWriteAsync(alerts, cancellationToken);
        if (failure is null)
        {
            return ([.. alerts], null);
        }

        var written = new List<Alert>();
        if (alerts.Count > 1)
        {
            foreach (var alert in alerts)
            {
                if (await TryWriteAsync([alert], cancellationToken) is { } refused)
                {
                    failure = refused;
                }
                else
                {
                    written.Add(alert);
                }
            }
        }

        return (written, written.Count == alerts.Count ? null : failure);
    }

    private async Task<Exception?> TryWriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        try
        {
            await sink.UpsertAsync(alerts, cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return exception;
        }
    }

    // Outside the batch there is no sequence number to allocate: the announcement carries none, as an alert raised
    // through the API does, and a dashboard that misses it finds the alert on its next fetch.
    private static RealtimeMessage Announcement(Alert alert, DateTimeOffset now) => new(
        RealtimeTarget.Group(RealtimeGroups.Company(alert.CompanyId)),
        new RealtimeEnvelope(RealtimeMessageTypes.Alert, alert.CompanyId, Seq: null, now, AlertPayload.From(alert, read: false)));
}
