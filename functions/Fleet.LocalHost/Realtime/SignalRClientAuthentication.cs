using System.Security.Claims;
using System.Text.Encodings.Web;
using Fleet.Adapters.Auth;
using Fleet.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Realtime;

/// <summary>
/// Accepts exactly the client tokens <c>/api/negotiate</c> issues, from the <c>Authorization</c> header (the client's
/// negotiate request) or the <c>access_token</c> query parameter (WebSockets, which browsers cannot give headers).
/// </summary>
internal sealed class SignalRClientAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SignalRClientTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "SignalRClientToken";
    public const string HubPath = "/client";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // The API's bearer tokens are user tokens, checked by its own filter; only the hub takes client tokens.
        if (!Request.Path.StartsWithSegments(HubPath))
        {
            return AuthenticateResult.NoResult();
        }

        // Browsers cannot set headers on WebSockets: the SignalR client sends the token in the query instead.
        var token = BearerToken.Of(Request) ?? Request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (await tokens.ValidateAsync(token, ServiceBase(Request)) is not { } valid)
        {
            return AuthenticateResult.Fail("The client token is not valid for this service.");
        }

        // The hub closes the connection when its token expires: the client negotiates again, and its user's membership
        // is checked again, so a connection never outlives what allowed it by more than a token's lifetime.
        var properties = new AuthenticationProperties { ExpiresUtc = valid.ExpiresAt };
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(valid.Identity), properties, SchemeName));
    }

    /// <summary>The service as this request reached it: the audience of the tokens minted for it.</summary>
    public static string ServiceBase(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
