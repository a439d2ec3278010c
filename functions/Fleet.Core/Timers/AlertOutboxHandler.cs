using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Timers;

/// <summary>What one run of the alert outbox did, for logs and metrics.</summary>
/// <param name="Delivered">Alerts written to the sink, cleared and announced.</param>
/// <param name="Expired">Alerts that had expired while pending: cleared without being written.</param>
/// <param name="SinkFailure">Writing to the sink failed; the run stopped and the alerts stay pending.</param>
/// <param name="Undelivered">How many alerts that write carried.</param>
/// <param name="RealtimeFailure">Announcing delivered alerts failed: they are stored, the push was lost.</param>
public sealed record AlertOutboxResult(int Delivered, int Expired, Exception? SinkFailure, int Undelivered, Exception? RealtimeFailure);

/// <summary>
/// Delivers what the alert outbox still holds: the alerts of batches and sweeps whose own delivery after their commit
/// failed (Table Storage down, the instance gone). Each is written to the sink by its deterministic id, cleared only if
/// unchanged since it was read, then announced to its company.
/// </summary>
public sealed class AlertOutboxHandler(IAlertOutbox outbox, IAlertSink sink, IRealtimePublisher publisher, TimeProvider timeProvider)
{
    /// <summary>
    /// How old a record must be before this handler takes it: younger ones are being delivered by the batch that
    /// committed them, and taking them too would write and announce them twice (harmless, but noise).
    /// </summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(1);

    /// <summary>Alerts read, written and cleared at a time.</summary>
    public const int PageSize = 500;

    /// <summary>Enough to drain the backlog of a long outage over a few runs without one run outliving a timer's timeout.</summary>
    public const int MaxPagesPerRun = 20;

    public async Task<AlertOutboxResult> DeliverAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var delivered = 0;
        var expired = 0;
        Exception? realtimeFailure = null;
        for (var page = 0; page < MaxPagesPerRun; page++)
        {
            var pending = await outbox.PendingAsync(now - GracePeriod, PageSize, cancellationToken);
            var stale = pending.Where(alert => alert.ExpiresAt <= now).ToList();
            var live = pending.Where(alert => alert.ExpiresAt > now).ToList();

            // An expired alert would only be deleted again by the expiry timer, and nobody may see it any more.
            if (stale.Count > 0)
            {
                await outbox.ClearAsync(stale, cancellationToken);
                expired += stale.Count;
            }

            if (live.Count > 0)
            {
                try
                {
                    await sink.UpsertAsync(live, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The sink is most likely still down: the next run tries again, from the oldest.
                    return new AlertOutboxResult(delivered, expired, exception, live.Count, realtimeFailure);
                }

                await outbox.ClearAsync(live, cancellationToken);
                delivered += live.Count;
                var failure = await CommittedDelivery.PublishAsync(publisher, [.. live.Select(alert => Announcement(alert, now))], cancellationToken);
                realtimeFailure ??= failure;
            }

            if (pending.Count < PageSize)
            {
                break;
            }
        }

        return new AlertOutboxResult(delivered, expired, null, 0, realtimeFailure);
    }

    // Outside the batch there is no sequence number to allocate: the announcement carries none, as an alert raised
    // through the API does, and a dashboard that misses it finds the alert on its next fetch.
    private static RealtimeMessage Announcement(Alert alert, DateTimeOffset now) => new(
        RealtimeTarget.Group(RealtimeGroups.Company(alert.CompanyId)),
        new RealtimeEnvelope(RealtimeMessageTypes.Alert, alert.CompanyId, Seq: null, now, AlertPayload.From(alert, read: false)));
}
