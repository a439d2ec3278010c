namespace Fleet.Core.Api;

/// <summary>The roles of DESIGN 3.4, from the most to the least privileged.</summary>
public enum FleetRole
{
    /// <summary>Configures the fleet and does everything a dispatcher does.</summary>
    Admin,

    /// <summary>The whole company: its group, alerts and history.</summary>
    Dispatcher,

    /// <summary>The vehicles the driver drives.</summary>
    Driver,

    /// <summary>Only the vehicles granted to them (a rider, a customer).</summary>
    Viewer,
}

/// <summary>
/// The caller as the validated token says: nothing here comes from a request body or path. Every query a handler makes
/// is scoped to <see cref="CompanyId"/>.
/// </summary>
/// <param name="VehicleIds">The vehicles a driver drives or a viewer was granted; empty for admins and dispatchers.</param>
/// <param name="Tracking">Set when the caller holds a job's tracking link rather than a user token: it opens that job's
/// tracking view and nothing else.</param>
public sealed record FleetCaller(string UserId, string CompanyId, FleetRole Role, IReadOnlySet<string> VehicleIds, TrackedJob? Tracking = null)
{
    public bool SeesWholeCompany => Role is FleetRole.Admin or FleetRole.Dispatcher;

    /// <summary>The SignalR user id this caller's connections and group memberships have (the user within the company).</summary>
    public string RealtimeUserId => Realtime.RealtimeUsers.Of(CompanyId, UserId);

    public bool MaySee(string vehicleId) => SeesWholeCompany || VehicleIds.Contains(vehicleId);
}

/// <param name="Over">The job has ended: the link still says so for a short while, and shows nothing else.</param>
public sealed record TrackedJob(string JobId, bool Over);
