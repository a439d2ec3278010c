using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Dashboard.Tests.Support;

/// <summary>
/// An OpenID Connect provider on its own origin, as strict as a real one about the authorization code flow with PKCE:
/// the code is single-use, bound to the redirect URI and client, and redeemed only with the verifier whose SHA-256 the
/// browser sent. The user "signs in" at once; the access token it issues is whatever the test gives it.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "fleet-dashboard";
    public const string Scope = "api://fleet-api/access";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new(StringComparer.Ordinal);

    private FakeIdentityProvider(WebApplication app)
    {
        _app = app;
    }

    public Uri Authority { get; private set; } = null!;

    /// <summary>What the token endpoint hands out; set once the API that will accept it is running.</summary>
    public string AccessToken { get; set; } = "";

    public int TokensIssued { get; private set; }

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var provider = new FakeIdentityProvider(app);
        app.Use(async (context, next) =>
        {
            // The browser redeems the code from the dashboard's origin: token endpoints of SPA clients answer CORS.
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.AccessControlAllowHeaders = "content-type";
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(context);
        });
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = provider.Authority.ToString(),
            ["authorization_endpoint"] = new Uri(provider.Authority, "authorize").ToString(),
            ["token_endpoint"] = new Uri(provider.Authority, "token").ToString(),
        }));
        app.MapGet("/authorize", provider.Authorize);
        app.MapPost("/token", provider.RedeemAsync);
        await app.StartAsync();
        provider.Authority = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        if (query["response_type"] != "code" || query["client_id"] != ClientId || query["code_challenge_method"] != "S256" ||
            string.IsNullOrEmpty(query["code_challenge"]) || string.IsNullOrEmpty(query["state"]) ||
            !query["scope"].ToString().Split(' ').Contains(Scope) || !Uri.TryCreate(query["redirect_uri"], UriKind.Absolute, out var redirect))
        {
            return Results.BadRequest("not an authorization code request with PKCE for this client and scope");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = (query["code_challenge"]!, redirect.ToString());
        return Results.Redirect(QueryHelpers.AddQueryString(redirect.ToString(), new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"] }));
    }

    private async Task<IResult> RedeemAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId ||
            !_codes.TryRemove(form["code"].ToString(), out var issued) || form["redirect_uri"] != issued.RedirectUri)
        {
            return Results.BadRequest(new { error = "invalid_grant" });
        }

        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != issued.Challenge)
        {
            return Results.BadRequest(new { error = "invalid_grant", error_description = "code_verifier does not match" });
        }

        TokensIssued++;
        return Results.Json(new Dictionary<string, object> { ["access_token"] = AccessToken, ["token_type"] = "Bearer", ["expires_in"] = 3600 });
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
