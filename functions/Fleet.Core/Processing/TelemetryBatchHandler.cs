using Fleet.Core.Jobs;
using Fleet.Core.Registry;
using Fleet.Core.Pipeline;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Processing;

/// <summary>What one batch did, for logs and metrics.</summary>
/// <param name="Alerts">Alerts raised (new ones and new versions), committed in the alert outbox with the batch.</param>
/// <param name="RealtimeFailure">
/// Publishing failed after the batch was committed, the batch's own messages or its jobs'; the data is safe, the push
/// was lost.
/// </param>
/// <param name="Jobs">What the batch did to the jobs under way, when jobs are tracked.</param>
/// <param name="JobTrackingFailure">Following the jobs failed after the commit; the next fixes take them on.</param>
/// <param name="AlertDeliveryFailure">
/// Writing the committed alerts to the alert sink (Table Storage) failed: the batch is stored, its alerts wait in the
/// outbox for <see cref="Timers.AlertOutboxHandler"/>, and their announcements were held back.
/// </param>
public sealed record BatchResult(
    int Events,
    int Positions,
    int LatePositions,
    int Duplicates,
    int Replays,
    int DeadLetters,
    int Alerts,
    int TripChanges,
    int RealtimeMessages,
    int CommitAttempts,
    Exception? RealtimeFailure,
    JobTrackingResult? Jobs = null,
    Exception? JobTrackingFailure = null,
    Exception? AlertDeliveryFailure = null)
{
    /// <summary>How many of the batch's alerts that failure left in the outbox: all of them, as they go in one write.</summary>
    public int AlertsPending => AlertDeliveryFailure is null ? 0 : Alerts;

    /// <summary>Events that changed nothing: already processed (replays), duplicates of a stored fix, or dead letters.</summary>
    public bool SetAside => Replays + Duplicates + DeadLetters > 0;

    /// <summary>The dead letters by reason code (<c>unknown_device</c>, ...), for logs and metrics.</summary>
    public IReadOnlyDictionary<string, int> DeadLettersByReason { get; init; } = new Dictionary<string, int>();

    /// <summary>The dead letters' reasons as "code: count" pairs, for a log line.</summary>
    public string DeadLetterReasons => string.Join(", ", DeadLettersByReason.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}: {pair.Value}"));
}

/// <summary>
/// Processes one batch of telemetry in the order docs/BATCH-ORDER.md gives (DESIGN 2 with its alert outbox): parse and
/// validate, resolve devices, run each vehicle's pipeline, commit history, the alerts (into the outbox) and the states
/// in one transaction, then write the alerts to the sink and clear them from the outbox, then publish.
/// </summary>
/// <remarks>
/// Exactly-once effects on an at-least-once stream. Nothing durable happens before the commit, so a failure there
/// leaves nothing behind and the replay starts clean. The commit is all or nothing and moves each vehicle's watermark,
/// so a replayed event is recognised and raises nothing again. Everything after it is derived from committed data and
/// idempotent: alerts are upserted by deterministic id and cleared from the outbox only while unchanged, so a crash or
/// a Table Storage outage between commit and delivery leaves them in the outbox for
/// <see cref="Timers.AlertOutboxHandler"/>, and never an alert without its positions. Realtime messages are best
/// effort, sent at most once per attempt.
/// </remarks>
public sealed class TelemetryBatchHandler(
    IDeviceRegistry deviceRegistry,
    ICompanyDirectory companyDirectory,
    IVehicleStateStore vehicleStates,
    IAlertSink alertSink,
    ITelemetryStore telemetryStore,
    IAlertOutbox alertOutbox,
    IRealtimePublisher realtimePublisher,
    IVehicleFollowers vehicleFollowers,
    TimeProvider timeProvider,
    JobTracker? jobTracker = null)
{
    /// <summary>Concurrent writers to one vehicle are rare (a partition changing owner); a few rounds settle them.</summary>
    public const int MaxCommitAttempts = 5;

    public async Task<BatchResult> HandleAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var parsed = Parse(events);
        var registrations = await deviceRegistry.ResolveAsync(parsed.DeviceIds, cancellationToken);
        var routed = Route(parsed, registrations);
        var companies = await companyDirectory.GetAsync(routed.CompanyIds, cancellationToken);
        DeadLetterVehiclesWithoutCompany(parsed, routed, companies);
        var contexts = routed.Vehicles.ToDictionary(
            pair => pair.Key, pair => new VehicleContext(pair.Value.Vehicle, companies[pair.Value.Vehicle.CompanyId]), StringComparer.Ordinal);

        var followed = await vehicleFollowers.FollowedVehiclesAsync(routed.Vehicles.Values.Select(routedVehicle => routedVehicle.Vehicle), cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var loaded = await vehicleStates.LoadAsync(routed.Vehicles.Keys, cancellationToken);
            var outcomes = routed.Vehicles
                .Select(pair => VehiclePipeline.Run(contexts[pair.Key], StateFor(pair.Value.Vehicle, loaded), pair.Value.Fixes))
                .ToList();

            var alerts = LatestById(outcomes.SelectMany(outcome => outcome.Alerts), alert => alert.Id);
            var deadLetters = routed.DeadLetters
                .Concat(outcomes.SelectMany(outcome => outcome.Rejections.Select(rejected => DeadLetter.From(
                    parsed.EventOf(rejected.Fix), rejected.Rejection, outcome.State.VehicleId, outcome.State.CompanyId))))
                .ToList();
            var plan = RealtimePlan.Compose(outcomes, outcomes.SelectMany(outcome => outcome.Notices), followed);
            var trips = LatestById(outcomes.SelectMany(outcome => outcome.Trips), trip => trip.TripId);
            // A vehicle whose every event was a replay has nothing new to write.
            var commit = new TelemetryCommit(
                [.. outcomes.Where(outcome => !loaded.TryGetValue(outcome.State.VehicleId, out var before) || !ReferenceEquals(before, outcome.State))
                    .Select(outcome => outcome.State)],
                [.. outcomes.SelectMany(outcome => outcome.Positions)],
                trips,
                [.. outcomes.SelectMany(outcome => outcome.Stats)],
                deadLetters,
                alerts,
                plan.SequenceCounts,
                timeProvider.GetUtcNow());

            var result = await telemetryStore.CommitAsync(commit, cancellationToken);
            if (!result.Committed)
            {
                if (attempt >= MaxCommitAttempts)
                {
                    throw new InvalidOperationException(
                        $"Vehicle states kept changing under this batch after {attempt} attempts: {string.Join(", ", result.ConflictingVehicles)}.");
                }

                continue;
            }

            // The positions are committed whatever happens to the alerts now: a failure to deliver them is reported,
            // not thrown, since a replay would find its events processed and raise nothing to deliver.
            var alertFailure = await CommittedAlerts.DeliverAsync(alertSink, alertOutbox, alerts, timeProvider.GetUtcNow(), cancellationToken);
            var stamped = plan.Stamp(result.LastSequences, timeProvider.GetUtcNow());
            var messages = alertFailure is null ? stamped : CommittedAlerts.WithoutAnnouncements(stamped);
            var realtimeFailure = await CommittedDelivery.PublishAsync(realtimePublisher, messages, cancellationToken);
            var (jobs, jobTrackingFailure) = await TrackJobsAsync(outcomes, cancellationToken);

            var batchResult = new BatchResult(
                events.Count,
                commit.Positions.Count(position => !position.IsLate),
                commit.Positions.Count(position => position.IsLate),
                outcomes.Sum(outcome => outcome.Duplicates),
                outcomes.Sum(outcome => outcome.Replays),
                deadLetters.Count,
                alerts.Count,
                trips.Count,
                messages.Count,
                attempt,
                realtimeFailure ?? jobs?.RealtimeFailure,
                jobs,
                jobTrackingFailure,
                alertFailure)
            {
                DeadLettersByReason = deadLetters.CountBy(deadLetter => deadLetter.Reason.ToCode()).ToDictionary(StringComparer.Ordinal),
            };
            TelemetryMetrics.Record(batchResult);
            return batchResult;
        }
    }

    /// <summary>
    /// Last, after the commit: jobs follow committed positions, and a failure here is reported, not thrown, since a
    /// replayed batch would be recognised as a replay and move no job anyway.
    /// </summary>
    private async Task<(JobTrackingResult? Result, Exception? Failure)> TrackJobsAsync(IReadOnlyList<VehicleBatchOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (jobTracker is null)
        {
            return (null, null);
        }

        var moved = outcomes
            .Select(outcome => new MovedVehicle(
                outcome.State.CompanyId,
                outcome.State.VehicleId,
                outcome.State.Status,
                [.. outcome.Positions.Where(position => !position.IsLate)]))
            .ToList();
        try
        {
            return (await jobTracker.TrackAsync(moved, cancellationToken), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (null, exception);
        }
    }

    /// <summary>
    /// The state to continue from. A vehicle moved to another company starts afresh under it: nothing the old company's
    /// state holds (position, trip, alerts in progress) may reach the new one's dispatchers.
    /// </summary>
    private static VehicleState StateFor(VehicleProfile vehicle, IReadOnlyDictionary<string, VehicleState> loaded)
    {
        if (!loaded.TryGetValue(vehicle.VehicleId, out var state))
        {
            return VehicleState.Initial(vehicle);
        }

        return string.Equals(state.CompanyId, vehicle.CompanyId, StringComparison.Ordinal)
            ? state
            : VehicleState.Initial(vehicle) with { Version = state.Version };
    }

    /// <summary>
    /// A registration whose company has no profile is a configuration fault, and a disabled company's devices send for
    /// nobody: their events are kept as dead letters, with the reason, so the rest of the batch and the partition go on.
    /// </summary>
    private static void DeadLetterVehiclesWithoutCompany(
        ParsedBatch parsed, RoutedBatch routed, IReadOnlyDictionary<string, CompanyProfile> companies)
    {
        foreach (var (vehicleId, vehicle) in routed.Vehicles.ToList())
        {
            var companyId = vehicle.Vehicle.CompanyId;
            var rejection = companies.GetValueOrDefault(companyId) switch
            {
                null => (RejectionReason.UnknownCompany, $"company '{companyId}' of vehicle '{vehicleId}' has no profile"),
                { Disabled: true } => (RejectionReason.CompanyDisabled, $"company '{companyId}' of vehicle '{vehicleId}' is disabled"),
                _ => ((RejectionReason, string)?)null,
            };
            if (rejection is not { } found)
            {
                continue;
            }

            var (reason, detail) = found;
            foreach (var fix in vehicle.Fixes)
            {
                routed.DeadLetters.Add(DeadLetter.From(parsed.EventOf(fix), new TelemetryRejection(reason, detail, fix.DeviceId), vehicleId, companyId));
            }

            routed.Vehicles.Remove(vehicleId);
        }
    }

    private static ParsedBatch Parse(IReadOnlyList<TelemetryEvent> events)
    {
        var batch = new ParsedBatch(events);
        for (var i = 0; i < events.Count; i++)
        {
            var result = TelemetryParser.Parse(events[i]);
            if (result.Fix is { } fix)
            {
                batch.Fixes.Add(fix);
                batch.Origins.Add(fix, i);
                batch.DeviceIds.Add(fix.DeviceId);
            }
            else
            {
                batch.Rejections.Add((i, result.Rejection!));
                if (result.Rejection!.DeviceId is { } deviceId)
                {
                    batch.DeviceIds.Add(deviceId);
                }
            }
        }

        return batch;
    }

    private static RoutedBatch Route(ParsedBatch parsed, IReadOnlyDictionary<string, DeviceRegistration> registrations)
    {
        var routed = new RoutedBatch();
        foreach (var (index, rejection) in parsed.Rejections)
        {
            // A rejected event still belongs to its company when its device is known, so the company can see it.
            var registration = rejection.DeviceId is { } deviceId ? registrations.GetValueOrDefault(deviceId) : null;
            routed.DeadLetters.Add(DeadLetter.From(parsed.Events[index], rejection, registration?.VehicleId, registration?.CompanyId));
        }

        foreach (var fix in parsed.Fixes)
        {
            if (!registrations.TryGetValue(fix.DeviceId, out var registration))
            {
                routed.DeadLetters.Add(DeadLetter.From(
                    parsed.EventOf(fix), new TelemetryRejection(RejectionReason.UnknownDevice, $"device '{fix.DeviceId}' is not registered", fix.DeviceId)));
                continue;
            }

            if (fix.Source.Publisher is { } publisher && !string.Equals(publisher, fix.DeviceId, StringComparison.Ordinal))
            {
                routed.DeadLetters.Add(DeadLetter.From(
                    parsed.EventOf(fix),
                    new TelemetryRejection(RejectionReason.PublisherMismatch, $"publisher '{publisher}' may not send for device '{fix.DeviceId}'", fix.DeviceId),
                    registration.VehicleId,
                    registration.CompanyId));
                continue;
            }

            if (!routed.Vehicles.TryGetValue(registration.VehicleId, out var vehicle))
            {
                routed.Vehicles[registration.VehicleId] = vehicle = new VehicleFixes(registration.Vehicle, []);
                routed.CompanyIds.Add(registration.CompanyId);
            }

            vehicle.Fixes.Add(fix);
        }

        foreach (var vehicle in routed.Vehicles.Values)
        {
            // Fix time first; the stream position breaks ties, so delivery order never changes the outcome.
            vehicle.Fixes.Sort(static (a, b) =>
            {
                var byTime = a.FixTime.CompareTo(b.FixTime);
                if (byTime != 0)
                {
                    return byTime;
                }

                var byPartition = string.CompareOrdinal(a.Source.PartitionId, b.Source.PartitionId);
                return byPartition != 0 ? byPartition : a.Source.SequenceNumber.CompareTo(b.Source.SequenceNumber);
            });
        }

        return routed;
    }

    private static List<T> LatestById<T>(IEnumerable<T> items, Func<T, string> id)
    {
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<T>();
        foreach (var item in items)
        {
            if (byId.TryGetValue(id(item), out var index))
            {
                result[index] = item;
            }
            else
            {
                byId[id(item)] = result.Count;
                result.Add(item);
            }
        }

        return result;
    }

    private sealed class ParsedBatch(IReadOnlyList<TelemetryEvent> events)
    {
        public IReadOnlyList<TelemetryEvent> Events { get; } = events;

        public List<TelemetryFix> Fixes { get; } = [];

        public List<(int Index, TelemetryRejection Rejection)> Rejections { get; } = [];

        public HashSet<string> DeviceIds { get; } = new(StringComparer.Ordinal);

        // Fixes are records; two identical events must still map back to their own stream positions.
        public Dictionary<TelemetryFix, int> Origins { get; } = new(ReferenceEqualityComparer.Instance);

        public TelemetryEvent EventOf(TelemetryFix fix) => Events[Origins[fix]];
    }

    private sealed record VehicleFixes(VehicleProfile Vehicle, List<TelemetryFix> Fixes);

    private sealed class RoutedBatch
    {
        public Dictionary<string, VehicleFixes> Vehicles { get; } = new(StringComparer.Ordinal);

        public HashSet<string> CompanyIds { get; } = new(StringComparer.Ordinal);

        public List<DeadLetter> DeadLetters { get; } = [];
    }
}
