using Fleet.Adapters.Auth;
using Fleet.Core.Api;
using Fleet.Core.Identity;
using Microsoft.AspNetCore.Http;

namespace Fleet.Http;

public sealed record SubscriptionRequest(string? VehicleId);

/// <summary>
/// The HTTP API of DESIGN 3.4, whichever host serves it: each route authenticates the caller (DESIGN 7.5), reads its
/// query or body, calls the core handler and translates its answer. Hosts only map their routes to these methods.
/// </summary>
public sealed class FleetHttpApi(
    UserTokens tokens,
    MembershipDirectory memberships,
    RealtimeAccessHandler realtime,
    CompaniesApiHandler companies,
    UsersApiHandler users,
    DeviceCredentialsApiHandler deviceCredentials,
    AlertsApiHandler alerts,
    VehiclesApiHandler vehicles,
    GeofencesApiHandler geofences,
    DriversApiHandler drivers,
    DashboardApiHandler dashboard,
    JobsApiHandler jobs,
    TrackingHandler tracking,
    Microsoft.Extensions.Options.IOptions<DashboardLocation> dashboardLocation)
{
    /// <summary>
    /// The caller of a route the host serves itself (negotiate), validated as every route here validates it: the token
    /// says who the user is, their membership in the company the request acts for what they may do.
    /// </summary>
    /// <param name="freshMemberships">Read memberships past the cache: for what sets realtime groups, which outlive the request.</param>
    public async Task<AuthenticatedCaller> AuthenticateAsync(HttpContext http, bool freshMemberships = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        var token = BearerToken.Of(http.Request);
        if (TrackingHandler.IsTrackingToken(token))
        {
            var link = await tracking.ValidateAsync(token!, http.RequestAborted);
            return link.Caller is { } linkCaller ? new AuthenticatedCaller(linkCaller) : new AuthenticatedCaller(NotAuthenticated(link.Failure));
        }

        var (identity, refusal) = await IdentifyAsync(http, token);
        if (identity is null)
        {
            return new AuthenticatedCaller(refusal!);
        }

        var resolution = await memberships.ResolveAsync(identity, CompanyChoice(http.Request), freshMemberships, http.RequestAborted);
        return resolution.Caller is { } caller ? new AuthenticatedCaller(caller) : new AuthenticatedCaller(ApiResults.Problem(resolution.Problem!));
    }

    /// <summary>The company a request names: the <c>X-Fleet-Company</c> header, or else the <c>company_id</c> query parameter.</summary>
    public static string? CompanyChoice(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers[MembershipDirectory.CompanyHeader].ToString();
        return header.Length > 0 ? header : request.Query[MembershipDirectory.CompanyQueryParameter].ToString() is { Length: > 0 } query ? query : null;
    }

    private async Task<(FleetIdentity? Identity, IResult? Refusal)> IdentifyAsync(HttpContext http, string? token)
    {
        if (TrackingHandler.IsTrackingToken(token))
        {
            return (null, ApiResults.Problem(TrackingLinksOnlyTrack));
        }

        var validation = await tokens.ValidateAsync(token, http.RequestAborted);
        if (validation.Identity is { } identity)
        {
            return (identity, null);
        }

        return (null, validation.Unavailable
            ? ApiResults.Problem(ApiProblem.Unavailable("Sign-in cannot be checked", validation.Failure!, SignInRetryAfter))
            : NotAuthenticated(validation.Failure));
    }

    // A 401 names the scheme to use (RFC 6750).
    private static WithHeader NotAuthenticated(string? detail) =>
        new(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated", detail: detail), "WWW-Authenticate", "Bearer");

    private static readonly TimeSpan SignInRetryAfter = TimeSpan.FromSeconds(30);

    private static readonly ApiProblem TrackingLinksOnlyTrack = ApiProblem.Forbidden("A tracking link opens its job's tracking view and nothing else.");

    public Task<IResult> MeAsync(HttpContext http) =>
        AsIdentityAsync(http, (identity, cancellationToken) => users.MeAsync(identity, CompanyChoice(http.Request), cancellationToken));

    public Task<IResult> ListCompaniesAsync(HttpContext http) => AsIdentityAsync(http, async (identity, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (limit, after) = (query.Int(PageSize.LimitParameter), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await companies.ListAsync(identity, limit, after, cancellationToken);
    });

    public Task<IResult> CreateCompanyAsync(HttpContext http) =>
        AsIdentityWithBodyAsync(http, (FleetIdentity identity, CompanyRequest? request, CancellationToken token) => companies.CreateAsync(identity, request, token));

    public Task<IResult> GetCompanyAsync(HttpContext http, string id) =>
        AsIdentityAsync(http, (identity, cancellationToken) => companies.GetAsync(identity, id, cancellationToken));

    public Task<IResult> UpdateCompanyAsync(HttpContext http, string id) =>
        AsIdentityWithBodyAsync(http, (FleetIdentity identity, CompanyRequest? request, CancellationToken token) => companies.UpdateAsync(identity, id, request, token));

    public Task<IResult> DeleteCompanyAsync(HttpContext http, string id) =>
        AsIdentityAsync(http, (identity, cancellationToken) => companies.DeleteAsync(identity, id, cancellationToken));

    public Task<IResult> ListUsersAsync(HttpContext http) => AsIdentityAsync(http, async (identity, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (limit, after) = (query.Int(PageSize.LimitParameter), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await users.ListAsync(identity, CompanyChoice(http.Request), limit, after, cancellationToken);
    });

    public Task<IResult> CreateUserAsync(HttpContext http) =>
        AsIdentityWithBodyAsync(http, (FleetIdentity identity, UserRequest? request, CancellationToken token) =>
            users.CreateAsync(identity, request is not null && request.CompanyId is null ? request with { CompanyId = CompanyChoice(http.Request) } : request, token));

    public Task<IResult> UpdateUserAsync(HttpContext http, string id) =>
        AsIdentityWithBodyAsync(http, (FleetIdentity identity, UserRequest? request, CancellationToken token) =>
            users.UpdateAsync(identity, id, CompanyChoice(http.Request), request, token));

    public Task<IResult> DeleteUserAsync(HttpContext http, string id) =>
        AsIdentityAsync(http, (identity, cancellationToken) => users.DeleteAsync(identity, id, CompanyChoice(http.Request), cancellationToken));

    // Following adds the caller to a group, which outlives the request: their membership is read afresh.
    public Task<IResult> FollowAsync(HttpContext http) =>
        RespondWithBodyAsync(
            http,
            (FleetCaller caller, SubscriptionRequest? request, CancellationToken token) => realtime.FollowAsync(caller, request?.VehicleId, token),
            freshMemberships: true);

    public Task<IResult> UnfollowAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, SubscriptionRequest? request, CancellationToken token) => realtime.UnfollowAsync(caller, request?.VehicleId, token));

    public Task<IResult> ListAlertsAsync(HttpContext http) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (limit, unread, after) = (query.Int(PageSize.LimitParameter), query.Bool("unread"), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await alerts.ListAsync(caller, limit, unread ?? false, after, cancellationToken);
    });

    public Task<IResult> RaiseAlertAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, AlertRequest? request, CancellationToken token) => alerts.RaiseAsync(caller, request, token));

    public Task<IResult> MarkAlertReadAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => alerts.MarkReadAsync(caller, id, cancellationToken));

    public Task<IResult> DeleteAlertAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => alerts.DeleteAsync(caller, id, cancellationToken));

    public Task<IResult> ListVehiclesAsync(HttpContext http) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (limit, after) = (query.Int(PageSize.LimitParameter), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await vehicles.ListAsync(caller, limit, after, cancellationToken);
    });

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
        var (limit, after) = (query.Int(PageSize.LimitParameter), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await vehicles.TripsAsync(caller, id, from, to, limit, after, cancellationToken);
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

    public Task<IResult> DashboardVehiclesAsync(HttpContext http) => RespondAsync(http, dashboard.VehiclesAsync);

    public Task<IResult> CreateJobAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, JobRequest? request, CancellationToken token) => jobs.CreateAsync(caller, request, token));

    public Task<IResult> ListJobsAsync(HttpContext http) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (status, vehicleId, from, to) = (query.Text("status"), query.Text("vehicle_id"), query.Time("from"), query.Time("to"));
        var (limit, after) = (query.Int(PageSize.LimitParameter), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await jobs.ListAsync(caller, status, vehicleId, from, to, limit, after, cancellationToken);
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

    public Task<IResult> GetGeofenceAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => geofences.GetAsync(caller, id, cancellationToken));

    public Task<IResult> SaveGeofenceAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, GeofenceRequest? request, CancellationToken token) => geofences.SaveAsync(caller, request, token));

    public Task<IResult> DeleteGeofenceAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => geofences.DeleteAsync(caller, id, cancellationToken));

    public Task<IResult> CreateDeviceCredentialAsync(HttpContext http, string deviceId) =>
        RespondWithBodyAsync(http, (FleetCaller caller, DeviceCredentialRequest? request, CancellationToken token) => deviceCredentials.CreateAsync(caller, deviceId, request, token));

    public Task<IResult> ListDeviceCredentialsAsync(HttpContext http, string deviceId) =>
        RespondAsync(http, (caller, cancellationToken) => deviceCredentials.ListAsync(caller, deviceId, cancellationToken));

    public Task<IResult> RevokeDeviceCredentialAsync(HttpContext http, string deviceId, string credentialId) =>
        RespondAsync(http, (caller, cancellationToken) => deviceCredentials.RevokeAsync(caller, deviceId, credentialId, cancellationToken));

    public Task<IResult> ListDriversAsync(HttpContext http) => RespondAsync(http, async (caller, cancellationToken) =>
    {
        var query = new QueryReader(http.Request.Query);
        var (limit, after) = (query.Int(PageSize.LimitParameter), query.Text(PageSize.AfterParameter));
        return query.Problem ?? await drivers.ListAsync(caller, limit, after, cancellationToken);
    });

    public Task<IResult> GetDriverAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => drivers.GetAsync(caller, id, cancellationToken));

    public Task<IResult> SaveDriverAsync(HttpContext http) =>
        RespondWithBodyAsync(http, (FleetCaller caller, DriverRequest? request, CancellationToken token) => drivers.SaveAsync(caller, request, token));

    public Task<IResult> DeleteDriverAsync(HttpContext http, string id) =>
        RespondAsync(http, (caller, cancellationToken) => drivers.DeleteAsync(caller, id, cancellationToken));

    private Task<IResult> RespondWithBodyAsync<TBody, T>(
        HttpContext http, Func<FleetCaller, TBody?, CancellationToken, Task<ApiResult<T>>> handle, bool freshMemberships = false)
        where TBody : class =>
        AsCallerAsync(http, WithBody(http, handle), freshMemberships: freshMemberships);

    private Task<IResult> RespondWithBodyAsync<TBody>(HttpContext http, Func<FleetCaller, TBody?, CancellationToken, Task<ApiResult>> handle)
        where TBody : class =>
        AsCallerAsync(http, WithBody(http, handle));

    // A route with a JSON body: a body that does not read as TBody is the caller's 400 before any handler runs.
    private static Func<TActor, CancellationToken, Task<IResult>> WithBody<TActor, TBody, T>(
        HttpContext http, Func<TActor, TBody?, CancellationToken, Task<ApiResult<T>>> handle)
        where TBody : class =>
        async (actor, cancellationToken) =>
        {
            var (request, problem) = await RequestBody.ReadAsync<TBody>(http.Request, cancellationToken);
            return (problem ?? await handle(actor, request, cancellationToken)).ToHttp();
        };

    private static Func<TActor, CancellationToken, Task<IResult>> WithBody<TActor, TBody>(
        HttpContext http, Func<TActor, TBody?, CancellationToken, Task<ApiResult>> handle)
        where TBody : class =>
        async (actor, cancellationToken) =>
        {
            var (request, problem) = await RequestBody.ReadAsync<TBody>(http.Request, cancellationToken);
            return (problem ?? await handle(actor, request, cancellationToken)).ToHttp();
        };

    private Task<IResult> RespondAsync<T>(HttpContext http, Func<FleetCaller, CancellationToken, Task<ApiResult<T>>> handle) =>
        AsCallerAsync(http, async (caller, cancellationToken) => (await handle(caller, cancellationToken)).ToHttp());

    private Task<IResult> RespondAsync(HttpContext http, Func<FleetCaller, CancellationToken, Task<ApiResult>> handle) =>
        AsCallerAsync(http, async (caller, cancellationToken) => (await handle(caller, cancellationToken)).ToHttp());

    // Authentication comes first: a caller without a valid token learns nothing, not even that the request was malformed.
    // A tracking link opens its job's tracking view and nothing else, whatever a handler would allow a viewer.
    private async Task<IResult> AsCallerAsync(
        HttpContext http, Func<FleetCaller, CancellationToken, Task<IResult>> respond, bool forTrackingLinks = false, bool freshMemberships = false)
    {
        var authentication = await AuthenticateAsync(http, freshMemberships);
        if (!authentication.Succeeded)
        {
            return authentication.Refusal;
        }

        if (authentication.Caller.Tracking is not null && !forTrackingLinks)
        {
            return ApiResults.Problem(TrackingLinksOnlyTrack);
        }

        return await respond(authentication.Caller, http.RequestAborted);
    }

    // The routes of companies, users and the caller's own identity: they act for a person, not for one company.
    private Task<IResult> AsIdentityAsync<T>(HttpContext http, Func<FleetIdentity, CancellationToken, Task<ApiResult<T>>> handle) =>
        AsIdentityAsync(http, async (identity, cancellationToken) => (await handle(identity, cancellationToken)).ToHttp());

    private Task<IResult> AsIdentityAsync(HttpContext http, Func<FleetIdentity, CancellationToken, Task<ApiResult>> handle) =>
        AsIdentityAsync(http, async (identity, cancellationToken) => (await handle(identity, cancellationToken)).ToHttp());

    private async Task<IResult> AsIdentityAsync(HttpContext http, Func<FleetIdentity, CancellationToken, Task<IResult>> respond)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (identity, refusal) = await IdentifyAsync(http, BearerToken.Of(http.Request));
        return identity is null ? refusal! : await respond(identity, http.RequestAborted);
    }

    private Task<IResult> AsIdentityWithBodyAsync<TBody, T>(HttpContext http, Func<FleetIdentity, TBody?, CancellationToken, Task<ApiResult<T>>> handle)
        where TBody : class =>
        AsIdentityAsync(http, WithBody(http, handle));
}
