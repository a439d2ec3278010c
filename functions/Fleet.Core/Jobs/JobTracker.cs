using System.Collections.Concurrent;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Jobs;

/// <summary>What following a batch's fixes did to the jobs under way.</summary>
public sealed record JobTrackingResult(int JobsTracked, int Arrivals, int EtaUpdates, Exception? RealtimeFailure);

/// <summary>
/// Moves jobs forward with their vehicles' telemetry (DESIGN 5a): an arrival at the pickup after the dwell becomes
/// <c>arrived</c>, and the job's followers get the vehicle's position and, at most every 15 s, its ETA.
/// <para>
/// Dwell and the running speed are kept in this process, per job. Each vehicle reports through one partition, which
/// one consumer reads, so its fixes come here in order; after a restart (or a partition moving to another instance) a
/// job's dwell and average start afresh, which delays an arrival by one dwell at worst.
/// </para>
/// </summary>
public sealed class JobTracker(IJobStore jobs, IRealtimePublisher publisher, TimeProvider timeProvider, JobProgressSettings settings)
{
    private readonly ConcurrentDictionary<string, Progress> _progress = new(StringComparer.Ordinal);

    /// <param name="moved">Each vehicle with its status after the batch and its live (not late) positions, in fix order.</param>
    public async Task<JobTrackingResult> TrackAsync(IReadOnlyList<MovedVehicle> moved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(moved);
        var withFixes = moved.Where(vehicle => vehicle.Positions.Count > 0).ToList();
        if (withFixes.Count == 0)
        {
            return new JobTrackingResult(0, 0, 0, null);
        }

        var active = await jobs.ActiveForVehiclesAsync([.. withFixes.Select(vehicle => (vehicle.CompanyId, vehicle.VehicleId))], cancellationToken);
        Forget(withFixes, active);
        var movedOf = withFixes.ToDictionary(vehicle => (vehicle.CompanyId, vehicle.VehicleId));
        var messages = new List<RealtimeMessage>();
        var arrivals = 0;
        var etaUpdates = 0;
        foreach (var job in active)
        {
            var vehicle = movedOf[(job.CompanyId, job.VehicleId!)];
            var (arrived, eta) = Follow(job, vehicle.Positions);
            var now = timeProvider.GetUtcNow();
            messages.Add(LocationFor(job, vehicle, now));
            if (eta is not null)
            {
                messages.Add(new RealtimeMessage(
                    RealtimeTarget.Group(RealtimeGroups.Job(job.JobId)), new RealtimeEnvelope(RealtimeMessageTypes.JobEtaUpdate, job.CompanyId, null, now, eta)));
                etaUpdates++;
            }

            if (arrived is not null && await jobs.UpdateAsync(arrived, job.Version, cancellationToken))
            {
                // Lost to a person changing the job at the same moment: theirs stands, and the dwell goes on counting.
                _progress.TryRemove(job.JobId, out _);
                messages.AddRange(JobAnnouncements.Of(arrived, assignedUserId: null, now));
                arrivals++;
            }
        }

        var failure = await CommittedDelivery.PublishAsync(publisher, messages, cancellationToken);
        return new JobTrackingResult(active.Count, arrivals, etaUpdates, failure);
    }

    /// <returns>The job as arrived, when the dwell at its pickup is complete; the newest ETA when the throttle allows one.</returns>
    private (Job? Arrived, JobEtaPayload? Eta) Follow(Job job, IReadOnlyList<PositionRecord> positions)
    {
        if (JobProgress.NextStop(job) is not { } stop)
        {
            return (null, null);
        }

        // A new status means a new stop: dwell and ETA start afresh.
        var state = _progress.TryGetValue(job.JobId, out var kept) && kept.Status == job.Status ? kept.State : JobProgressState.Start;
        JobProgressStep? step = null;
        JobProgressStep? pushable = null;
        foreach (var position in positions)
        {
            step = JobProgress.Advance(state, stop, position.Position, position.FixTime, position.SpeedKmh, settings);
            state = step.State;
            pushable = step.PushEta ? step : pushable;
            if (step.Arrived && job.Status == JobStatus.EnRoute)
            {
                var arrivedAt = position.FixTime;
                var change = new JobStatusChange(JobStatus.Arrived, arrivedAt, Job.System, $"arrived at the {JobProgress.StopName(job, stop)} (detected from telemetry)");
                return (job.With(change), EtaOf(job, stop, step, arrivedAt));
            }
        }

        _progress[job.JobId] = new Progress(job.CompanyId, job.VehicleId!, job.Status, state);
        var last = positions[^1].FixTime;
        return (null, pushable is null ? null : EtaOf(job, stop, pushable, last));
    }

    private static JobEtaPayload EtaOf(Job job, JobStop stop, JobProgressStep step, DateTimeOffset at) => new(
        job.JobId,
        job.VehicleId!,
        JobProgress.StopName(job, stop),
        Math.Round(step.RemainingMeters, 1),
        Math.Round(step.EtaSeconds),
        at.AddSeconds(step.EtaSeconds),
        at);

    /// <summary>The job's followers see its vehicle, and only while the job is under way.</summary>
    private static RealtimeMessage LocationFor(Job job, MovedVehicle vehicle, DateTimeOffset now) => new(
        RealtimeTarget.Group(RealtimeGroups.Job(job.JobId)),
        new RealtimeEnvelope(
            RealtimeMessageTypes.VehicleLocationUpdate, job.CompanyId, null, now, new[] { LocationPayload.From(vehicle.Positions[^1], vehicle.Status) }));

    /// <summary>Drops what is kept for jobs of these vehicles that are no longer under way (completed, cancelled, moved).</summary>
    private void Forget(IEnumerable<MovedVehicle> vehicles, IReadOnlyList<Job> active)
    {
        var tracked = vehicles.Select(vehicle => (vehicle.CompanyId, vehicle.VehicleId)).ToHashSet();
        var activeIds = active.Select(job => job.JobId).ToHashSet(StringComparer.Ordinal);
        foreach (var (jobId, progress) in _progress)
        {
            if (tracked.Contains((progress.CompanyId, progress.VehicleId)) && !activeIds.Contains(jobId))
            {
                _progress.TryRemove(jobId, out _);
            }
        }
    }

    private sealed record Progress(string CompanyId, string VehicleId, JobStatus Status, JobProgressState State);
}

/// <summary>A vehicle a batch moved: its status after the batch and its live positions in fix order.</summary>
public sealed record MovedVehicle(string CompanyId, string VehicleId, State.VehicleStatus Status, IReadOnlyList<PositionRecord> Positions);
