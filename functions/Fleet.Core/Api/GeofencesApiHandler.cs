using System.Text.Json;
using Fleet.Core.Alerts;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Api;

/// <summary>A fence on the wire: its geometry as GeoJSON (longitude first), with a radius for a Point circle or a half width for a LineString corridor.</summary>
public sealed record GeofenceView(
    string GeofenceId,
    string Name,
    JsonElement Geometry,
    double? RadiusMeters,
    double? HalfWidthMeters,
    string AlertOn,
    double? SpeedLimitKmh,
    double? DwellSeconds,
    string Severity);

public sealed record GeofenceRequest(
    string? GeofenceId,
    string? Name,
    JsonElement? Geometry,
    double? RadiusMeters,
    double? HalfWidthMeters,
    string? AlertOn,
    double? SpeedLimitKmh,
    double? DwellSeconds,
    string? Severity);

/// <summary>
/// The company's geofences: everyone of the company reads them, admins change them. POST creates a fence (its id
/// assigned when left out) or replaces the fence with the given id.
/// </summary>
public sealed class GeofencesApiHandler(IFleetConfiguration configuration, ConfigAnnouncer announcer)
{
    /// <summary>With <see cref="GeofenceShape.MaxVertices"/>, what bounds one company's containment work per fix.</summary>
    public const int MaxFencesPerCompany = 1_000;

    public const int MaxNameLength = 200;

    public async Task<ApiResult<IReadOnlyList<GeofenceView>>> ListAsync(FleetCaller caller, CancellationToken cancellationToken)
    {
        if (NotForViewers(caller) is { } refusal)
        {
            return refusal;
        }

        var fences = await configuration.GeofencesOfAsync(caller.CompanyId, cancellationToken);
        return ApiResult<IReadOnlyList<GeofenceView>>.Ok([.. fences.Select(View)]);
    }

    /// <summary>Creates or replaces the fence with that id; the next batch of telemetry uses it.</summary>
    public async Task<ApiResult<GeofenceView>> SaveAsync(FleetCaller caller, GeofenceRequest? request, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Geometry is not { } geometry)
        {
            return ApiProblem.BadRequest("name and geometry are required.");
        }

        if (request.Name.Length > MaxNameLength)
        {
            return ApiProblem.InvalidField("name", $"name may be at most {MaxNameLength} characters.");
        }

        var (geofenceId, invalidId) = ResourceIds.GivenOrNew(request.GeofenceId, "geofence_id", "gf");
        if (invalidId is not null)
        {
            return invalidId;
        }

        var alertOn = GeofenceAlertRule.Both;
        if (request.AlertOn is not null && !ApiText.TryParse(request.AlertOn, out alertOn))
        {
            return ApiProblem.BadRequest($"alert_on must be one of {ApiText.Choices<GeofenceAlertRule>()}.");
        }

        var severity = AlertSeverity.Medium;
        if (request.Severity is not null && !ApiText.TryParse(request.Severity, out severity))
        {
            return ApiProblem.BadRequest($"severity must be one of {ApiText.Choices<AlertSeverity>()}.");
        }

        if (request.SpeedLimitKmh is <= 0 or > 300 || request.DwellSeconds is not null and not (0 or (>= 1 and <= 86_400)))
        {
            return ApiProblem.BadRequest("speed_limit_kmh must be in (0, 300] and dwell_seconds 0 or in [1, 86400].");
        }

        GeofenceShape shape;
        try
        {
            shape = GeoJsonGeometry.Read(geometry, request.RadiusMeters, request.HalfWidthMeters);
        }
        catch (FormatException exception)
        {
            return ApiProblem.BadRequest("geometry: " + exception.Message + ".");
        }

        var existing = await configuration.GeofencesOfAsync(caller.CompanyId, cancellationToken);
        if (existing.Count >= MaxFencesPerCompany && existing.All(fence => fence.Id != geofenceId))
        {
            return ApiProblem.Conflict($"A company may have at most {MaxFencesPerCompany} geofences; delete one first.");
        }

        var fence = new Geofence(
            geofenceId!,
            caller.CompanyId,
            request.Name,
            shape,
            alertOn,
            request.SpeedLimitKmh,
            request.DwellSeconds is { } dwell ? TimeSpan.FromSeconds(dwell) : null,
            severity);
        try
        {
            await configuration.SaveGeofenceAsync(fence, cancellationToken);
        }
        catch (OwnershipConflictException)
        {
            return ApiProblem.Conflict($"Company '{caller.CompanyId}' is not registered.");
        }

        var change = existing.Any(stored => stored.Id == fence.Id) ? ConfigChange.Updated : ConfigChange.Created;
        await announcer.AnnounceAsync(caller.CompanyId, ConfigKind.Geofence, fence.Id, change, cancellationToken);

        return ApiResult<GeofenceView>.Created(View(fence), "/api/geofences/" + fence.Id);
    }

    public async Task<ApiResult<GeofenceView>> GetAsync(FleetCaller caller, string geofenceId, CancellationToken cancellationToken)
    {
        if (NotForViewers(caller) is { } refusal)
        {
            return refusal;
        }

        return await configuration.GeofenceAsync(caller.CompanyId, geofenceId, cancellationToken) is { } fence
            ? ApiResult<GeofenceView>.Ok(View(fence))
            : ApiProblem.NotFound($"No geofence '{geofenceId}'.");
    }

    public async Task<ApiResult> DeleteAsync(FleetCaller caller, string geofenceId, CancellationToken cancellationToken)
    {
        if (VehiclesApiHandler.AdminOnly(caller) is { } refusal)
        {
            return refusal;
        }

        if (!await configuration.DeleteGeofenceAsync(caller.CompanyId, geofenceId, cancellationToken))
        {
            return ApiProblem.NotFound($"No geofence '{geofenceId}'.");
        }

        await announcer.AnnounceAsync(caller.CompanyId, ConfigKind.Geofence, geofenceId, ConfigChange.Deleted, cancellationToken);
        return ApiResult.NoContent;
    }

    // The company's zones (depots, customers' sites) are its own business: a customer or rider following a vehicle
    // has no need of them.
    private static ApiProblem? NotForViewers(FleetCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role == FleetRole.Viewer ? ApiProblem.Forbidden("Geofences are for the company's staff.") : null;
    }

    private static GeofenceView View(Geofence fence)
    {
        using var geometry = JsonDocument.Parse(GeoJsonGeometry.Write(fence.Shape));
        return new GeofenceView(
            fence.Id,
            fence.Name,
            geometry.RootElement.Clone(),
            GeoJsonGeometry.RadiusMetersOf(fence.Shape),
            GeoJsonGeometry.HalfWidthMetersOf(fence.Shape),
            ApiText.Of(fence.AlertOn),
            fence.SpeedLimitKmh,
            fence.Dwell?.TotalSeconds,
            ApiText.Of(fence.Severity));
    }
}
