using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;

namespace Fleet.Core.Api;

public sealed record DriverRequest(string? DriverId, string? Name, string? UserId);

public sealed record DriverView(string DriverId, string Name, string? UserId);

/// <summary>The company's drivers: dispatchers read them, admins change them.</summary>
public sealed class DriversApiHandler(IFleetConfiguration configuration, IMembershipStore memberships, ConfigAnnouncer announcer)
{
    public static readonly PageSize ListPageSize = new(Default: 500, Max: 1_000);

    /// <summary>The company's drivers by id, a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as <paramref name="after"/>.</summary>
    public async Task<ApiResult<IReadOnlyList<DriverView>>> ListAsync(FleetCaller caller, int? limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.SeesWholeCompany)
        {
            return ApiProblem.Forbidden("The driver list is for the company's dispatchers and admins.");
        }

        var (size, invalidLimit) = ListPageSize.Of(limit);
        if (invalidLimit is not null)
        {
            return invalidLimit;
        }

        var page = await configuration.DriversOfAsync(caller.CompanyId, new IdPage(after, size), cancellationToken);
        return ApiResult<IReadOnlyList<DriverView>>.Ok(
            [.. page.Items.Select(driver => new DriverView(driver.DriverId, driver.Name, driver.UserId))],
            page.More ? page.Items[^1].DriverId : null);
    }

    public async Task<ApiResult<DriverView>> SaveAsync(FleetCaller caller, DriverRequest? request, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > VehiclesApiHandler.MaxNameLength)
        {
            return ApiProblem.InvalidField("name", $"name is required, at most {VehiclesApiHandler.MaxNameLength} characters.");
        }

        // Saving one of the company's drivers again changes it, whatever its id looks like; a new one's id is checked.
        var drivers = await configuration.DriversOfAsync(caller.CompanyId, cancellationToken);
        var exists = drivers.Any(driver => driver.DriverId == request.DriverId);
        var (driverId, invalidId) = exists
            ? (request.DriverId, null)
            : ResourceIds.GivenOrNewInCompany(request.DriverId, "driver_id", "drv", caller.CompanyId);
        if (invalidId is not null)
        {
            return invalidId;
        }

        if (drivers.Count >= StoredLimits.MaxPerCompany && drivers.All(driver => driver.DriverId != driverId))
        {
            return StoredLimits.CompanyFull("drivers");
        }

        // A driver's user receives the driver's assignments: only a member of this company may be named.
        if (request.UserId is { Length: > 0 } userId && await memberships.MembershipAsync(caller.CompanyId, userId, cancellationToken) is null)
        {
            return ApiProblem.InvalidField("user_id", $"user_id: '{userId}' is not a member of this company; add them as a user first.");
        }

        try
        {
            await configuration.SaveDriverAsync(new DriverProfile(driverId!, caller.CompanyId, request.Name, request.UserId), cancellationToken);
        }
        catch (OwnershipConflictException)
        {
            // Only when the company went away meanwhile: chosen driver ids are the company's own.
            return ApiProblem.Conflict($"driver_id '{driverId}' is not available; leave it out to have one assigned.");
        }

        await announcer.AnnounceAsync(caller.CompanyId, ConfigKind.Driver, driverId!, exists ? ConfigChange.Updated : ConfigChange.Created, cancellationToken);

        return ApiResult<DriverView>.Created(new DriverView(driverId!, request.Name, request.UserId), "/api/drivers/" + driverId);
    }

    public async Task<ApiResult<DriverView>> GetAsync(FleetCaller caller, string driverId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.SeesWholeCompany)
        {
            return ApiProblem.Forbidden("The driver list is for the company's dispatchers and admins.");
        }

        return (await configuration.DriversOfAsync(caller.CompanyId, cancellationToken)).FirstOrDefault(driver => driver.DriverId == driverId) is { } found
            ? ApiResult<DriverView>.Ok(new DriverView(found.DriverId, found.Name, found.UserId))
            : ApiProblem.NotFound($"No driver '{driverId}'.");
    }

    public async Task<ApiResult> DeleteAsync(FleetCaller caller, string driverId, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (!await configuration.DeleteDriverAsync(caller.CompanyId, driverId, cancellationToken))
        {
            return ApiProblem.NotFound($"No driver '{driverId}'.");
        }

        await announcer.AnnounceAsync(caller.CompanyId, ConfigKind.Driver, driverId, ConfigChange.Deleted, cancellationToken);
        return ApiResult.NoContent;
    }
}
