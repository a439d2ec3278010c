using Fleet.Core.Ports;
using Fleet.Core.Registry;

namespace Fleet.Core.Api;

public sealed record DriverRequest(string? DriverId, string? Name, string? UserId);

public sealed record DriverView(string DriverId, string Name, string? UserId);

/// <summary>The company's drivers: dispatchers read them, admins change them.</summary>
public sealed class DriversApiHandler(IFleetConfiguration configuration)
{
    public async Task<ApiResult<IReadOnlyList<DriverView>>> ListAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.SeesWholeCompany)
        {
            return ApiProblem.Forbidden("The driver list is for the company's dispatchers and admins.");
        }

        var drivers = await configuration.DriversOfAsync(caller.CompanyId, cancellationToken);
        return ApiResult<IReadOnlyList<DriverView>>.Ok([.. drivers.Select(driver => new DriverView(driver.DriverId, driver.Name, driver.UserId))]);
    }

    public async Task<ApiResult<DriverView>> SaveAsync(FleetCaller caller, DriverRequest? request, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.DriverId) || string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiProblem.BadRequest("driver_id and name are required.");
        }

        try
        {
            await configuration.SaveDriverAsync(new DriverProfile(request.DriverId, caller.CompanyId, request.Name, request.UserId), cancellationToken);
        }
        catch (OwnershipConflictException)
        {
            return ApiProblem.Conflict($"Driver '{request.DriverId}' is registered elsewhere.");
        }

        return ApiResult<DriverView>.Created(new DriverView(request.DriverId, request.Name, request.UserId));
    }

    public async Task<ApiResult> DeleteAsync(FleetCaller caller, string driverId, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        return await configuration.DeleteDriverAsync(caller.CompanyId, driverId, cancellationToken)
            ? ApiResult.NoContent
            : ApiProblem.NotFound($"No driver '{driverId}'.");
    }
}
