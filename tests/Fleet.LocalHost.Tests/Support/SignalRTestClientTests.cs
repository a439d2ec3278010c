using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Core.Realtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// What the test client adds to the official SignalR client, against a real Kestrel hub: the queue of invocations and how it
/// is read, and how a close shows. Negotiating, framing and keeping alive are the official client's, tested by its makers.
/// </summary>
public sealed class SignalRTestClientTests(SignalRTestClientTests.Server server) : IClassFixture<SignalRTestClientTests.Server>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static TheoryData<string> FleetTargets =>
    [
        RealtimeMessageTypes.FleetDashboardUpdate, RealtimeMessageTypes.VehicleLocationUpdate, RealtimeMessageTypes.VehicleStatusUpdate,
        RealtimeMessageTypes.TripUpdate, RealtimeMessageTypes.DriverEventUpdate, RealtimeMessageTypes.GeofenceViolationUpdate,
        RealtimeMessageTypes.MaintenanceAlertUpdate, RealtimeMessageTypes.Alert, RealtimeMessageTypes.AlertRead,
        RealtimeMessageTypes.AlertDeleted, RealtimeMessageTypes.AssignmentNew, RealtimeMessageTypes.JobStatusUpdate,
        RealtimeMessageTypes.JobEtaUpdate,
    ];

    [Theory]
    [MemberData(nameof(FleetTargets))]
    public async Task Receives_each_fleet_message_type_with_its_envelope_intact(string type)
    {
        await using var client = await ConnectReadyAsync("receives-" + type);
        var envelope = new Envelope(type, "c-acme", 42, new DateTimeOffset(2026, 11, 21, 8, 30, 15, 250, TimeSpan.Zero), new Place("Zürich ✓ \"Hauptbahnhof\"", [3, 1, 4]));

        await server.Hub.Clients.Group("receives-" + type).SendAsync(type, envelope);

        var message = await client.NextAsync(Wait);
        Assert.Equal(type, message.Target);
        var expected = JsonSerializer.SerializeToNode(envelope, Server.PayloadJson);
        Assert.True(
            JsonNode.DeepEquals(expected, JsonNode.Parse(message.Argument.GetRawText())),
            $"expected {expected?.ToJsonString()}, got {message.Argument.GetRawText()}");
    }

    [Fact]
    public async Task Invocations_the_official_client_drops_are_kept_unread()
    {
        await using var client = await ConnectReadyAsync("dropped");
        var caller = server.Hub.Clients.Group("dropped");

        await caller.SendAsync("not_a_fleet_message", new { marker = 1 });
        await caller.SendAsync(RealtimeMessageTypes.Alert, 1, 2);
        await caller.SendAsync(RealtimeMessageTypes.Alert, 3);

        // Dropped ones are queued as the client parses them, ahead of handled ones still being dispatched: order aside.
        var received = new[] { await client.NextAsync(Wait), await client.NextAsync(Wait), await client.NextAsync(Wait) };
        Assert.Equal(
            ["alert(3)", "alert(not read)", "not_a_fleet_message(not read)"],
            received.Select(message => message.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NextAsync_with_a_target_keeps_the_messages_it_passed_over()
    {
        await using var client = await ConnectReadyAsync("passed-over");
        var caller = server.Hub.Clients.Group("passed-over");
        await caller.SendAsync(RealtimeMessageTypes.Alert, 1);
        await caller.SendAsync(RealtimeMessageTypes.TripUpdate, 2);
        await caller.SendAsync(RealtimeMessageTypes.Alert, 3);
        await caller.SendAsync(RealtimeMessageTypes.JobEtaUpdate, 4);

        Assert.Equal(4, (await client.NextAsync(Wait, RealtimeMessageTypes.JobEtaUpdate)).Argument.GetInt32());
        Assert.Equal(1, (await client.NextAsync(Wait)).Argument.GetInt32());
        Assert.Equal(3, (await client.NextAsync(Wait, RealtimeMessageTypes.Alert)).Argument.GetInt32());
        var last = await client.NextAsync(Wait);
        Assert.Equal((RealtimeMessageTypes.TripUpdate, 2), (last.Target, last.Argument.GetInt32()));
        Assert.Empty(await client.DrainAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task NextAsync_times_out_naming_what_it_is_keeping()
    {
        await using var client = await ConnectReadyAsync("timeout");
        var caller = server.Hub.Clients.Group("timeout");
        await caller.SendAsync(RealtimeMessageTypes.TripUpdate, new { marker = "kept-meanwhile" });
        await caller.SendAsync(RealtimeMessageTypes.VehicleStatusUpdate, 1);
        await client.NextAsync(Wait, RealtimeMessageTypes.VehicleStatusUpdate);

        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.NextAsync(TimeSpan.FromMilliseconds(200), RealtimeMessageTypes.Alert));

        Assert.Contains("'alert'", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("trip_update", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("kept-meanwhile", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(RealtimeMessageTypes.TripUpdate, (await client.NextAsync(Wait)).Target);
    }

    [Fact]
    public async Task DrainAsync_returns_what_was_passed_over_and_what_arrives_until_quiet()
    {
        await using var client = await ConnectReadyAsync("drain");
        var caller = server.Hub.Clients.Group("drain");
        await caller.SendAsync(RealtimeMessageTypes.Alert, 0);
        await caller.SendAsync(RealtimeMessageTypes.TripUpdate, 1);
        await client.NextAsync(Wait, RealtimeMessageTypes.TripUpdate);

        var draining = client.DrainAsync(TimeSpan.FromSeconds(2));
        for (var i = 2; i <= 4; i++)
        {
            await caller.SendAsync(RealtimeMessageTypes.VehicleLocationUpdate, i);
        }

        Assert.Equal(
            ["alert:0", "vehicle_location_update:2", "vehicle_location_update:3", "vehicle_location_update:4"],
            (await draining).Select(m => $"{m.Target}:{m.Argument.GetInt32()}"));
    }

    [Fact]
    public async Task DrainAsync_returns_nothing_when_nothing_came()
    {
        await using var client = await ConnectReadyAsync("drain-nothing");

        Assert.Empty(await client.DrainAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_server_side_abort_is_observed_as_closed_and_ends_a_waiting_reader()
    {
        await using var client = await ConnectReadyAsync("aborted");
        var reading = client.NextAsync(TimeSpan.FromSeconds(30));
        Assert.False(client.IsClosed);

        (await server.Registry.JoinedAsync("aborted")).Abort();

        await client.WaitForCloseAsync(Wait);
        Assert.True(client.IsClosed);
        // Ended by the close, not by running into its timeout.
        await Assert.ThrowsAsync<InvalidOperationException>(() => reading);
    }

    [Fact]
    public async Task The_error_of_the_servers_close_message_is_recorded()
    {
        // The hub throws in OnConnectedAsync for this URL; the server then sends a close message with an error.
        await using var client = await SignalRTestClient.ConnectAsync(server.Url("&fail=1"), Server.ValidToken, CancellationToken.None);

        await client.WaitForCloseAsync(Wait);

        Assert.True(client.IsClosed);
        Assert.Contains("Connection closed with an error.", client.CloseError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_with_a_token_the_hub_refuses_fails()
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(
            () => SignalRTestClient.ConnectAsync(server.Url(), "wrong-token", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Dispose_closes_the_connection()
    {
        var client = await ConnectReadyAsync("disposed");

        await client.DisposeAsync();

        await server.Registry.LeftAsync("disposed").WaitAsync(Wait);
        Assert.True(client.IsClosed);
        Assert.Null(client.CloseError);
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.NextAsync(Wait));
    }

    /// <summary>
    /// Connected, and joined on the server's side to the group <paramref name="name"/>, where sends reach the connection. The
    /// server is shared by the tests: each names its connection uniquely.
    /// </summary>
    private async Task<SignalRTestClient> ConnectReadyAsync(string name)
    {
        var client = await SignalRTestClient.ConnectAsync(server.Url("&name=" + name), Server.ValidToken, CancellationToken.None);
        await server.Registry.JoinedAsync(name).WaitAsync(Wait);
        return client;
    }

    private sealed record Envelope(string Type, string CompanyId, long? Seq, DateTimeOffset Timestamp, Place Data);

    private sealed record Place(string Label, IReadOnlyList<int> Zones);

    /// <summary>A Kestrel host on 127.0.0.1:0 with a SignalR hub at <c>/client</c> behind a trivial token check.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public const string ValidToken = "valid-test-token";

        public static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        private WebApplication? _app;
        private Uri? _baseAddress;

        public ConnectionRegistry Registry { get; } = new();

        public IHubContext<RegisteringHub> Hub => App.Services.GetRequiredService<IHubContext<RegisteringHub>>();

        private WebApplication App => _app ?? throw new InvalidOperationException("The server is not started.");

        /// <summary>The client URL of the hub, shaped as <c>/api/negotiate</c> returns it.</summary>
        public Uri Url(string extraQuery = "") =>
            new(_baseAddress ?? throw new InvalidOperationException("The server is not started."), "/client/?hub=fleet" + extraQuery);

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(Registry);
            builder.Services.AddSignalR()
                .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

            var app = builder.Build();
            app.UseWebSockets();
            app.Use(AuthorizeAsync);
            app.MapHub<RegisteringHub>("/client");
            await app.StartAsync();
            _app = app;
            _baseAddress = new Uri(app.Urls.Single());
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }

        private static async Task AuthorizeAsync(HttpContext context, RequestDelegate next)
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal)
                ? authorization["Bearer ".Length..]
                : context.Request.Query["access_token"].ToString();
            if (token == ValidToken)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = (int)HttpStatusCode.Unauthorized;
        }
    }

    /// <summary>The hub's connections by the name in their URL as they join and leave, so a test can wait for either.</summary>
    public sealed class ConnectionRegistry
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<HubCallerContext>> _joined = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _left = new(StringComparer.Ordinal);

        /// <summary>The connection, once sends to its group reach it (it can be aborted from the server through it).</summary>
        public Task<HubCallerContext> JoinedAsync(string name) => Joined(name).Task;

        public Task LeftAsync(string name) => Left(name).Task;

        public void Join(string name, HubCallerContext context) => Joined(name).TrySetResult(context);

        public void Leave(string name) => Left(name).TrySetResult();

        private TaskCompletionSource<HubCallerContext> Joined(string name) =>
            _joined.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        private TaskCompletionSource Left(string name) =>
            _left.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>
    /// Puts each connection in the group its URL names and registers it; refuses those whose URL says <c>fail=1</c>. The
    /// client never learns its connection id for sure (the official client forgets it when the server closes at once).
    /// </summary>
    public sealed class RegisteringHub(ConnectionRegistry registry) : Hub
    {
        public override async Task OnConnectedAsync()
        {
            if (Context.GetHttpContext()?.Request.Query["fail"].ToString() == "1")
            {
                throw new InvalidOperationException("This connection is refused on purpose.");
            }

            await Groups.AddToGroupAsync(Context.ConnectionId, Name);
            registry.Join(Name, Context);
        }

        public override Task OnDisconnectedAsync(Exception? exception)
        {
            registry.Leave(Name);
            return Task.CompletedTask;
        }

        private string Name => Context.GetHttpContext()?.Request.Query["name"].ToString() ?? "";
    }
}
