using Fleet.Core.Api;
using Fleet.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.SignalRService;
using Microsoft.Azure.SignalR.Management;

namespace Fleet.Functions;

/// <summary>
/// The hub on Azure SignalR Service (its name is this class's name) and the negotiate function. Negotiation goes
/// through the service's management API with the app's identity, so it works with the service's access keys disabled.
/// </summary>
public sealed class FleetHub(IServiceProvider services, FleetHttpApi api, RealtimeAccessHandler access) : ServerlessHub(services)
{
    internal IHubClients HubClients => Clients;

    internal UserGroupManager HubUserGroups => UserGroups;

    /// <summary>
    /// The user id and groups come from the validated token and the caller's membership only (DESIGN 3.3): the caller's
    /// groups are set afresh, then the service mints a client token for their realtime user id (user within company).
    /// </summary>
    [Function("negotiate")]
    public async Task<IActionResult> Negotiate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "negotiate")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authenticated = await api.AuthenticateAsync(request.HttpContext, freshMemberships: true);
        if (authenticated.Caller is not { } caller)
        {
            return new HttpResultAction(authenticated.Refusal!);
        }

        var grant = await access.NegotiateAsync(caller, request.HttpContext.RequestAborted);
        var connection = await NegotiateAsync(new NegotiationOptions { UserId = grant.UserId });

        // Already camelCase {url, accessToken}, the only shape the SignalR client reads.
        return new ContentResult { Content = connection.ToString(), ContentType = "application/json", StatusCode = StatusCodes.Status200OK };
    }
}
