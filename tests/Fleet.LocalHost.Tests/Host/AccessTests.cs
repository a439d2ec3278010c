using System.Net;
using System.Net.Http.Json;
using System.Text;
using Fleet.LocalHost.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>Who may negotiate, connect, follow and send: every refusal of DESIGN 7 on the real host.</summary>
public abstract class AccessTests : IAsyncLifetime
{
    protected abstract HostStores Stores { get; }

    // The embedded development defaults of the local host (appsettings.Development.json).
    private const string Issuer = "https://fleet.local/dev";
    private const string Audience = "fleet-api";
    private const string SigningKey = "fleet-local-dev-user-token-signing-key";
    private const string SignalRAccessKey = "fleet-local-dev-signalr-access-key-0123456789";

    private LocalHostRig _host = null!;

    private Uri HubUrl => new(_host.BaseAddress, "client/?hub=fleet");

    public async Task InitializeAsync() => _host = await LocalHostRig.StartAsync(Stores);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string> RefusedUserTokens => new()
    {
        { "no token", "" },
        { "bad signature", UserToken(signingKey: "another-key-of-at-least-thirty-two-characters") },
        { "wrong audience", UserToken(audience: "another-api") },
        { "wrong issuer", UserToken(issuer: "https://elsewhere") },
        { "expired", UserToken(expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "no user id", UserToken(subjects: []) },
        { "two user ids", UserToken(subjects: ["u-test", "u-other"]) },
    };

    [Theory]
    [MemberData(nameof(RefusedUserTokens))]
    public async Task Negotiate_refuses_tokens_that_are_not_valid(string why, string token)
    {
        using var response = await _host.NegotiateAsync(token.Length == 0 ? null : token);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_expired_token_is_said_to_have_expired()
    {
        using var response = await _host.NegotiateAsync(UserToken(expires: DateTime.UtcNow.AddMinutes(-5)));

        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal("The token is not valid: it has expired.", problem!["detail"].ToString());
    }

    [Fact]
    public async Task A_valid_token_of_a_user_without_a_membership_is_refused_with_a_clear_detail()
    {
        using var response = await _host.NegotiateAsync(UserToken(subjects: ["u-stranger"]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal("User 'u-stranger' is not a member of any company; ask an administrator of your company to add you.", problem!["detail"].ToString());
    }

    [Fact]
    public async Task Negotiate_accepts_a_token_minted_independently_with_the_configured_key()
    {
        await _host.TokenAsync("u-test", "c-acme", "dispatcher");

        using var response = await _host.NegotiateAsync(UserToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal(HubUrl.ToString(), body!["url"]);
        Assert.False(string.IsNullOrEmpty(body["accessToken"]));
    }

    [Fact]
    public async Task The_hub_refuses_a_forged_client_token()
    {
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = HubUrl.ToString(),
            Claims = new Dictionary<string, object> { ["nameid"] = "u-intruder" },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("not-the-access-key-of-this-signalr-service")), SecurityAlgorithms.HmacSha256),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, await HubWire.NegotiateAsync(HubUrl, forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await HubWire.UpgradeAsync(HubUrl, forged));
    }

    [Fact]
    public async Task The_hub_refuses_an_expired_client_token_signed_with_its_own_key()
    {
        var expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = HubUrl.ToString(),
            Claims = new Dictionary<string, object> { ["nameid"] = "u-late" },
            IssuedAt = DateTime.UtcNow.AddHours(-3),
            NotBefore = DateTime.UtcNow.AddHours(-3),
            Expires = DateTime.UtcNow.AddHours(-2),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SignalRAccessKey)), SecurityAlgorithms.HmacSha256),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, await HubWire.NegotiateAsync(HubUrl, expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await HubWire.UpgradeAsync(HubUrl, expired));
    }

    [Fact]
    public async Task The_development_token_endpoint_does_not_exist_outside_Development()
    {
        await using var production = await LocalHostRig.StartAsync(Stores, LocalHostRig.ProductionSettings);

        using var response = await production.Http.PostAsJsonAsync("/api/dev/token", new { user_id = "u", company_id = "c-acme", role = "admin" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_hub_refuses_a_page_from_an_origin_not_allowed()
    {
        using var negotiate = await _host.NegotiateAsync(await _host.TokenAsync("u-1", "c-acme", "dispatcher"));
        var info = await negotiate.Content.ReadFromJsonAsync<Dictionary<string, string>>();

        var url = new Uri(info!["url"]);
        var token = info["accessToken"];

        Assert.Equal(HttpStatusCode.Forbidden, await HubWire.NegotiateAsync(url, token, origin: "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await HubWire.UpgradeAsync(url, token, origin: "https://evil.example"));
        // The same token from the host's own page is let in: what was refused is the origin.
        var ownOrigin = _host.BaseAddress.GetLeftPart(UriPartial.Authority);
        Assert.Equal(HttpStatusCode.OK, await HubWire.NegotiateAsync(url, token, origin: ownOrigin));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HubWire.UpgradeAsync(url, token, origin: ownOrigin));
    }

    [Fact]
    public async Task A_user_gets_at_most_five_connections()
    {
        var token = await _host.TokenAsync("u-many", "c-acme", "dispatcher");
        var clients = new List<SignalRTestClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                clients.Add(await LocalHostRig.ConnectNegotiatedAsync(await _host.NegotiateAsync(token)));
            }

            using var sixth = await _host.NegotiateAsync(token);
            Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Following_a_vehicle_of_another_company_is_forbidden_and_of_ones_own_is_allowed()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _host.TokenAsync("u-acme", "c-acme", "dispatcher"));

        // v-002 is Globex's; v-001 is Acme's.
        using var foreign = await http.PostAsJsonAsync("/api/subscriptions", new { vehicle_id = "v-002" });
        using var own = await http.PostAsJsonAsync("/api/subscriptions", new { vehicle_id = "v-001" });

        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);

        using var unfollow = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/subscriptions") { Content = JsonContent.Create(new { vehicle_id = "v-001" }) });
        using var unfollowForeign = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/subscriptions") { Content = JsonContent.Create(new { vehicle_id = "v-002" }) });
        Assert.Equal(HttpStatusCode.NoContent, unfollow.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unfollowForeign.StatusCode);
    }

    [Fact]
    public async Task Negotiating_with_new_claims_ends_what_the_old_ones_allowed()
    {
        // The same user, first a dispatcher of Acme, then a viewer at Globex with no grants.
        using (var asDispatcher = await _host.NegotiateAsync(await _host.TokenAsync("u-moved", "c-acme", "dispatcher")))
        {
            Assert.Equal(HttpStatusCode.OK, asDispatcher.StatusCode);
        }

        await using var client = await _host.ConnectAsync("u-moved", "c-globex", "viewer");
        using var sent = await _host.SendBatchAsync([LocalHostRig.Fix("sim-001", DateTimeOffset.UtcNow.AddSeconds(-1), 25.05, 121.55, 30)]);

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await _host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(await client.DrainAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_viewer_may_follow_only_the_vehicle_granted_to_them()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _host.TokenAsync("u-rider", "c-acme", "viewer", "v-003"));

        using var granted = await http.PostAsJsonAsync("/api/subscriptions", new { vehicle_id = "v-003" });
        using var other = await http.PostAsJsonAsync("/api/subscriptions", new { vehicle_id = "v-001" });

        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    private static string UserToken(
        string issuer = Issuer,
        string audience = Audience,
        string signingKey = SigningKey,
        DateTime? expires = null,
        string[]? subjects = null)
    {
        // The company comes from the user's membership; a token says only who they are.
        var claims = new Dictionary<string, object>();
        subjects ??= ["u-test"];
        if (subjects.Length > 0)
        {
            claims["sub"] = subjects.Length == 1 ? subjects[0] : subjects;
        }

        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddHours(-2),
            NotBefore = expiry.AddHours(-2),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}

public sealed class AccessTestsInMemory : AccessTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class AccessTestsOnServers : AccessTests
{
    protected override HostStores Stores => HostStores.Servers;
}
