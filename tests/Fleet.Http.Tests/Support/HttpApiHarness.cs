using System.Text;
using System.Text.Json;
using Fleet.Adapters;
using Fleet.Adapters.Auth;
using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Timers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Http.Tests.Support;

/// <summary>
/// The shared routes composed as a host composes them (in-memory stores, one company "c-acme" with vehicle "v-1"), and
/// requests built by hand, as a host hands them over.
/// </summary>
internal sealed class HttpApiHarness
{
    private static readonly IServiceProvider BareHost = new ServiceCollection().AddLogging().BuildServiceProvider();

    /// <param name="authority">An OpenID Connect authority to validate tokens with instead of the shared signing key.</param>
    public HttpApiHarness(Uri? authority = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Auth:Issuer"] = "https://fleet.test",
            ["Fleet:Auth:Audience"] = "fleet-api",
            [authority is null ? "Fleet:Auth:SigningKey" : "Fleet:Auth:Authority"] = authority?.ToString() ?? SigningKey,
        });
        builder.AddFleetCore().AddFleetInMemory().AddFleetInMemoryAlerts();
        builder.Services.AddSingleton<NoRealtime>();
        builder.Services.AddSingleton<IRealtimePublisher>(provider => provider.GetRequiredService<NoRealtime>());
        builder.Services.AddSingleton<IRealtimeGroups>(provider => provider.GetRequiredService<NoRealtime>());
        builder.Services.AddSingleton<IRealtimeConnections>(provider => provider.GetRequiredService<NoRealtime>());
        builder.Services.AddSingleton<DashboardBroadcastHandler>();
        builder.Services.AddFleetHttpApi();
        Services = builder.Services.BuildServiceProvider();

        var directory = Services.GetRequiredService<InMemoryFleetDirectory>();
        directory.AddCompany("c-acme", "Acme");
        directory.AddVehicle(new VehicleProfile("v-1", "c-acme", "Van 1"), "dev-1");
    }

    public const string SigningKey = "fleet-http-tests-signing-key-of-32-chars";

    public IServiceProvider Services { get; }

    /// <summary>
    /// A context from a host that configured nothing (no JSON options, no problem details service), so every answer
    /// checked here is the routes' own doing.
    /// </summary>
    public static DefaultHttpContext BareContext()
    {
        var http = new DefaultHttpContext { RequestServices = BareHost };
        http.Response.Body = new MemoryStream();
        return http;
    }

    public FleetHttpApi Api => Services.GetRequiredService<FleetHttpApi>();

    /// <summary>A token of "u-test", whose membership in c-acme has the role.</summary>
    public string Token(FleetRole role = FleetRole.Admin)
    {
        Services.GetRequiredService<UsersApiHandler>().EnsureDevelopmentMembershipAsync("u-test", "c-acme", role, [], CancellationToken.None).GetAwaiter().GetResult();
        return Services.GetRequiredService<UserTokens>().MintDevelopmentToken("u-test", "c-acme");
    }

    /// <param name="authorization">The whole Authorization header; none when null.</param>
    /// <param name="body">Sent with its Content-Length, as every server reports a body.</param>
    public DefaultHttpContext Request(string? authorization, string query = "", string? body = null, string contentType = "application/json")
    {
        var http = BareContext();
        http.Request.QueryString = new QueryString(query);
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }

        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
            http.Request.ContentType = contentType;
        }

        return http;
    }

    public DefaultHttpContext Authorized(string query = "", string? body = null, string contentType = "application/json") =>
        Request("Bearer " + Token(), query, body, contentType);

    /// <summary>Executes the route's result on its request, as a host does, and reads back what was written.</summary>
    public static async Task<Answer> AnswerAsync(Task<IResult> route, HttpContext http)
    {
        await (await route).ExecuteAsync(http);
        return await Answer.OfAsync(http);
    }
}

internal sealed record Answer(int Status, string? ContentType, JsonElement Body)
{
    public string? Detail => Body.GetProperty("detail").GetString();

    public static async Task<Answer> OfAsync(HttpContext http)
    {
        var stream = http.Response.Body;
        stream.Position = 0;
        var body = stream.Length == 0 ? default : await JsonSerializer.DeserializeAsync<JsonElement>(stream);
        return new Answer(http.Response.StatusCode, http.Response.ContentType, body);
    }
}

/// <summary>Realtime delivery is not what these tests look at.</summary>
internal sealed class NoRealtime : IRealtimePublisher, IRealtimeGroups, IRealtimeConnections
{
    public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task AddUserAsync(string group, string userId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CloseUserConnectionsAsync(string userId, CancellationToken cancellationToken) => Task.CompletedTask;
}
