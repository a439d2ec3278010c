using System.Collections.Concurrent;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Jobs;

/// <summary>What following a batch's fixes did to the jobs under way.</summary>
public sealed record JobTrackingResult(int JobsTracked, int Arrivals, int EtaUpdates, Exception? RealtimeFailure);

/// <summary>
/// Moves jobs forward with their vehicles' telemetry (DESIGN 5a): an arrival at the next stop after the dwell becomes
/// <c>arrived</c>; the job's followers get the vehicle's position and, throttled, its ETA, which the company's dispatchers
/// get too.
/// <para>
/// Dwell and the recent approach speed are kept in this process, per job. Each vehicle reports through one partition, which
/// one consumer reads, so its fixes come here in order; after a restart (or a partition moving to another instance) a
/// job's dwell and average start afresh, which delays an arrival by one dwell at worst.
/// </para>
/// </summary>
public sealed class JobTracker(IJobStore jobs, IRealtimePublisher publisher, TimeProvider timeProvider, JobProgressSettings settings)
{
    // Per vehicle, what each of its jobs under way has done towards its stop. Replaced whole on every batch of the
    // vehicle, so jobs that ended or moved to another vehicle drop out with no sweep over the rest.
    private readonly ConcurrentDictionary<(string CompanyId, string VehicleId), IReadOnlyDictionary<string, Progress>> _progress = new();

    /// <param name="moved">Each vehicle with its status after the batch and its live (not late) positions, in fix order.</param>
    public async Task<JobTrackingResult> TrackAsync(IReadOnlyList<MovedVehicle> moved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moved);
        var withFixes = moved.Where(vehicle => vehicle.Positions.Count > 0).ToList();
        if (withFixes.Count == 0)
        {
            return new JobTrackingResult(0, 0, 0, null);
        }

        var active = (await jobs.ActiveForVehiclesAsync([.. withFixes.Select(vehicle => (vehicle.CompanyId, vehicle.VehicleId))], cancellationToken))
            .ToLookup(job => (job.CompanyId, job.VehicleId!));
        var messages = new List<RealtimeMessage>();
        var (tracked, arrivals, etaUpdates) = (0, 0, 0);
        foreach (var vehicle in withFixes)
        {
            var key = (vehicle.CompanyId, vehicle.VehicleId);
            var kept = _progress.GetValueOrDefault(key);
            var progress = new Dictionary<string, Progress>(StringComparer.Ordinal);
            foreach (var job in active[key])
            {
                tracked++;
                var (arrived, eta, state) = Follow(job, vehicle.Positions, kept?.GetValueOrDefault(job.JobId));
                var now = timeProvider.GetUtcNow();
                messages.Add(LocationFor(job, vehicle, now));
                if (eta is not null)
                {
                    // The job's followers and the company's dispatchers, who watch every job of theirs.
                    var envelope = new RealtimeEnvelope(RealtimeMessageTypes.JobEtaUpdate, job.CompanyId, null, now, eta);
                    messages.Add(new RealtimeMessage(RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)), envelope));
                    messages.Add(new RealtimeMessage(RealtimeTarget.Group(RealtimeGroups.Company(job.CompanyId)), envelope));
                    etaUpdates++;
                }

                if (arrived is not null && await jobs.UpdateAsync(arrived, job.Version, cancellationToken))
                {
                    // A new status is a new stop: nothing is kept for it.
                    messages.AddRange(JobAnnouncements.Of(arrived, assignedUserId: null, now));
                    arrivals++;
                    continue;
                }

                // Not arrived, or lost to a person changing the job at the same moment: theirs stands and the dwell goes on.
                progress[job.JobId] = new Progress(job.Status, state);
            }

            if (progress.Count > 0)
            {
                _progress[key] = progress;
            }
            else
            {
                _progress.TryRemove(key, out _);
            }
        }

        var failure = await CommittedDelivery.PublishAsync(publisher, messages, cancellationToken);
        return new JobTrackingResult(tracked, arrivals, etaUpdates, failure);
    }

    /// <returns>
    /// The job as arrived, when the dwell at its next stop is complete; the newest ETA when the throttle allows one; and
    /// what to keep for the next fixes.
    /// </returns>
    private (Job? Arrived, JobEtaPayload? Eta, JobProgressState State) Follow(Job job, IReadOnlyList<PositionRecord> positions, Progress? kept)
    {
        // A new status means a new stop: dwell and ETA start afresh.
        var state = kept is not null && kept.Status == job.Status ? kept.State : JobProgressState.Start;
        if (JobProgress.NextStop(job) is not { } stop)
        {
            return (null, null, state);
        }

        JobProgressStep? newest = null;
        var push = false;
        foreach (var position in positions)
        {
            var step = JobProgress.Advance(state, stop, position.Position, position.FixTime, position.SpeedKmh, settings);
            state = step.State;
            newest = step;
            push |= step.PushEta;
            if (step.Arrived && job.Status == JobStatus.EnRoute)
            {
                var arrivedAt = position.FixTime;
                var change = new JobStatusChange(JobStatus.Arrived, arrivedAt, Job.System, $"arrived at the {JobProgress.StopName(job, stop)} (detected from telemetry)");
                return (job.With(change), EtaOf(job, stop, step, arrivedAt), state);
            }
        }

        if (!push)
        {
            return (null, null, state);
        }

        // When the throttle let one through, the batch's newest fix says it best, and the throttle counts from there.
        return (null, EtaOf(job, stop, newest!, positions[^1].FixTime), state with { EtaPushedAt = positions[^1].FixTime });
    }

    private static JobEtaPayload EtaOf(Job job, JobStop stop, JobProgressStep step, DateTimeOffset at) => new(
        job.JobId,
        job.VehicleId!,
        JobProgress.StopName(job, stop),
        Math.Round(step.RemainingMeters, 1),
        Math.Round(step.EtaSeconds),
        at.AddSeconds(step.EtaSeconds),
        at);

    /// <summary>The job's followers see its vehicle, and only while the job is under way: its position, not the driver's data.</summary>
    private static RealtimeMessage LocationFor(Job job, MovedVehicle vehicle, DateTimeOffset now) => new(
        RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)),
        new RealtimeEnvelope(
            RealtimeMessageTypes.VehicleLocationUpdate, job.CompanyId, null, now, new[] { TrackedVehiclePayload.From(vehicle.Positions[^1], vehicle.Status) }));

    private sealed record Progress(JobStatus Status, JobProgressState State);
}

/// <summary>A vehicle a batch moved: its status after the batch and its live positions in fix order.</summary>
public sealed record MovedVehicle(string CompanyId, string VehicleId, State.VehicleStatus Status, IReadOnlyList<PositionRecord> Positions);
