using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.State;

namespace Fleet.Core.Api;

/// <summary>A vehicle as the API shows it: its configuration and where it is now.</summary>
public sealed record VehicleView(
    string VehicleId,
    string Name,
    string VehicleClass,
    double? SpeedLimitKmh,
    double? FuelCapacityLiters,
    double? ExpectedReportIntervalSeconds,
    string Status,
    double? Latitude,
    double? Longitude,
    double? SpeedKmh,
    DateTimeOffset? LastSeen,
    double OdometerKm);

/// <summary>Registering or changing a vehicle (admins): the device it reports through and its rule inputs.</summary>
public sealed record VehicleRequest(
    string? VehicleId,
    string? Name,
    string? DeviceId,
    string? VehicleClass,
    double? SpeedLimitKmh,
    double? FuelCapacityLiters,
    double? ExpectedReportIntervalSeconds);

public sealed record LocationPage(IReadOnlyList<LocationPayload> Items, DateTimeOffset? NextAfter);

/// <summary>
/// Vehicles, their history and trips (DESIGN 3.4). Admins and dispatchers see the whole company, drivers and viewers
/// only their vehicles; a vehicle one may not see answers 404, like one that does not exist.
/// </summary>
public sealed class VehiclesApiHandler(IFleetConfiguration configuration, IFleetHistory history)
{
    public const int MaxPageSize = 1_000;
    public static readonly TimeSpan MaxHistorySpan = TimeSpan.FromDays(31);

    public async Task<ApiResult<IReadOnlyList<VehicleView>>> ListAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var vehicles = (await configuration.VehiclesOfAsync(caller.CompanyId, cancellationToken)).Where(vehicle => caller.MaySee(vehicle.VehicleId)).ToList();
        var states = (await history.StatesOfAsync(caller.CompanyId, cancellationToken)).ToDictionary(state => state.VehicleId, StringComparer.Ordinal);
        return ApiResult<IReadOnlyList<VehicleView>>.Ok([.. vehicles.Select(vehicle => View(vehicle, states.GetValueOrDefault(vehicle.VehicleId)))]);
    }

    public async Task<ApiResult<VehicleView>> GetAsync(FleetCaller caller, string vehicleId, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(caller, vehicleId, cancellationToken) is not { } vehicle)
        {
            return NotFound(vehicleId);
        }

        var state = (await history.StatesOfAsync(caller.CompanyId, cancellationToken)).FirstOrDefault(candidate => candidate.VehicleId == vehicleId);
        return ApiResult<VehicleView>.Ok(View(vehicle, state));
    }

    /// <summary>Positions in [from, to), oldest first, a page at a time: pass <see cref="LocationPage.NextAfter"/> back as <paramref name="after"/>.</summary>
    public async Task<ApiResult<LocationPage>> LocationsAsync(
        FleetCaller caller, string vehicleId, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset? after, int? limit, CancellationToken cancellationToken)
    {
        if (CheckSpan(from, to) is { } invalid)
        {
            return invalid;
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return ApiProblem.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        }

        if (await VisibleAsync(caller, vehicleId, cancellationToken) is null)
        {
            return NotFound(vehicleId);
        }

        var pageSize = limit ?? MaxPageSize;
        var positions = await history.PositionsAsync(caller.CompanyId, vehicleId, from!.Value, to!.Value, after, pageSize, cancellationToken);
        // History keeps no status per fix; what the fix itself says (a reported speed) is the honest approximation.
        var items = positions.Select(position => LocationPayload.From(position, position.SpeedKmh is > 0 ? VehicleStatus.Moving : VehicleStatus.Stopped)).ToList();
        return ApiResult<LocationPage>.Ok(new LocationPage(items, positions.Count == pageSize ? positions[^1].FixTime : null));
    }

    public async Task<ApiResult<IReadOnlyList<TripPayload>>> TripsAsync(
        FleetCaller caller, string vehicleId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        if (CheckSpan(from, to) is { } invalid)
        {
            return invalid;
        }

        if (await VisibleAsync(caller, vehicleId, cancellationToken) is null)
        {
            return NotFound(vehicleId);
        }

        var trips = await history.TripsAsync(caller.CompanyId, vehicleId, from!.Value, to!.Value, cancellationToken);
        return ApiResult<IReadOnlyList<TripPayload>>.Ok([.. trips.Select(TripPayload.From)]);
    }

    public async Task<ApiResult<TripPayload>> TripAsync(FleetCaller caller, string tripId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var trip = await history.TripAsync(caller.CompanyId, tripId, cancellationToken);
        return trip is not null && caller.MaySee(trip.VehicleId)
            ? ApiResult<TripPayload>.Ok(TripPayload.From(trip))
            : ApiProblem.NotFound($"No trip '{tripId}'.");
    }

    public async Task<ApiResult<VehicleView>> CreateAsync(FleetCaller caller, VehicleRequest? request, CancellationToken cancellationToken)
    {
        if (AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (string.IsNullOrWhiteSpace(request?.VehicleId))
        {
            return ApiProblem.BadRequest("vehicle_id is required.");
        }

        if ((await configuration.VehiclesOfAsync(caller.CompanyId, cancellationToken)).Any(vehicle => vehicle.VehicleId == request.VehicleId))
        {
            return ApiProblem.Conflict($"Vehicle '{request.VehicleId}' exists; change it with PUT.");
        }

        return await SaveAsync(caller, request.VehicleId, request, created: true, cancellationToken);
    }

    public async Task<ApiResult<VehicleView>> UpdateAsync(FleetCaller caller, string vehicleId, VehicleRequest? request, CancellationToken cancellationToken)
    {
        if (AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (await VisibleAsync(caller, vehicleId, cancellationToken) is null)
        {
            return NotFound(vehicleId);
        }

        return await SaveAsync(caller, vehicleId, request, created: false, cancellationToken);
    }

    public async Task<ApiResult> DeleteAsync(FleetCaller caller, string vehicleId, CancellationToken cancellationToken)
    {
        if (AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        return await configuration.DeleteVehicleAsync(caller.CompanyId, vehicleId, cancellationToken) ? ApiResult.NoContent : NotFound(vehicleId);
    }

    internal static ApiProblem? AdminOnly(FleetCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role == FleetRole.Admin ? null : ApiProblem.Forbidden("Only the company's admins change its fleet configuration.");
    }

    private async Task<ApiResult<VehicleView>> SaveAsync(FleetCaller caller, string vehicleId, VehicleRequest? request, bool created, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrWhiteSpace(request.DeviceId))
        {
            return ApiProblem.BadRequest("name and device_id are required.");
        }

        var vehicleClass = Registry.VehicleClass.PassengerCar;
        if (request.VehicleClass is not null && !ApiText.TryParse(request.VehicleClass, out vehicleClass))
        {
            return ApiProblem.BadRequest($"vehicle_class must be one of {ApiText.Choices<VehicleClass>()}.");
        }

        if (request.SpeedLimitKmh is <= 0 or > 300 || request.FuelCapacityLiters is <= 0 or > 100_000 || request.ExpectedReportIntervalSeconds is < 1 or > 86_400)
        {
            return ApiProblem.BadRequest(
                "speed_limit_kmh must be in (0, 300], fuel_capacity_liters in (0, 100000], expected_report_interval_seconds in [1, 86400].");
        }

        var vehicle = new VehicleProfile(
            vehicleId,
            caller.CompanyId,
            request.Name,
            vehicleClass,
            request.SpeedLimitKmh,
            request.FuelCapacityLiters,
            request.ExpectedReportIntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        try
        {
            await configuration.SaveVehicleAsync(vehicle, [request.DeviceId], cancellationToken);
        }
        catch (OwnershipConflictException)
        {
            // Which of the two another company holds is theirs to know, not the caller's.
            return ApiProblem.Conflict($"Vehicle '{vehicleId}' or device '{request.DeviceId}' is registered elsewhere.");
        }

        var view = View(vehicle, null);
        return created ? ApiResult<VehicleView>.Created(view) : ApiResult<VehicleView>.Ok(view);
    }

    private async Task<VehicleProfile?> VisibleAsync(FleetCaller caller, string vehicleId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.MaySee(vehicleId)
            ? (await configuration.VehiclesOfAsync(caller.CompanyId, cancellationToken)).FirstOrDefault(vehicle => vehicle.VehicleId == vehicleId)
            : null;
    }

    private static ApiProblem? CheckSpan(DateTimeOffset? from, DateTimeOffset? to) =>
        from is null || to is null ? ApiProblem.BadRequest("from and to are required (ISO 8601).")
        : to <= from ? ApiProblem.BadRequest("to must be after from.")
        : to - from > MaxHistorySpan ? ApiProblem.BadRequest($"At most {MaxHistorySpan.TotalDays} days at a time.")
        : null;

    private static ApiProblem NotFound(string vehicleId) => ApiProblem.NotFound($"No vehicle '{vehicleId}'.");

    private static VehicleView View(VehicleProfile vehicle, VehicleState? state) => new(
        vehicle.VehicleId,
        vehicle.Name,
        ApiText.Of(vehicle.VehicleClass),
        vehicle.SpeedLimitKmh,
        vehicle.FuelCapacityLiters,
        vehicle.ExpectedReportInterval?.TotalSeconds,
        (state?.Status ?? VehicleStatus.Offline).ToCode(),
        state?.LastFix?.Position.Latitude,
        state?.LastFix?.Position.Longitude,
        state?.LastFix?.SpeedKmh,
        state?.LastSeen,
        state?.OdometerKm ?? vehicle.InitialOdometerKm);
}
