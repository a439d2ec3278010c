using Fleet.Core.Api;
using Fleet.Core.Realtime;

namespace Fleet.Core.Jobs;

/// <summary>The payload of <c>job_status_update</c>.</summary>
/// <param name="By">Who made the change; null on the job's group, whose followers are customers and riders.</param>
/// <param name="Note">The change's note, for the company only, like <paramref name="By"/> and <paramref name="DriverId"/>.</param>
public sealed record JobStatusPayload(
    string JobId, string Status, string PreviousStatus, DateTimeOffset At, string? By, string? Note, string? VehicleId, string? DriverId);

/// <summary>The payload of <c>job_eta_update</c>: how far the vehicle is from its next stop and when it should be there.</summary>
/// <param name="NextStop"><c>pickup</c> or <c>dropoff</c>.</param>
public sealed record JobEtaPayload(string JobId, string VehicleId, string NextStop, double RemainingMeters, double EtaSeconds, DateTimeOffset EtaAt, DateTimeOffset At);

/// <summary>What a job's change tells whom: the same whether a person or telemetry made it.</summary>
public static class JobAnnouncements
{
    /// <summary>
    /// The latest change to the company and the job's followers; a new assignment also to the driver's user. Outside a
    /// telemetry batch's sequence these carry no <c>seq</c>, as alert changes do not. A job just created has no
    /// followers yet (a tracking link and an assignment need it to exist): only the company hears of it, for its
    /// dispatchers' job lists.
    /// </summary>
    public static IReadOnlyList<RealtimeMessage> Of(Job job, string? assignedUserId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var change = job.History[^1];
        var previous = job.History.Count > 1 ? job.History[^2].Status : change.Status;
        var payload = new JobStatusPayload(
            job.JobId, change.Status.ToCode(), previous.ToCode(), change.At, change.ByUserId, change.Note, job.VehicleId, job.DriverId);
        List<RealtimeMessage> messages =
        [
            new(RealtimeTarget.Group(RealtimeGroups.Company(job.CompanyId)), new RealtimeEnvelope(RealtimeMessageTypes.JobStatusUpdate, job.CompanyId, null, now, payload)),
        ];
        if (job.History.Count > 1)
        {
            messages.Add(new(
                RealtimeTarget.Group(RealtimeGroups.Job(job.CompanyId, job.JobId)),
                new RealtimeEnvelope(RealtimeMessageTypes.JobStatusUpdate, job.CompanyId, null, now, payload with { By = null, Note = null, DriverId = null })));
        }

        if (assignedUserId is not null)
        {
            messages.Add(new(RealtimeTarget.User(job.CompanyId, assignedUserId), new RealtimeEnvelope(RealtimeMessageTypes.AssignmentNew, job.CompanyId, null, now, JobView.From(job))));
        }

        return messages;
    }
}
