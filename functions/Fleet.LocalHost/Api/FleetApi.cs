using System.Text.Json;
using Fleet.Adapters.Auth;
using Fleet.Core.Api;
using Fleet.LocalHost.Ingestion;
using Fleet.LocalHost.Realtime;

namespace Fleet.LocalHost.Api;

public sealed record SubscriptionRequest(string? VehicleId);

public sealed record DevTokenRequest(string? UserId, string? CompanyId, string? Role, string[]? VehicleIds);

public sealed record DevTokenResponse(string AccessToken);

/// <summary>The HTTP API of DESIGN 3.4 on the local host: each route translates HTTP to a core handler and back.</summary>
internal static class FleetApi
{
    // The SignalR client reads negotiate's answer in camelCase; everything else is snake_case.
    private static readonly JsonSerializerOptions NegotiateJson = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan HealthProbeTimeout = TimeSpan.FromSeconds(3);

    public static void MapFleetApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/health", Health).WithName("Health");

        var secured = api.MapGroup("").AddEndpointFilter<RequireCaller>();
        secured.MapPost("/negotiate", NegotiateAsync);
        secured.MapPost("/subscriptions", async (SubscriptionRequest? request, HttpContext http, RealtimeAccessHandler handler) =>
            (await handler.FollowAsync(RequireCaller.Of(http), request?.VehicleId, http.RequestAborted)).ToHttp());
        secured.MapDelete("/subscriptions", async ([Microsoft.AspNetCore.Mvc.FromBody] SubscriptionRequest? request, HttpContext http, RealtimeAccessHandler handler) =>
            (await handler.UnfollowAsync(RequireCaller.Of(http), request?.VehicleId, http.RequestAborted)).ToHttp());
        secured.MapGet("/alerts", async (int? limit, bool? unread, HttpContext http, AlertsApiHandler handler) =>
            (await handler.ListAsync(RequireCaller.Of(http), limit, unread ?? false, http.RequestAborted)).ToHttp());
        secured.MapPost("/alerts", async (AlertRequest? request, HttpContext http, AlertsApiHandler handler) =>
            (await handler.RaiseAsync(RequireCaller.Of(http), request, http.RequestAborted)).ToHttp());
        secured.MapPost("/alerts/{id}/read", async (string id, HttpContext http, AlertsApiHandler handler) =>
            (await handler.MarkReadAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());
        secured.MapDelete("/alerts/{id}", async (string id, HttpContext http, AlertsApiHandler handler) =>
            (await handler.DeleteAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());

        secured.MapGet("/vehicles", async (HttpContext http, VehiclesApiHandler handler) =>
            (await handler.ListAsync(RequireCaller.Of(http), http.RequestAborted)).ToHttp());
        secured.MapGet("/vehicles/{id}", async (string id, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.GetAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());
        secured.MapGet("/vehicles/{id}/locations", async (string id, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset? after, int? limit, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.LocationsAsync(RequireCaller.Of(http), id, from, to, after, limit, http.RequestAborted)).ToHttp());
        secured.MapGet("/vehicles/{id}/trips", async (string id, DateTimeOffset? from, DateTimeOffset? to, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.TripsAsync(RequireCaller.Of(http), id, from, to, http.RequestAborted)).ToHttp());
        secured.MapGet("/trips/{id}", async (string id, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.TripAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());
        secured.MapPost("/vehicles", async (VehicleRequest? request, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.CreateAsync(RequireCaller.Of(http), request, http.RequestAborted)).ToHttp());
        secured.MapPut("/vehicles/{id}", async (string id, VehicleRequest? request, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.UpdateAsync(RequireCaller.Of(http), id, request, http.RequestAborted)).ToHttp());
        secured.MapDelete("/vehicles/{id}", async (string id, HttpContext http, VehiclesApiHandler handler) =>
            (await handler.DeleteAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());

        secured.MapGet("/dashboard", async (HttpContext http, DashboardApiHandler handler) =>
            (await handler.GetAsync(RequireCaller.Of(http), http.RequestAborted)).ToHttp());

        secured.MapGet("/geofences", async (HttpContext http, GeofencesApiHandler handler) =>
            (await handler.ListAsync(RequireCaller.Of(http), http.RequestAborted)).ToHttp());
        secured.MapPost("/geofences", async (GeofenceRequest? request, HttpContext http, GeofencesApiHandler handler) =>
            (await handler.SaveAsync(RequireCaller.Of(http), request, http.RequestAborted)).ToHttp());
        secured.MapDelete("/geofences/{id}", async (string id, HttpContext http, GeofencesApiHandler handler) =>
            (await handler.DeleteAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());

        secured.MapGet("/drivers", async (HttpContext http, DriversApiHandler handler) =>
            (await handler.ListAsync(RequireCaller.Of(http), http.RequestAborted)).ToHttp());
        secured.MapPost("/drivers", async (DriverRequest? request, HttpContext http, DriversApiHandler handler) =>
            (await handler.SaveAsync(RequireCaller.Of(http), request, http.RequestAborted)).ToHttp());
        secured.MapDelete("/drivers/{id}", async (string id, HttpContext http, DriversApiHandler handler) =>
            (await handler.DeleteAsync(RequireCaller.Of(http), id, http.RequestAborted)).ToHttp());

        if (app.Environment.IsDevelopment())
        {
            api.MapPost("/dev/token", MintDevToken);
        }
    }

    private static async Task<IResult> NegotiateAsync(
        HttpContext http, RealtimeAccessHandler handler, SignalRClientTokens clientTokens, ConnectionCounter connections, Microsoft.Extensions.Options.IOptions<LocalHostOptions> options)
    {
        var caller = RequireCaller.Of(http);
        if (connections.Of(caller.UserId) >= options.Value.MaxConnectionsPerUser)
        {
            return ApiResults.Problem(new ApiProblem(
                StatusCodes.Status429TooManyRequests, "Too many connections", $"At most {options.Value.MaxConnectionsPerUser} connections per user."));
        }

        var grant = await handler.NegotiateAsync(caller, http.RequestAborted);
        return Results.Json(clientTokens.Mint(SignalRClientAuthentication.ServiceBase(http.Request), grant.UserId), NegotiateJson);
    }

    private static IResult MintDevToken(DevTokenRequest? request, UserTokens tokens)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrWhiteSpace(request.CompanyId))
        {
            return ApiResults.Problem(ApiProblem.BadRequest("user_id and company_id are required."));
        }

        if (!UserTokens.TryParseRole(request.Role, out var role))
        {
            return ApiResults.Problem(ApiProblem.BadRequest($"role must be one of {string.Join(", ", UserTokens.RoleNames)}."));
        }

        return Results.Json(new DevTokenResponse(tokens.MintDevelopmentToken(request.UserId, request.CompanyId, role, request.VehicleIds ?? [])));
    }

    private static async Task<IResult> Health(
        LocalPartitions partitions, ConnectionCounter connections, Fleet.Core.Ports.IDeviceRegistry registry, Fleet.Core.Ports.IAlertStore alerts, HttpContext http)
    {
        // A probe through each store's port: a real round trip on PostgreSQL and Table Storage, nothing to leak.
        var database = await ProbeAsync(token => registry.ResolveAsync(["health-probe"], token), http.RequestAborted);
        var tables = await ProbeAsync(token => alerts.GetAsync("health-probe", "health-probe", token), http.RequestAborted);
        var status = partitions.Status();
        var healthy = database is null && tables is null;
        return Results.Json(
            new
            {
                Status = healthy ? "healthy" : "unhealthy",
                Database = database ?? "ok",
                Tables = tables ?? "ok",
                Realtime = new { ConnectedClients = connections.Total },
                Partitions = status,
                QueuedEvents = status.Sum(partition => partition.QueuedEvents),
                ProcessingLagSeconds = status.Max(partition => partition.ProcessingLag).TotalSeconds,
            },
            statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <returns>Null when the store answered in time, else what went wrong (the kind of failure only).</returns>
    private static async Task<string?> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthProbeTimeout);
        try
        {
            await probe(timeout.Token);
            return null;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException ? $"no answer within {HealthProbeTimeout.TotalSeconds} s" : "unreachable: " + exception.GetType().Name;
        }
    }
}
