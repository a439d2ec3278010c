using Fleet.Core.Pipeline;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Trips;

namespace Fleet.Core.Api;

/// <summary>A vehicle as the API shows it: its configuration (its own rule overrides; null takes the company's) and where it is now.</summary>
/// <param name="DeviceIds">The devices it reports through; shown to the company's admins and dispatchers only.</param>
/// <param name="SpeedKmh">None once it has no recent data or is offline: its last fix's speed is not what it does now.</param>
/// <param name="LastSeen">When an event of it last reached the server.</param>
/// <param name="ReportIntervalSeconds">How often it is expected to report: as its fixes showed, else as configured.</param>
/// <param name="NoRecentDataAfterSeconds">How long it may be silent before it has no recent data.</param>
/// <param name="NoRecentData">Silent for longer than that, as of the request: its status is what it last said.</param>
public sealed record VehicleView(
    string VehicleId,
    string Name,
    IReadOnlyList<string> DeviceIds,
    string VehicleClass,
    double? SpeedLimitKmh,
    double? FuelCapacityLiters,
    double? ExpectedReportIntervalSeconds,
    double? ServiceIntervalKm,
    double? HarshBrakingMps2,
    double? HarshAccelerationMps2,
    string Status,
    double? Latitude,
    double? Longitude,
    double? SpeedKmh,
    DateTimeOffset? LastSeen,
    double OdometerKm,
    double ReportIntervalSeconds,
    double NoRecentDataAfterSeconds,
    bool NoRecentData);

/// <summary>
/// Registering or changing a vehicle (admins): the device it reports through and the rule settings it overrides for
/// itself (DESIGN 5: per company, overridable per vehicle); an override left out takes the company's setting.
/// </summary>
/// <param name="VehicleId">Assigned by the server when left out on POST.</param>
/// <param name="MoveDevice">
/// True to take the device from the company's vehicle that holds it; without it, a device another vehicle holds is a 409
/// naming that vehicle, since moving it silently would freeze the other vehicle.
/// </param>
public sealed record VehicleRequest(
    string? VehicleId,
    string? Name,
    string? DeviceId,
    string? VehicleClass,
    double? SpeedLimitKmh,
    double? FuelCapacityLiters,
    double? ExpectedReportIntervalSeconds,
    double? ServiceIntervalKm = null,
    double? HarshBrakingMps2 = null,
    double? HarshAccelerationMps2 = null,
    bool? MoveDevice = null);

public sealed record LocationPage(IReadOnlyList<LocationPayload> Items, DateTimeOffset? NextAfter);

/// <summary>
/// Vehicles, their history and trips (DESIGN 3.4). Admins and dispatchers see the whole company, drivers and viewers
/// only their vehicles; a vehicle one may not see answers 404, like one that does not exist.
/// </summary>
public sealed class VehiclesApiHandler(
    IFleetConfiguration configuration, IFleetHistory history, IDeviceRegistry devices, ConfigAnnouncer announcer, TimeProvider timeProvider)
{
    public const int MaxPageSize = 1_000;
    public const int MaxNameLength = 200;
    public static readonly TimeSpan MaxHistorySpan = TimeSpan.FromDays(31);

    /// <summary>Pages of the vehicle list: a whole fleet of up to 500 in one, larger ones over several.</summary>
    public static readonly PageSize ListPageSize = new(Default: 500, Max: 1_000);

    /// <summary>Pages of a vehicle's trips: a busy day's in one.</summary>
    public static readonly PageSize TripPageSize = new(Default: 100, Max: 500);

    /// <summary>The vehicles the caller may see, by id, a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as <paramref name="after"/>.</summary>
    public async Task<ApiResult<IReadOnlyList<VehicleView>>> ListAsync(FleetCaller caller, int? limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (size, invalidLimit) = ListPageSize.Of(limit);
        if (invalidLimit is not null)
        {
            return invalidLimit;
        }

        // Drivers and viewers page through their own vehicles alone, so no page of theirs comes back empty but for a next link.
        var page = await configuration.VehiclesOfAsync(caller.CompanyId, new IdPage(after, size), caller.SeesWholeCompany ? null : caller.VehicleIds, cancellationToken);
        var vehicleIds = page.Items.Select(vehicle => vehicle.VehicleId).ToList();
        var states = (await history.StatesOfAsync(caller.CompanyId, vehicleIds, cancellationToken)).ToDictionary(state => state.VehicleId, StringComparer.Ordinal);
        var devices = await DevicesAsync(caller, vehicleIds, cancellationToken);
        var rules = await RulesAsync(caller, cancellationToken);
        var now = timeProvider.GetUtcNow();
        return ApiResult<IReadOnlyList<VehicleView>>.Ok(
            [.. page.Items.Select(vehicle => View(vehicle, states.GetValueOrDefault(vehicle.VehicleId), devices.GetValueOrDefault(vehicle.VehicleId), rules, now))],
            page.More ? page.Items[^1].VehicleId : null);
    }

    public async Task<ApiResult<VehicleView>> GetAsync(FleetCaller caller, string vehicleId, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(caller, vehicleId, cancellationToken) is not { } vehicle)
        {
            return NotFound(vehicleId);
        }

        var state = (await history.StatesOfAsync(caller.CompanyId, [vehicleId], cancellationToken)).FirstOrDefault();
        var deviceIds = (await DevicesAsync(caller, [vehicleId], cancellationToken)).GetValueOrDefault(vehicleId);
        return ApiResult<VehicleView>.Ok(View(vehicle, state, deviceIds, await RulesAsync(caller, cancellationToken), timeProvider.GetUtcNow()));
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
        var items = positions.Select(position => LocationPayload.From(position, position.SpeedKmh is > 0 ? VehicleStatus.Moving : VehicleStatus.Stopped, noRecentDataAfter: null)).ToList();
        return ApiResult<LocationPage>.Ok(new LocationPage(items, positions.Count == pageSize ? positions[^1].FixTime : null));
    }

    /// <summary>
    /// Trips that started in [from, to), oldest first, a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as
    /// <paramref name="after"/>. A trip's start time never changes, so pages neither skip nor repeat a trip.
    /// </summary>
    public async Task<ApiResult<IReadOnlyList<TripPayload>>> TripsAsync(
        FleetCaller caller, string vehicleId, DateTimeOffset? from, DateTimeOffset? to, int? limit, string? after, CancellationToken cancellationToken)
    {
        if (CheckSpan(from, to) is { } invalidSpan)
        {
            return invalidSpan;
        }

        var (size, invalidLimit) = TripPageSize.Of(limit);
        var (cursor, invalidAfter) = PageCursors.ReadOldestFirst(after);
        if ((invalidLimit ?? invalidAfter) is { } invalid)
        {
            return invalid;
        }

        if (await VisibleAsync(caller, vehicleId, cancellationToken) is null)
        {
            return NotFound(vehicleId);
        }

        var page = await history.TripsAsync(caller.CompanyId, vehicleId, from!.Value, to!.Value, cursor, size, cancellationToken);
        var open = page.Items.Any(trip => trip.Status == TripStatus.InProgress) ? await OpenTripAsync(caller.CompanyId, vehicleId, cancellationToken) : null;
        return ApiResult<IReadOnlyList<TripPayload>>.Ok(
            [.. page.Items.Select(trip => TripPayload.From(trip.TripId == open?.TripId ? open : trip))],
            page.More ? PageCursors.Write(new OldestFirstCursor(page.Items[^1].StartTime, page.Items[^1].TripId)) : null);
    }

    public async Task<ApiResult<TripPayload>> TripAsync(FleetCaller caller, string tripId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var trip = await history.TripAsync(caller.CompanyId, tripId, cancellationToken);
        if (trip is null || !caller.MaySee(trip.VehicleId))
        {
            return ApiProblem.NotFound($"No trip '{tripId}'.");
        }

        var open = trip.Status == TripStatus.InProgress ? await OpenTripAsync(caller.CompanyId, trip.VehicleId, cancellationToken) : null;
        return ApiResult<TripPayload>.Ok(TripPayload.From(trip.TripId == open?.TripId ? open : trip));
    }

    /// <summary>
    /// The vehicle's trip under way as its state knows it now. The stored row of a trip under way holds only how it
    /// started; its distance, top speed and duration so far live in the state.
    /// </summary>
    private async Task<TripRecord?> OpenTripAsync(string companyId, string vehicleId, CancellationToken cancellationToken)
    {
        var state = (await history.StatesOfAsync(companyId, [vehicleId], cancellationToken)).FirstOrDefault();
        return state is { Motion.Trip: { } trip, LastFix: { } lastFix } ? TripDetector.Progress(trip, lastFix, vehicleId, companyId) : null;
    }

    public async Task<ApiResult<VehicleView>> CreateAsync(FleetCaller caller, VehicleRequest? request, CancellationToken cancellationToken)
    {
        if (AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        // The company's own vehicles first: an id it holds (however it was made) is a conflict, not a bad id.
        var vehicles = await configuration.VehiclesOfAsync(caller.CompanyId, cancellationToken);
        if (request?.VehicleId is { } given && vehicles.Any(vehicle => vehicle.VehicleId == given))
        {
            return ApiProblem.Conflict($"Vehicle '{given}' exists; change it with PUT.");
        }

        var (vehicleId, invalidId) = ResourceIds.GivenOrNewInCompany(request?.VehicleId, "vehicle_id", "v", caller.CompanyId);
        if (invalidId is not null)
        {
            return invalidId;
        }

        if (vehicles.Count >= StoredLimits.MaxPerCompany)
        {
            return StoredLimits.CompanyFull("vehicles");
        }

        return await SaveAsync(caller, vehicleId!, request, created: true, cancellationToken);
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

        if (!await configuration.DeleteVehicleAsync(caller.CompanyId, vehicleId, cancellationToken))
        {
            return NotFound(vehicleId);
        }

        await announcer.AnnounceAsync(caller.CompanyId, ConfigKind.Vehicle, vehicleId, ConfigChange.Deleted, cancellationToken);
        return ApiResult.NoContent;
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

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Name.Length > MaxNameLength)
        {
            errors["name"] = $"name may be at most {MaxNameLength} characters.";
        }

        // Device ids are what devices send in every event: the parser takes none longer than this.
        if (request.DeviceId.Length > Telemetry.TelemetryParser.MaxIdentifierLength || request.DeviceId.Any(char.IsControl))
        {
            errors["device_id"] = $"device_id may be at most {Telemetry.TelemetryParser.MaxIdentifierLength} characters, without control characters.";
        }

        var vehicleClass = Registry.VehicleClass.PassengerCar;
        if (request.VehicleClass is not null && !ApiText.TryParse(request.VehicleClass, out vehicleClass))
        {
            errors["vehicle_class"] = $"vehicle_class must be one of {ApiText.Choices<VehicleClass>()}.";
        }

        FieldChecks.Number(request.SpeedLimitKmh, "speed_limit_kmh", 1, 300, errors);
        FieldChecks.Number(request.FuelCapacityLiters, "fuel_capacity_liters", 1, 100_000, errors);
        FieldChecks.Number(request.ExpectedReportIntervalSeconds, "expected_report_interval_seconds", 1, 86_400, errors);
        FieldChecks.Number(request.ServiceIntervalKm, "service_interval_km", 100, 1_000_000, errors);
        FieldChecks.Number(request.HarshBrakingMps2, "harsh_braking_mps2", -20, -0.5, errors);
        FieldChecks.Number(request.HarshAccelerationMps2, "harsh_acceleration_mps2", 0.5, 20, errors);
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        // A device id the vehicle does not have yet is added to those it has: nothing else bounds them.
        var attached = (await configuration.DevicesOfAsync(caller.CompanyId, [vehicleId], cancellationToken)).GetValueOrDefault(vehicleId) ?? [];
        if (!attached.Contains(request.DeviceId, StringComparer.Ordinal) && attached.Count >= StoredLimits.MaxDevicesPerVehicle)
        {
            return ApiProblem.Conflict(
                $"Vehicle '{vehicleId}' reports through {attached.Count} devices, the most one may; delete the vehicle and add it again with its current device (its history stays).");
        }

        // A device reports for one vehicle: taking it from another of the company's vehicles must be asked for. One held
        // by another company is refused below without naming anything of that company.
        if (request.MoveDevice != true
            && (await devices.ResolveAsync([request.DeviceId], cancellationToken)).GetValueOrDefault(request.DeviceId) is { } holder
            && holder.CompanyId == caller.CompanyId
            && holder.VehicleId != vehicleId)
        {
            return ApiProblem.Conflict(
                $"device_id '{request.DeviceId}' reports for vehicle '{holder.VehicleId}' ({holder.Vehicle.Name}). Send move_device: true to move it to this vehicle; '{holder.VehicleId}' then no longer receives its positions.");
        }

        var vehicle = new VehicleProfile(
            vehicleId,
            caller.CompanyId,
            request.Name,
            vehicleClass,
            request.SpeedLimitKmh,
            request.FuelCapacityLiters,
            request.ExpectedReportIntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            request.ServiceIntervalKm,
            HarshBrakingMetersPerSecondSquared: request.HarshBrakingMps2,
            HarshAccelerationMetersPerSecondSquared: request.HarshAccelerationMps2);
        try
        {
            await configuration.SaveVehicleAsync(vehicle, [request.DeviceId], cancellationToken);
        }
        catch (OwnershipConflictException)
        {
            // New vehicle ids are the company's own (ResourceIds.GivenOrNewInCompany), so this is almost always the
            // device: a device id names one physical device, which only one fleet can hold. Both are named for the
            // rare vehicle id made before that rule, without saying which one another fleet holds.
            return ApiProblem.Conflict(
                $"device_id '{request.DeviceId}' (or vehicle_id '{vehicleId}') is not available. A device belongs to one fleet; if this one is yours, ask the platform operators to release it.");
        }

        await announcer.AnnounceAsync(caller.CompanyId, ConfigKind.Vehicle, vehicleId, created ? ConfigChange.Created : ConfigChange.Updated, cancellationToken);

        // Saving adds the device to those read above, so the vehicle's devices are known without reading them again. A
        // changed vehicle answers with where it is now, as GET does: its configuration changed, not its state.
        var state = (await history.StatesOfAsync(caller.CompanyId, [vehicleId], cancellationToken)).FirstOrDefault();
        var deviceIds = attached.Append(request.DeviceId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var view = View(vehicle, state, deviceIds, await RulesAsync(caller, cancellationToken), timeProvider.GetUtcNow());
        return created ? ApiResult<VehicleView>.Created(view, "/api/vehicles/" + vehicleId) : ApiResult<VehicleView>.Ok(view);
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

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> DevicesAsync(
        FleetCaller caller, IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken) =>
        caller.SeesWholeCompany ? await configuration.DevicesOfAsync(caller.CompanyId, vehicleIds, cancellationToken) : new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The company's rules, which say how long its vehicles may be silent; a company removed meanwhile has the defaults.</summary>
    private async Task<RuleSettings> RulesAsync(FleetCaller caller, CancellationToken cancellationToken) =>
        (await configuration.CompanyAsync(caller.CompanyId, cancellationToken))?.Rules ?? RuleSettings.Default;

    private static VehicleView View(VehicleProfile vehicle, VehicleState? state, IReadOnlyList<string>? deviceIds, RuleSettings rules, DateTimeOffset now)
    {
        var settings = new VehicleRuleSettings(rules, vehicle);
        var status = state?.Status ?? VehicleStatus.Offline;
        var noRecentData = state?.HasNoRecentData(settings, now) ?? false;
        return new(
            vehicle.VehicleId,
            vehicle.Name,
            deviceIds ?? [],
            ApiText.Of(vehicle.VehicleClass),
            vehicle.SpeedLimitKmh,
            vehicle.FuelCapacityLiters,
            vehicle.ExpectedReportInterval?.TotalSeconds,
            vehicle.ServiceIntervalKm,
            vehicle.HarshBrakingMetersPerSecondSquared,
            vehicle.HarshAccelerationMetersPerSecondSquared,
            status.ToCode(),
            state?.LastFix?.Position.Latitude,
            state?.LastFix?.Position.Longitude,
            noRecentData || status == VehicleStatus.Offline ? null : state?.LastFix?.SpeedKmh,
            state?.LastSeen,
            // To the metre, as the live updates show it: the sum of many segments carries float noise past that.
            Math.Round(state?.OdometerKm ?? vehicle.InitialOdometerKm, 3),
            settings.ExpectedReportInterval(state?.Cadence).TotalSeconds,
            settings.NoRecentDataAfter(state?.Cadence).TotalSeconds,
            noRecentData);
    }
}
