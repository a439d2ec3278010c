using System.Text.Json;
using Fleet.Adapters.Auth;
using Fleet.Core.Api;
using Fleet.Core.Devices;
using Fleet.Core.Identity;
using Fleet.Core.Kpis;
using Fleet.Http;
using Fleet.LocalHost.Ingestion;
using Fleet.LocalHost.Realtime;
using Microsoft.OpenApi;
using AlertPayload = Fleet.Core.Realtime.AlertPayload;
using TripPayload = Fleet.Core.Realtime.TripPayload;

namespace Fleet.LocalHost.Api;

/// <param name="CompanyId">With <paramref name="Role"/>, the membership to ensure; both left out, a token of the user alone (an operator).</param>
public sealed record DevTokenRequest(string? UserId, string? CompanyId, string? Role, string[]? VehicleIds);

public sealed record DevTokenResponse(string AccessToken);

/// <summary>
/// The HTTP API of DESIGN 3.4 on the local host: the shared routes of <see cref="FleetHttpApi"/>, plus health, negotiate
/// and the development token, which are this host's own.
/// </summary>
internal static class FleetApi
{
    private const string Json = "application/json";

    // The SignalR client reads negotiate's answer in camelCase; everything else is snake_case.
    private static readonly JsonSerializerOptions NegotiateJson = new(JsonSerializerDefaults.Web);

    private static readonly QueryParameter Limit = new("limit", JsonSchemaType.Integer, "int32");
    private static readonly QueryParameter Unread = new("unread", JsonSchemaType.Boolean, null);
    private static readonly QueryParameter From = new("from", JsonSchemaType.String, "date-time");
    private static readonly QueryParameter To = new("to", JsonSchemaType.String, "date-time");
    private static readonly QueryParameter After = new("after", JsonSchemaType.String, "date-time");
    private static readonly QueryParameter Status = new("status", JsonSchemaType.String, null);
    private static readonly QueryParameter VehicleId = new("vehicle_id", JsonSchemaType.String, null);
    private static readonly QueryParameter CompanyId = new(MembershipDirectory.CompanyQueryParameter, JsonSchemaType.String, null);

    public static void MapFleetApi(this WebApplication app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/health", HealthAsync).WithName("Health");
        api.MapPost("/negotiate", NegotiateAsync).WithName("Negotiate").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status401Unauthorized);

        var authenticated = api.MapGroup("").ProducesProblem(StatusCodes.Status401Unauthorized);
        authenticated.MapPost("/subscriptions", (HttpContext http, FleetHttpApi routes) => routes.FollowAsync(http))
            .WithName("Follow").Accepts<SubscriptionRequest>(Json).Produces<Subscription>(StatusCodes.Status201Created);
        authenticated.MapDelete("/subscriptions", (HttpContext http, FleetHttpApi routes) => routes.UnfollowAsync(http))
            .WithName("Unfollow").Accepts<SubscriptionRequest>(Json).Produces(StatusCodes.Status204NoContent);

        authenticated.MapGet("/alerts", (HttpContext http, FleetHttpApi routes) => routes.ListAlertsAsync(http))
            .WithName("ListAlerts").WithQuery(Limit, Unread).Produces<IReadOnlyList<AlertPayload>>();
        authenticated.MapPost("/alerts", (HttpContext http, FleetHttpApi routes) => routes.RaiseAlertAsync(http))
            .WithName("RaiseAlert").Accepts<AlertRequest>(Json).Produces<AlertPayload>(StatusCodes.Status201Created);
        authenticated.MapPost("/alerts/{id}/read", (string id, HttpContext http, FleetHttpApi routes) => routes.MarkAlertReadAsync(http, id))
            .WithName("MarkAlertRead").Produces(StatusCodes.Status204NoContent);
        authenticated.MapDelete("/alerts/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.DeleteAlertAsync(http, id))
            .WithName("DeleteAlert").Produces(StatusCodes.Status204NoContent);

        authenticated.MapGet("/vehicles", (HttpContext http, FleetHttpApi routes) => routes.ListVehiclesAsync(http))
            .WithName("ListVehicles").Produces<IReadOnlyList<VehicleView>>();
        authenticated.MapGet("/vehicles/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.GetVehicleAsync(http, id))
            .WithName("GetVehicle").Produces<VehicleView>();
        authenticated.MapGet("/vehicles/{id}/locations", (string id, HttpContext http, FleetHttpApi routes) => routes.VehicleLocationsAsync(http, id))
            .WithName("VehicleLocations").WithQuery(From, To, After, Limit).Produces<LocationPage>();
        authenticated.MapGet("/vehicles/{id}/trips", (string id, HttpContext http, FleetHttpApi routes) => routes.VehicleTripsAsync(http, id))
            .WithName("VehicleTrips").WithQuery(From, To).Produces<IReadOnlyList<TripPayload>>();
        authenticated.MapGet("/trips/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.GetTripAsync(http, id))
            .WithName("GetTrip").Produces<TripPayload>();
        authenticated.MapPost("/vehicles", (HttpContext http, FleetHttpApi routes) => routes.CreateVehicleAsync(http))
            .WithName("CreateVehicle").Accepts<VehicleRequest>(Json).Produces<VehicleView>(StatusCodes.Status201Created);
        authenticated.MapPut("/vehicles/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.UpdateVehicleAsync(http, id))
            .WithName("UpdateVehicle").Accepts<VehicleRequest>(Json).Produces<VehicleView>();
        authenticated.MapDelete("/vehicles/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.DeleteVehicleAsync(http, id))
            .WithName("DeleteVehicle").Produces(StatusCodes.Status204NoContent);

        authenticated.MapGet("/dashboard", (HttpContext http, FleetHttpApi routes) => routes.DashboardAsync(http))
            .WithName("Dashboard").Produces<DashboardPayload>();
        authenticated.MapGet("/dashboard/vehicles", (HttpContext http, FleetHttpApi routes) => routes.DashboardVehiclesAsync(http))
            .WithName("DashboardVehicles").Produces<IReadOnlyList<VehicleToday>>();

        authenticated.MapPost("/jobs", (HttpContext http, FleetHttpApi routes) => routes.CreateJobAsync(http))
            .WithName("CreateJob").Accepts<JobRequest>(Json).Produces<JobView>(StatusCodes.Status201Created);
        authenticated.MapGet("/jobs", (HttpContext http, FleetHttpApi routes) => routes.ListJobsAsync(http))
            .WithName("ListJobs").WithQuery(Status, VehicleId, From, To, Limit).Produces<IReadOnlyList<JobView>>();
        authenticated.MapGet("/jobs/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.GetJobAsync(http, id))
            .WithName("GetJob").Produces<JobView>();
        authenticated.MapPost("/jobs/{id}/assign", (string id, HttpContext http, FleetHttpApi routes) => routes.AssignJobAsync(http, id))
            .WithName("AssignJob").Accepts<JobAssignmentRequest>(Json).Produces<JobView>().ProducesProblem(StatusCodes.Status409Conflict);
        authenticated.MapPost("/jobs/{id}/status", (string id, HttpContext http, FleetHttpApi routes) => routes.ChangeJobStatusAsync(http, id))
            .WithName("ChangeJobStatus").Accepts<JobStatusRequest>(Json).Produces<JobView>().ProducesProblem(StatusCodes.Status409Conflict);

        authenticated.MapPost("/jobs/{id}/share", (string id, HttpContext http, FleetHttpApi routes) => routes.ShareJobAsync(http, id))
            .WithName("ShareJob").Produces<JobShare>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        authenticated.MapGet("/track", (HttpContext http, FleetHttpApi routes) => routes.TrackAsync(http))
            .WithName("Track").Produces<TrackingView>();

        authenticated.MapGet("/geofences", (HttpContext http, FleetHttpApi routes) => routes.ListGeofencesAsync(http))
            .WithName("ListGeofences").Produces<IReadOnlyList<GeofenceView>>();
        authenticated.MapPost("/geofences", (HttpContext http, FleetHttpApi routes) => routes.SaveGeofenceAsync(http))
            .WithName("SaveGeofence").Accepts<GeofenceRequest>(Json).Produces<GeofenceView>(StatusCodes.Status201Created);
        authenticated.MapGet("/geofences/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.GetGeofenceAsync(http, id))
            .WithName("GetGeofence").Produces<GeofenceView>();
        authenticated.MapDelete("/geofences/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.DeleteGeofenceAsync(http, id))
            .WithName("DeleteGeofence").Produces(StatusCodes.Status204NoContent);

        authenticated.MapGet("/drivers", (HttpContext http, FleetHttpApi routes) => routes.ListDriversAsync(http))
            .WithName("ListDrivers").Produces<IReadOnlyList<DriverView>>();
        authenticated.MapPost("/drivers", (HttpContext http, FleetHttpApi routes) => routes.SaveDriverAsync(http))
            .WithName("SaveDriver").Accepts<DriverRequest>(Json).Produces<DriverView>(StatusCodes.Status201Created);
        authenticated.MapGet("/drivers/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.GetDriverAsync(http, id))
            .WithName("GetDriver").Produces<DriverView>();
        authenticated.MapDelete("/drivers/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.DeleteDriverAsync(http, id))
            .WithName("DeleteDriver").Produces(StatusCodes.Status204NoContent);

        authenticated.MapPost("/devices/{id}/credentials", (string id, HttpContext http, FleetHttpApi routes) => routes.CreateDeviceCredentialAsync(http, id))
            .WithName("CreateDeviceCredential").Accepts<DeviceCredentialRequest>(Json).Produces<NewDeviceCredential>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        authenticated.MapGet("/devices/{id}/credentials", (string id, HttpContext http, FleetHttpApi routes) => routes.ListDeviceCredentialsAsync(http, id))
            .WithName("ListDeviceCredentials").Produces<IReadOnlyList<DeviceCredentialView>>().ProducesProblem(StatusCodes.Status404NotFound);
        authenticated.MapDelete("/devices/{id}/credentials/{credentialId}", (string id, string credentialId, HttpContext http, FleetHttpApi routes) => routes.RevokeDeviceCredentialAsync(http, id, credentialId))
            .WithName("RevokeDeviceCredential").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        // The device gateway: devices authenticate with their credential, not a user token.
        api.MapPost("/telemetry", (HttpContext http, DeviceGatewayApi gateway) => gateway.TelemetryAsync(http))
            .WithName("SendTelemetry").Accepts<JsonElement>(Json).Produces<GatewayReceipt>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapMethods("/osmand", ["GET", "POST"], (HttpContext http, DeviceGatewayApi gateway) => gateway.OsmAndAsync(http))
            .WithName("OsmAnd").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/owntracks", (HttpContext http, DeviceGatewayApi gateway) => gateway.OwnTracksAsync(http))
            .WithName("OwnTracks").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);

        authenticated.MapGet("/me", (HttpContext http, FleetHttpApi routes) => routes.MeAsync(http))
            .WithName("Me").WithQuery(CompanyId).Produces<MeView>();

        authenticated.MapGet("/companies", (HttpContext http, FleetHttpApi routes) => routes.ListCompaniesAsync(http))
            .WithName("ListCompanies").Produces<IReadOnlyList<CompanyView>>().ProducesProblem(StatusCodes.Status403Forbidden);
        authenticated.MapPost("/companies", (HttpContext http, FleetHttpApi routes) => routes.CreateCompanyAsync(http))
            .WithName("CreateCompany").Accepts<CompanyRequest>(Json).Produces<CompanyView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        authenticated.MapGet("/companies/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.GetCompanyAsync(http, id))
            .WithName("GetCompany").Produces<CompanyView>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        authenticated.MapPut("/companies/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.UpdateCompanyAsync(http, id))
            .WithName("UpdateCompany").Accepts<CompanyRequest>(Json).Produces<CompanyView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        authenticated.MapDelete("/companies/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.DeleteCompanyAsync(http, id))
            .WithName("DisableCompany").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden);

        authenticated.MapGet("/users", (HttpContext http, FleetHttpApi routes) => routes.ListUsersAsync(http))
            .WithName("ListUsers").WithQuery(CompanyId).Produces<IReadOnlyList<UserView>>().ProducesProblem(StatusCodes.Status403Forbidden);
        authenticated.MapPost("/users", (HttpContext http, FleetHttpApi routes) => routes.CreateUserAsync(http))
            .WithName("AddUser").Accepts<UserRequest>(Json).Produces<UserView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        authenticated.MapPut("/users/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.UpdateUserAsync(http, id))
            .WithName("UpdateUser").WithQuery(CompanyId).Accepts<UserRequest>(Json).Produces<UserView>().ProducesProblem(StatusCodes.Status400BadRequest);
        authenticated.MapDelete("/users/{id}", (string id, HttpContext http, FleetHttpApi routes) => routes.DeleteUserAsync(http, id))
            .WithName("RemoveUser").WithQuery(CompanyId).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict);

        if (app.Environment.IsDevelopment())
        {
            api.MapPost("/dev/token", MintDevTokenAsync).Accepts<DevTokenRequest>(Json).Produces<DevTokenResponse>();
            api.MapGet("/dev/users", () => Results.Json(Demo.DemoFleet.Users));
        }
    }

    private static async Task<IResult> NegotiateAsync(
        HttpContext http,
        FleetHttpApi routes,
        RealtimeAccessHandler handler,
        SignalRClientTokens clientTokens,
        ConnectionCounter connections,
        Microsoft.Extensions.Options.IOptions<LocalHostOptions> options)
    {
        var authentication = await routes.AuthenticateAsync(http, freshMemberships: true);
        if (!authentication.Succeeded)
        {
            return authentication.Refusal;
        }

        var caller = authentication.Caller;
        if (connections.Of(caller.RealtimeUserId) >= options.Value.MaxConnectionsPerUser)
        {
            return ApiResults.Problem(new ApiProblem(
                StatusCodes.Status429TooManyRequests, "Too many connections", $"At most {options.Value.MaxConnectionsPerUser} connections per user."));
        }

        var grant = await handler.NegotiateAsync(caller, http.RequestAborted);
        return Results.Json(clientTokens.Mint(SignalRClientAuthentication.ServiceBase(http.Request), grant.UserId), NegotiateJson);
    }

    /// <summary>
    /// Development sign-in in one call: the company (created if new) and the user's membership in it, as asked, then a
    /// token of that user that asks to act for that company.
    /// </summary>
    private static async Task<IResult> MintDevTokenAsync(HttpContext http, UserTokens tokens, UsersApiHandler users)
    {
        // Read as every API body is read: a malformed one is the caller's 400, not an error logged with its stack.
        var cancellationToken = http.RequestAborted;
        var (request, problem) = await RequestBody.ReadAsync<DevTokenRequest>(http.Request, cancellationToken);
        if (problem is not null)
        {
            return ApiResults.Problem(problem);
        }

        // Development only, but what it stores is a membership like any other: bounded as the users API bounds one.
        if (request is null || string.IsNullOrWhiteSpace(request.UserId) || request.UserId.Length > UsersApiHandler.MaxUserIdLength)
        {
            return ApiResults.Problem(ApiProblem.InvalidField("user_id", $"user_id is required, at most {UsersApiHandler.MaxUserIdLength} characters."));
        }

        if (request.VehicleIds is { } vehicleIds && (vehicleIds.Length > UsersApiHandler.MaxVehicleGrants || !vehicleIds.All(vehicleId => vehicleId is not null && ResourceIds.IsValid(vehicleId))))
        {
            return ApiResults.Problem(ApiProblem.InvalidField(
                "vehicle_ids", $"vehicle_ids may name at most {UsersApiHandler.MaxVehicleGrants} vehicles, each up to {ResourceIds.MaxLength} letters, digits, '.', '_' or '-'."));
        }

        if (request.CompanyId is null && request.Role is null)
        {
            return Results.Json(new DevTokenResponse(tokens.MintDevelopmentToken(request.UserId, companyId: null)));
        }

        // A company made here is a company like any other: no dot, which scopes the ids companies choose.
        if (request.CompanyId is null || !ResourceIds.IsValidCompanyId(request.CompanyId))
        {
            return ApiResults.Problem(ApiProblem.InvalidField("company_id", $"company_id is required with a role: up to {ResourceIds.MaxLength} letters, digits, '_' or '-'."));
        }

        if (!UserRoles.TryParse(request.Role, out var role))
        {
            return ApiResults.Problem(ApiProblem.InvalidField("role", $"role must be one of {string.Join(", ", UserRoles.Names)}."));
        }

        await users.EnsureDevelopmentMembershipAsync(request.UserId, request.CompanyId, role, request.VehicleIds ?? [], cancellationToken);
        return Results.Json(new DevTokenResponse(tokens.MintDevelopmentToken(request.UserId, request.CompanyId)));
    }

    private static async Task<IResult> HealthAsync(StoreHealth stores, ILocalEventLog partitions, ConnectionCounter connections, HttpContext http)
    {
        var health = await stores.ProbeAsync(http.RequestAborted);
        var status = partitions.Status();
        var consumedHere = status.Where(partition => !partition.ConsumedElsewhere).ToList();
        return Results.Json(
            new
            {
                health.Status,
                health.Database,
                health.Tables,
                Realtime = new { ConnectedClients = connections.Total },
                Ingestion = new { Durable = partitions.NotDurableBecause is null, Detail = partitions.NotDurableBecause ?? PostgresEventLog.Durability },
                Partitions = status,
                QueuedEvents = consumedHere.Sum(partition => partition.QueuedEvents),
                Starting = consumedHere.Any(partition => partition.Starting),
                ProcessingLagSeconds = consumedHere.Max(partition => partition.ProcessingLag)?.TotalSeconds ?? 0,
            },
            statusCode: health.StatusCode);
    }

    // FleetHttpApi reads the query itself, so the OpenAPI document learns of the parameters from here.
    private static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder route, params QueryParameter[] parameters) =>
        route.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var parameter in parameters)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = parameter.Name,
                    In = ParameterLocation.Query,
                    Schema = new OpenApiSchema { Type = parameter.Type, Format = parameter.Format },
                });
            }

            return Task.CompletedTask;
        });

    private sealed record QueryParameter(string Name, JsonSchemaType Type, string? Format);
}
