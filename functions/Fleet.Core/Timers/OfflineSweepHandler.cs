using Fleet.Core.Alerts;
using Fleet.Core.Pipeline;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.State;

namespace Fleet.Core.Timers;

/// <summary>What one sweep did, for logs and metrics.</summary>
/// <param name="AlertsWritten">
/// Offline alerts raised, and speeding alerts closed at their last fix: committed with the states, then written to the
/// alert sink unless <paramref name="AlertDeliveryFailures"/> says otherwise.
/// </param>
/// <param name="CommitAttempts">State commits tried, over all companies (a company with nothing to change needs none).</param>
/// <param name="RealtimeFailures">
/// Publishing failed after a company's changes were committed: the data is safe, the push was lost.
/// </param>
/// <param name="AlertDeliveryFailures">
/// Writing a company's committed alerts to the sink failed: they wait in the alert outbox for
/// <see cref="AlertOutboxHandler"/>, and their announcements were held back.
/// </param>
/// <param name="AlertsPending">How many alerts those failures left in the outbox.</param>
public sealed record OfflineSweepResult(
    int VehiclesMarkedOffline,
    int AlertsWritten,
    int TripsClosed,
    int CommitAttempts,
    IReadOnlyList<Exception> RealtimeFailures,
    IReadOnlyList<Exception> AlertDeliveryFailures,
    int AlertsPending)
{
    public static OfflineSweepResult Nothing(int commitAttempts) => new(0, 0, 0, commitAttempts, [], [], 0);
}

/// <summary>
/// Applies <see cref="OfflineSweep"/> to every company's fleet with the batch handler's order and replay safety: the
/// states committed under their version guard together with the alerts (into the outbox), then the alerts written to
/// the sink by deterministic id, then the messages published. A vehicle whose state changed meanwhile is reloaded and
/// judged again rather than overwritten, no alert is written for a change that was not committed, and nothing is
/// published that was not committed.
/// </summary>
public sealed class OfflineSweepHandler(
    IFleetConfiguration configuration,
    ICompanyDirectory companyDirectory,
    IVehicleStateStore vehicleStates,
    IAlertSink alertSink,
    ITelemetryStore telemetryStore,
    IAlertOutbox alertOutbox,
    IRealtimePublisher realtimePublisher,
    IVehicleFollowers vehicleFollowers,
    IProcessingProgress progress,
    TimeProvider timeProvider)
{
    /// <summary>
    /// A conflict means a batch just wrote the vehicle, usually because it reported: judged again it is no longer
    /// silent and drops out, so a second round nearly always settles it.
    /// </summary>
    public const int MaxCommitAttempts = 5;

    public async Task<OfflineSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        // OfflineSweep needs a time up to which telemetry has been processed, never later than the clock.
        var clock = timeProvider.GetUtcNow();
        var processedThrough = progress.ProcessedThrough(clock);
        var now = processedThrough < clock ? processedThrough : clock;
        var companyIds = await configuration.CompanyIdsAsync(cancellationToken);
        var profiles = await companyDirectory.GetAsync(companyIds, cancellationToken);
        var total = OfflineSweepResult.Nothing(0);
        foreach (var companyId in companyIds)
        {
            // Listed but without a profile: removed since it was listed, and its vehicles with it.
            if (profiles.TryGetValue(companyId, out var company))
            {
                total = Add(total, await SweepCompanyAsync(company, now, cancellationToken));
            }
        }

        return total;
    }

    private async Task<OfflineSweepResult> SweepCompanyAsync(CompanyProfile company, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var contexts = (await configuration.VehiclesOfAsync(company.CompanyId, cancellationToken))
            .ToDictionary(vehicle => vehicle.VehicleId, vehicle => new VehicleContext(vehicle, company), StringComparer.Ordinal);
        var outcomes = new SortedDictionary<string, VehicleBatchOutcome>(StringComparer.Ordinal);
        await EvaluateAsync(contexts, contexts.Keys, now, outcomes, cancellationToken);
        if (outcomes.Count == 0)
        {
            return OfflineSweepResult.Nothing(0);
        }

        var followed = await vehicleFollowers.FollowedVehiclesAsync(outcomes.Keys.Select(vehicleId => contexts[vehicleId].Vehicle), cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var alerts = outcomes.Values.SelectMany(outcome => outcome.Alerts).ToList();
            var plan = RealtimePlan.Compose(outcomes.Values.SelectMany(outcome => outcome.Notices), followed);
            var commit = new TelemetryCommit(
                [.. outcomes.Values.Select(outcome => outcome.State)],
                [],
                [.. outcomes.Values.SelectMany(outcome => outcome.Trips)],
                [.. outcomes.Values.SelectMany(outcome => outcome.Stats)],
                [],
                alerts,
                plan.SequenceCounts,
                timeProvider.GetUtcNow());
            var result = await telemetryStore.CommitAsync(commit, cancellationToken);
            if (!result.Committed)
            {
                if (attempt >= MaxCommitAttempts)
                {
                    throw new InvalidOperationException(
                        $"Vehicle states kept changing under the offline sweep after {attempt} attempts: {string.Join(", ", result.ConflictingVehicles)}.");
                }

                foreach (var vehicleId in result.ConflictingVehicles)
                {
                    outcomes.Remove(vehicleId);
                }

                await EvaluateAsync(contexts, result.ConflictingVehicles, now, outcomes, cancellationToken);
                if (outcomes.Count == 0)
                {
                    return OfflineSweepResult.Nothing(attempt);
                }

                continue;
            }

            // As in the batch handler: the states are committed, so a failure to deliver the alerts is reported and the
            // alerts wait in the outbox; their announcements are held back until they can be read.
            var alertFailure = await CommittedAlerts.DeliverAsync(alertSink, alertOutbox, alerts, timeProvider.GetUtcNow(), cancellationToken);
            var stamped = plan.Stamp(result.LastSequences, timeProvider.GetUtcNow());
            var failure = await CommittedDelivery.PublishAsync(
                realtimePublisher, alertFailure is null ? stamped : CommittedAlerts.WithoutAnnouncements(stamped), cancellationToken);
            return new OfflineSweepResult(
                outcomes.Values.Count(outcome => outcome.Alerts.Any(alert => alert.Type == AlertType.VehicleOffline)),
                alerts.Count,
                outcomes.Values.Sum(outcome => outcome.Trips.Count),
                attempt,
                failure is null ? [] : [failure],
                alertFailure is null ? [] : [alertFailure],
                alertFailure is null ? 0 : alerts.Count);
        }
    }

    /// <summary>Judges the vehicles' current states and puts the outcome of each whose state changes into <paramref name="outcomes"/>.</summary>
    private async Task EvaluateAsync(
        Dictionary<string, VehicleContext> contexts,
        IReadOnlyCollection<string> vehicleIds,
        DateTimeOffset now,
        SortedDictionary<string, VehicleBatchOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        var states = await vehicleStates.LoadAsync(vehicleIds, cancellationToken);

        // A state still kept under another company is of a vehicle moved here: it restarts with its next report, and
        // until then the old company's trip or episode is no business of this one.
        var current = new List<(VehicleContext, VehicleState)>(vehicleIds.Count);
        foreach (var vehicleId in vehicleIds)
        {
            var context = contexts[vehicleId];
            if (states.TryGetValue(vehicleId, out var state) && string.Equals(state.CompanyId, context.Vehicle.CompanyId, StringComparison.Ordinal))
            {
                current.Add((context, state));
            }
        }

        foreach (var outcome in OfflineSweep.Run(current, now))
        {
            outcomes[outcome.State.VehicleId] = outcome;
        }
    }

    private static OfflineSweepResult Add(OfflineSweepResult a, OfflineSweepResult b) => new(
        a.VehiclesMarkedOffline + b.VehiclesMarkedOffline,
        a.AlertsWritten + b.AlertsWritten,
        a.TripsClosed + b.TripsClosed,
        a.CommitAttempts + b.CommitAttempts,
        [.. a.RealtimeFailures, .. b.RealtimeFailures],
        [.. a.AlertDeliveryFailures, .. b.AlertDeliveryFailures],
        a.AlertsPending + b.AlertsPending);
}
