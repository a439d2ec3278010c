using Fleet.Core.Kpis;
using Fleet.Core.Timers;

namespace Fleet.Core.Api;

/// <summary><c>GET /api/dashboard</c>: the same figures the dashboard timer broadcasts, on demand.</summary>
public sealed class DashboardApiHandler(DashboardBroadcastHandler dashboards)
{
    public async Task<ApiResult<DashboardPayload>> GetAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.SeesWholeCompany)
        {
            return ApiProblem.Forbidden("The fleet dashboard is for the company's dispatchers and admins.");
        }

        return await dashboards.CurrentAsync(caller.CompanyId, cancellationToken) is { } payload
            ? ApiResult<DashboardPayload>.Ok(payload)
            : ApiProblem.NotFound($"No company '{caller.CompanyId}'.");
    }

    /// <summary><c>GET /api/dashboard/vehicles</c>: each vehicle's figures for today, which the dashboard's tiles sum.</summary>
    public async Task<ApiResult<IReadOnlyList<VehicleToday>>> VehiclesAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.SeesWholeCompany)
        {
            return ApiProblem.Forbidden("The fleet dashboard is for the company's dispatchers and admins.");
        }

        return await dashboards.VehiclesTodayAsync(caller.CompanyId, cancellationToken) is { } vehicles
            ? ApiResult<IReadOnlyList<VehicleToday>>.Ok(vehicles)
            : ApiProblem.NotFound($"No company '{caller.CompanyId}'.");
    }
}
