using Fleet.Adapters.Auth;
using Fleet.Core.Api;
using Microsoft.AspNetCore.Http;

namespace Fleet.Http;

public sealed record SubscriptionRequest(string? VehicleId);

/// <summary>
/// The HTTP API of DESIGN 3.4, whichever host serves it: each route authenticates the caller (DESIGN 7.5), reads its
/// query or body, calls the core handler and translates its answer. Hosts only map their routes to these methods.
/// </summary>
public sealed class FleetHttpApi(
    UserTokens tokens,
    RealtimeAccessHandler realtime,
    AlertsApiHandler alerts,
    VehiclesApiHandler vehicles,
    GeofencesApiHandler geofences,
    DriversApiHandler drivers,
    DashboardApiHandler dashboard,
    JobsApiHandler jobs,
    TrackingHandler tracking,
    Microsoft.Extensions.Options.IOptions<DashboardLocation> dashboardLocation)
{
    /// <summary>The caller of a route the host serves itself (negotiate), validated as every route here validates it.</summary>
    public async Task<AuthenticatedCaller> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var token = BearerToken.Of(http.Request);
        if (TrackingHandler.IsTrackingToken(token))
        {
            var link = await tracking.ValidateAsync(token!, http.RequestAborted);
            return link.Caller is { } linkCaller ? new AuthenticatedCaller(linkCaller) : new AuthenticatedCaller(NotAuthenticated(link.Failure));
        }

        var validation = await tokens.ValidateAsync(token, http.RequestAborted);
        if (validation.Caller is { } caller)
        {
            return new AuthenticatedCaller(caller);
        }

        return new AuthenticatedCaller(validation.Unavailable
            ? new RetryLater(Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Sign-in cannot be checked", detail: validation.Failure))
            : NotAuthenticated(validation.Failure));
    }

    private static BearerChallenge NotAuthenticated(string? detail) =>
        new(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated", detail: detail));

    public Task<IResult> FollowAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, SubscriptionRequest? request, CancellationToken token) => realtime.FollowAsync(caller, request?.VehicleId, token));

    public Task<IResult> UnfollowAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, SubscriptionRequest? request, CancellationToken token) => realtime.UnfollowAsync(caller, request?.VehicleId, token));

    public Task<IResult> ListAlertsAsync(HttpContext http) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (limit, unread) = (query.Int("limit"), query.Bool("unread"));
        return query.Problem ?? await alerts.ListAsync(caller, limit, unread ?? false, cancellationToken);
    });

    public Task<IResult> RaiseAlertAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, AlertRequest? request, CancellationToken token) => alerts.RaiseAsync(caller, request, token));

    public Task<IResult> MarkAlertReadAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => alerts.MarkReadAsync(caller, id, cancellationToken));

    public Task<IResult> DeleteAlertAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => alerts.DeleteAsync(caller, id, cancellationToken));

    public Task<IResult> ListVehiclesAsync(HttpContext http) => RespondAsync(http, vehicles.ListAsync);

    public Task<IResult> GetVehicleAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => vehicles.GetAsync(caller, id, cancellationToken));

    public Task<IResult> VehicleLocationsAsync(HttpContext http, string id) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (from, to, after, limit) = (query.Time("from"), query.Time("to"), query.Time("after"), query.Int("limit"));
        return query.Problem ?? await vehicles.LocationsAsync(caller, id, from, to, after, limit, cancellationToken);
    });

    public Task<IResult> VehicleTripsAsync(HttpContext http, string id) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (from, to) = (query.Time("from"), query.Time("to"));
        return query.Problem ?? await vehicles.TripsAsync(caller, id, from, to, cancellationToken);
    });

    public Task<IResult> GetTripAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => vehicles.TripAsync(caller, id, cancellationToken));

    public Task<IResult> CreateVehicleAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, VehicleRequest? request, CancellationToken token) => vehicles.CreateAsync(caller, request, token));

    public Task<IResult> UpdateVehicleAsync(HttpContext http, string id) =>
        RespondWithBodyAsync(http, (FleetCaller caller, VehicleRequest? request, CancellationToken token) => vehicles.UpdateAsync(caller, id, request, token));

    public Task<IResult> DeleteVehicleAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => vehicles.DeleteAsync(caller, id, cancellationToken));

    public Task<IResult> DashboardAsync(HttpContext http) => RespondAsync(http, dashboard.GetAsync);

    public Task<IResult> CreateJobAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, JobRequest? request, CancellationToken token) => jobs.CreateAsync(caller, request, token));

    public Task<IResult> ListJobsAsync(HttpContext http) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (status, vehicleId, from, to, limit) = (query.Text("status"), query.Text("vehicle_id"), query.Time("from"), query.Time("to"), query.Int("limit"));
        return query.Problem ?? await jobs.ListAsync(caller, status, vehicleId, from, to, limit, cancellationToken);
    });

    public Task<IResult> GetJobAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => jobs.GetAsync(caller, id, cancellationToken));

    public Task<IResult> AssignJobAsync(HttpContext http, string id) =>
        RespondWithBodyAsync(http, (FleetCaller caller, JobAssignmentRequest? request, CancellationToken token) => jobs.AssignAsync(caller, id, request, token));

    /// <summary>The tracking page is the dashboard's <c>/track/</c>: on this host's origin unless the dashboard lives elsewhere.</summary>
    public Task<IResult> ShareJobAsync(HttpContext http, string id) => RespondAsync(http, (caller, cancellationToken) =>
    {
        var dashboard = dashboardLocation.Value.Url is { Length: > 0 } configured
            ? new Uri(configured.EndsWith('/') ? configured : configured + "/")
            : new Uri($"{http.Request.Scheme}://{http.Request.Host}/");
        return tracking.ShareAsync(caller, id, new Uri(dashboard, "track/"), cancellationToken);
    });

    public Task<IResult> TrackAsync(HttpContext http) =>
        AsCallerAsync(http, async (caller, cancellationToken) => (await tracking.TrackAsync(caller, cancellationToken)).ToHttp(), forTrackingLinks: true);

    public Task<IResult> ChangeJobStatusAsync(HttpContext http, string id) =>
        RespondWithBodyAsync(http, (FleetCaller caller, JobStatusRequest? request, CancellationToken token) => jobs.ChangeStatusAsync(caller, id, request, token));

    public Task<IResult> ListGeofencesAsync(HttpContext http) => RespondAsync(http, geofences.ListAsync);

    public Task<IResult> SaveGeofenceAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, GeofenceRequest? request, CancellationToken token) => geofences.SaveAsync(caller, request, token));

    public Task<IResult> DeleteGeofenceAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => geofences.DeleteAsync(caller, id, cancellationToken));

    public Task<IResult> ListDriversAsync(HttpContext http) => RespondAsync(http, drivers.ListAsync);

    public Task<IResult> SaveDriverAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, DriverRequest? request, CancellationToken token) => drivers.SaveAsync(caller, request, token));

    public Task<IResult> DeleteDriverAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => drivers.DeleteAsync(caller, id, cancellationToken));

    // A route with a JSON body: a body that does not read as TBody is the caller's 400 before any handler runs.
    private Task<IResult> RespondWithBodyAsync<TBody, T>(HttpContext http, Func<FleetCaller, TBody?, CancellationToken, Task<ApiResult<T>>> handle)
        where TBody : class =>
        RespondAsync(http, async (caller, cancellationToken) =>
        {
            var (request, problem) = await RequestBody.ReadAsync<TBody>(http.Request, cancellationToken);
            return problem ?? await handle(caller, request, cancellationToken);
        });

    private Task<IResult> RespondWithBodyAsync<TBody>(HttpContext http, Func<FleetCaller, TBody?, CancellationToken, Task<ApiResult>> handle)
        where TBody : class =>
        RespondAsync(http, async (caller, cancellationToken) =>
        {
            var (request, problem) = await RequestBody.ReadAsync<TBody>(http.Request, cancellationToken);
            return problem ?? await handle(caller, request, cancellationToken);
        });

    private Task<IResult> RespondAsync<T>(HttpContext http, Func<FleetCaller, CancellationToken, Task<ApiResult<T>>> handle) =>
        AsCallerAsync(http, async (caller, cancellationToken) => (await handle(caller, cancellationToken)).ToHttp());

    private Task<IResult> RespondAsync(HttpContext http, Func<FleetCaller, CancellationToken, Task<ApiResult>> handle) =>
        AsCallerAsync(http, async (caller, cancellationToken) => (await handle(caller, cancellationToken)).ToHttp());

    // Authentication comes first: a caller without a valid token learns nothing, not even that the request was malformed.
    // A tracking link opens its job's tracking view and nothing else, whatever a handler would allow a viewer.
    private async Task<IResult> AsCallerAsync(HttpContext http, Func<FleetCaller, CancellationToken, Task<IResult>> respond, bool forTrackingLinks = false)
    {
        var authentication = await AuthenticateAsync(http);
        if (!authentication.Succeeded)
        {
            return authentication.Refusal;
        }

        if (authentication.Caller.Tracking is not null && !forTrackingLinks)
        {
            return ApiResults.Problem(ApiProblem.Forbidden("A tracking link opens its job's tracking view and nothing else."));
        }

        return await respond(authentication.Caller, http.RequestAborted);
    }

    /// <summary>A 503 that tells clients when to try again, as for any outage of a dependency.</summary>
    private sealed class RetryLater(IResult problem) : IResult
    {
        private const string RetryAfterSeconds = "30";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            return problem.ExecuteAsync(httpContext);
        }
    }

    /// <summary>A 401 that names the scheme to use (RFC 6750), whatever context it is executed in.</summary>
    private sealed class BearerChallenge(IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return problem.ExecuteAsync(httpContext);
        }
    }
}
