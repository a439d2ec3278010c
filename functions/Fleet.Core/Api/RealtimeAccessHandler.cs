using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Api;

/// <summary>The groups a caller joined at negotiate, and the SignalR user id (<see cref="FleetCaller.RealtimeUserId"/>) they joined as.</summary>
public sealed record NegotiateGrant(string UserId, IReadOnlyList<string> Groups);

public sealed record Subscription(string VehicleId, string Group);

/// <summary>
/// Who receives what (DESIGN 3.3): groups come only from the caller's validated claims and the fleet's own data; a
/// request names a vehicle, never a group.
/// </summary>
public sealed class RealtimeAccessHandler(IFleetConfiguration configuration, IRealtimeGroups groups)
{
    /// <summary>
    /// Admins and dispatchers join their company's group, drivers the groups of the vehicles they drive. Membership is
    /// set afresh from the current claims, so a changed role, company or grant stops what the old ones allowed; vehicles
    /// followed before are followed again by the client after it connects.
    /// </summary>
    public async Task<NegotiateGrant> NegotiateAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        List<string> memberships = [];
        if (caller.Tracking is { } tracking)
        {
            // A tracking link joins its job's group while the job is under way, and nothing ever beyond it.
            if (!tracking.Over)
            {
                memberships.Add(RealtimeGroups.Job(caller.CompanyId, tracking.JobId));
            }
        }
        else if (caller.SeesWholeCompany)
        {
            memberships.Add(RealtimeGroups.Company(caller.CompanyId));
        }
        else if (caller.Role == FleetRole.Driver && caller.VehicleIds.Count > 0)
        {
            var companyVehicles = await CompanyVehiclesAsync(caller.CompanyId, cancellationToken);
            memberships.AddRange(caller.VehicleIds.Where(companyVehicles.Contains).Order(StringComparer.Ordinal).Select(vehicleId => RealtimeGroups.Vehicle(caller.CompanyId, vehicleId)));
        }

        await groups.RemoveUserFromAllGroupsAsync(caller.RealtimeUserId, cancellationToken);
        foreach (var group in memberships)
        {
            await groups.AddUserAsync(group, caller.RealtimeUserId, cancellationToken);
        }

        return new NegotiateGrant(caller.RealtimeUserId, memberships);
    }

    public async Task<ApiResult<Subscription>> FollowAsync(FleetCaller caller, string? vehicleId, CancellationToken cancellationToken)
    {
        var refusal = await CheckFollowAsync(caller, vehicleId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var group = RealtimeGroups.Vehicle(caller.CompanyId, vehicleId!);
        await groups.AddUserAsync(group, caller.RealtimeUserId, cancellationToken);
        return ApiResult<Subscription>.Created(new Subscription(vehicleId!, group));
    }

    /// <summary>Leaving is always allowed, even a vehicle since deleted or no longer granted: it can only take away.</summary>
    public async Task<ApiResult> UnfollowAsync(FleetCaller caller, string? vehicleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrWhiteSpace(vehicleId))
        {
            return ApiProblem.BadRequest("vehicle_id is required.");
        }

        await groups.RemoveUserAsync(RealtimeGroups.Vehicle(caller.CompanyId, vehicleId), caller.RealtimeUserId, cancellationToken);
        return ApiResult.NoContent;
    }

    // A vehicle of another company and one that does not exist get the same answer, so the answer tells nothing.
    private async Task<ApiProblem?> CheckFollowAsync(FleetCaller caller, string? vehicleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrWhiteSpace(vehicleId))
        {
            return ApiProblem.BadRequest("vehicle_id is required.");
        }

        if (!caller.MaySee(vehicleId) || !(await CompanyVehiclesAsync(caller.CompanyId, cancellationToken)).Contains(vehicleId))
        {
            return ApiProblem.Forbidden($"You may not follow vehicle '{vehicleId}'.");
        }

        return null;
    }

    private async Task<HashSet<string>> CompanyVehiclesAsync(string companyId, CancellationToken cancellationToken) =>
        (await configuration.VehiclesOfAsync(companyId, cancellationToken)).Select(vehicle => vehicle.VehicleId).ToHashSet(StringComparer.Ordinal);
}
