using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// Microsoft Entra ID as an API sees it, on loopback: OpenID Connect discovery and JWKS under the tenant's v2.0 authority,
/// and access tokens shaped exactly like Entra ID v2 ones (RS256 with a key id; <c>iss</c>
/// https://login.microsoftonline.com/{tid}/v2.0, <c>aud</c>, <c>oid</c>, <c>tid</c>, a pairwise <c>sub</c> that differs
/// from <c>oid</c>, <c>name</c>, <c>preferred_username</c>, app roles in <c>roles</c>; never a company or a role of ours).
/// </summary>
public sealed class EntraIdFake : IAsyncDisposable
{
    public const string Audience = "api://fleet-api";
    public const string OperatorRole = "Fleet.Operator";

    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;

    private EntraIdFake(WebApplication app)
    {
        _app = app;
        _key = new RsaSecurityKey(_rsa) { KeyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) };
    }

    public string TenantId { get; } = Guid.NewGuid().ToString();

    public Uri BaseAddress { get; private set; } = null!;

    public Uri Authority => new(BaseAddress, $"{TenantId}/v2.0/");

    public string Issuer => $"https://login.microsoftonline.com/{TenantId}/v2.0";

    /// <summary>How the host is told to trust this tenant, as the README's Entra ID setup says.</summary>
    public string[] HostSettings =>
    [
        "--Fleet:Auth:Authority=" + Authority,
        "--Fleet:Auth:Issuer=" + Issuer,
        "--Fleet:Auth:Audience=" + Audience,
        "--Fleet:Auth:SigningKey=",
        "--Fleet:Auth:UserIdClaim=oid",
        "--Fleet:Auth:AllowedTenants:0=" + TenantId,
    ];

    public static async Task<EntraIdFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new EntraIdFake(app);
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = $"https://login.microsoftonline.com/{tenant}/v2.0",
            ["jwks_uri"] = new Uri(fake.BaseAddress, $"{tenant}/discovery/v2.0/keys").ToString(),
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
        {
            var parameters = fake._rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new Dictionary<string, object>
            {
                ["keys"] = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["kid"] = fake._key.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
        });
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return fake;
    }

    /// <summary>An access token for the user with that object id, holding the given app roles.</summary>
    public string AccessToken(string objectId, string name, params string[] roles)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["oid"] = objectId,
            ["tid"] = TenantId,
            // Entra ID's sub is pairwise per app: never the oid.
            ["sub"] = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Audience + objectId)))[..43],
            ["name"] = name,
            ["preferred_username"] = objectId[..8] + "@contoso.example",
            ["ver"] = "2.0",
            ["scp"] = "access_as_user",
            ["azp"] = "fleet-dashboard",
        };
        if (roles.Length > 0)
        {
            claims["roles"] = roles;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
