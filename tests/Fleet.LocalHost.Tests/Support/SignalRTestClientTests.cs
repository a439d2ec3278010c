using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// The test client against a real Kestrel SignalR hub (and, for what a real hub never does on its own, such as splitting one
/// frame over several WebSocket messages, a scripted raw WebSocket endpoint).
/// </summary>
public sealed class SignalRTestClientTests(SignalRTestClientTests.Server server) : IClassFixture<SignalRTestClientTests.Server>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Negotiates_and_opens_the_websocket_like_the_js_client()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var client = await ConnectAsync(server.Url("client", "&run=" + run), origin: "http://dashboard.test");

        var welcome = await client.NextAsync(Wait, "welcome");
        Assert.Equal(client.ConnectionId, welcome.Argument.GetProperty("connection_id").GetString());

        var requests = server.Requests.Where(r => r.PathAndQuery.Contains(run, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count);
        var negotiate = requests[0];
        Assert.Equal("POST", negotiate.Method);
        Assert.Equal($"/client/negotiate?hub=fleet&run={run}&negotiateVersion=1", negotiate.PathAndQuery);
        Assert.Equal("Bearer " + Server.ValidToken, negotiate.Authorization);
        Assert.Equal("http://dashboard.test", negotiate.Origin);

        var upgrade = requests[1];
        Assert.True(upgrade.IsWebSocket);
        var prefix = $"/client/?hub=fleet&run={run}&id=";
        Assert.StartsWith(prefix, upgrade.PathAndQuery, StringComparison.Ordinal);
        var rest = upgrade.PathAndQuery[prefix.Length..].Split('&');
        Assert.Equal(2, rest.Length);
        // negotiateVersion 1: the id is the secret connection token, not the public connection id.
        Assert.NotEmpty(rest[0]);
        Assert.NotEqual(client.ConnectionId, Uri.UnescapeDataString(rest[0]));
        Assert.Equal("access_token=" + Server.ValidToken, rest[1]);
        Assert.Null(upgrade.Authorization);
        Assert.Equal("http://dashboard.test", upgrade.Origin);
    }

    [Fact]
    public async Task Receives_a_broadcast_with_its_snake_case_argument_intact()
    {
        await using var client = await ConnectReadyAsync();
        var payload = new VehiclePing("veh-7", "company-a", 47.376887, 8.541694,
            new DateTimeOffset(2026, 11, 21, 8, 30, 15, 250, TimeSpan.Zero), "Zürich ✓ \"Hauptbahnhof\"", [3, 1, 4]);

        await server.Hub.Clients.All.SendAsync("t", payload);

        var message = await client.NextAsync(Wait);
        Assert.Equal("t", message.Target);
        Assert.Single(message.Arguments);
        Assert.Equal("veh-7", message.Argument.GetProperty("vehicle_id").GetString());
        Assert.Equal("company-a", message.Argument.GetProperty("company_id").GetString());
        Assert.Equal(47.376887, message.Argument.GetProperty("latitude").GetDouble());
        Assert.Equal("Zürich ✓ \"Hauptbahnhof\"", message.Argument.GetProperty("label").GetString());
        var expected = JsonSerializer.SerializeToNode(payload, Server.PayloadJson);
        Assert.True(
            JsonNode.DeepEquals(expected, JsonNode.Parse(message.Argument.GetRawText())),
            $"expected {expected?.ToJsonString()}, got {message.Argument.GetRawText()}");
    }

    [Fact]
    public async Task Many_messages_arrive_complete_and_in_order()
    {
        const int Count = 2000;
        await using var client = await ConnectReadyAsync();
        var padding = new string('x', 100_000);

        for (var i = 0; i < Count; i++)
        {
            // Every 250th message is far larger than one WebSocket receive buffer.
            await server.Hub.Clients.Client(client.ConnectionId).SendAsync("seq", new Sequenced(i, i % 250 == 0 ? padding : null));
        }

        for (var i = 0; i < Count; i++)
        {
            var message = await client.NextAsync(Wait);
            Assert.Equal("seq", message.Target);
            Assert.Equal(i, message.Argument.GetProperty("n").GetInt32());
            var expectedLength = i % 250 == 0 ? padding.Length : 0;
            Assert.Equal(expectedLength, message.Argument.GetProperty("padding").GetString()?.Length ?? 0);
        }
    }

    [Fact]
    public async Task A_refused_negotiate_surfaces_the_401()
    {
        var refused = await Assert.ThrowsAsync<SignalRConnectException>(() => ConnectAsync(server.Url("client"), "wrong-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("negotiate", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_refused_websocket_upgrade_surfaces_its_status()
    {
        var refused = await Assert.ThrowsAsync<SignalRConnectException>(
            () => ConnectAsync(server.Url("client"), Server.NegotiateOnlyToken));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("WebSocket", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.NegotiateOnlyToken, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handshake_error_is_reported()
    {
        // This hub accepts only a protocol the client does not speak, so the server answers the handshake with an error.
        var refused = await Assert.ThrowsAsync<SignalRConnectException>(() => ConnectAsync(server.Url("jsonless")));

        Assert.Null(refused.StatusCode);
        Assert.Contains("json", refused.HandshakeError, StringComparison.Ordinal);
        Assert.Contains(refused.HandshakeError!, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_side_abort_is_observed_as_closed()
    {
        await using var client = await ConnectReadyAsync();
        Assert.False(client.IsClosed);

        server.Registry.Abort(client.ConnectionId);

        await client.WaitForCloseAsync(Wait);
        Assert.True(client.IsClosed);
        // A closed connection fails a waiting reader at once instead of letting it run into its timeout.
        var started = Stopwatch.StartNew();
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.NextAsync(TimeSpan.FromSeconds(30)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"NextAsync took {started.Elapsed} on a closed connection");
    }

    [Fact]
    public async Task A_close_message_and_its_error_are_recorded()
    {
        // The hub throws in OnConnectedAsync for this URL; the server then sends a close message with an error.
        await using var client = await ConnectAsync(server.Url("client", "&fail=1"));

        await client.WaitForCloseAsync(Wait);

        Assert.True(client.IsClosed);
        Assert.NotNull(client.CloseError);
        Assert.StartsWith("Connection closed with an error.", client.CloseError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextAsync_with_a_target_keeps_the_messages_it_passed_over()
    {
        await using var client = await ConnectReadyAsync();
        var caller = server.Hub.Clients.Client(client.ConnectionId);
        await caller.SendAsync("a", 1);
        await caller.SendAsync("b", 2);
        await caller.SendAsync("a", 3);
        await caller.SendAsync("c", 4);

        Assert.Equal(4, (await client.NextAsync(Wait, "c")).Argument.GetInt32());
        Assert.Equal(1, (await client.NextAsync(Wait)).Argument.GetInt32());
        Assert.Equal(3, (await client.NextAsync(Wait, "a")).Argument.GetInt32());
        var last = await client.NextAsync(Wait);
        Assert.Equal(("b", 2), (last.Target, last.Argument.GetInt32()));
        Assert.Empty(await client.DrainAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task NextAsync_times_out_listing_what_arrived_meanwhile()
    {
        await using var client = await ConnectReadyAsync();
        await server.Hub.Clients.Client(client.ConnectionId).SendAsync("other", new { marker = "seen-meanwhile" });

        var started = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.NextAsync(TimeSpan.FromMilliseconds(500), "wanted"));

        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(450), $"gave up after {started.Elapsed}");
        Assert.Contains("'wanted'", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("other", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("seen-meanwhile", timeout.Message, StringComparison.Ordinal);
        // What was passed over is still there.
        Assert.Equal("other", (await client.NextAsync(Wait)).Target);
    }

    [Fact]
    public async Task DrainAsync_returns_everything_once_quiet()
    {
        await using var client = await ConnectReadyAsync();
        var caller = server.Hub.Clients.Client(client.ConnectionId);
        await caller.SendAsync("skipped", 0);
        await caller.SendAsync("wanted", 1);
        await client.NextAsync(Wait, "wanted");

        // Messages keep coming at a pace faster than the quiet period, so draining waits for the last one.
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i <= 8; i++)
            {
                await caller.SendAsync("tick", i);
                await Task.Delay(100);
            }
        });
        var drained = await client.DrainAsync(TimeSpan.FromMilliseconds(500));
        await sending;

        Assert.Equal(
            ["skipped:0", "tick:1", "tick:2", "tick:3", "tick:4", "tick:5", "tick:6", "tick:7", "tick:8"],
            drained.Select(m => $"{m.Target}:{m.Argument.GetInt32()}"));
    }

    [Fact]
    public async Task DrainAsync_returns_nothing_after_a_quiet_period()
    {
        await using var client = await ConnectReadyAsync();

        var started = Stopwatch.StartNew();
        var drained = await client.DrainAsync(TimeSpan.FromMilliseconds(300));

        Assert.Empty(drained);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Frames_split_over_and_packed_into_websocket_messages_are_parsed()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var client = await ConnectAsync(server.Url("raw", $"&scenario=fragmented&run={run}"));

        var messages = new List<HubMessage>();
        for (var i = 0; i < 4; i++)
        {
            messages.Add(await client.NextAsync(Wait));
        }

        Assert.Equal(
            ["a({\"n\":1})", "a({\"n\":2,\"s\":\"x\"})", "a({\"n\":3,\"s\":\"Zürich\"})", "b(\"x\")"],
            messages.Select(m => m.ToString()));
        Assert.Equal(2, messages[3].Arguments[1].GetInt32());
        await client.WaitForCloseAsync(Wait);
        Assert.Equal("bye", client.CloseError);
        Assert.Equal("{\"protocol\":\"json\",\"version\":1}\u001e", await server.NextRawAsync(run, Wait));
    }

    [Fact]
    public async Task Sends_a_ping_every_keep_alive_interval()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var client = await ConnectAsync(
            server.Url("raw", $"&scenario=listen&run={run}"), keepAliveInterval: TimeSpan.FromMilliseconds(100));

        // The endpoint answers each ping it receives with an invocation carrying the ping's number.
        Assert.Equal(1, (await client.NextAsync(Wait, "ping-seen")).Argument.GetInt32());
        Assert.Equal(2, (await client.NextAsync(Wait, "ping-seen")).Argument.GetInt32());
        Assert.Equal("{\"protocol\":\"json\",\"version\":1}\u001e", await server.NextRawAsync(run, Wait));
        Assert.Equal("{\"type\":6}\u001e", await server.NextRawAsync(run, Wait));
    }

    [Fact]
    public async Task Keep_alive_pings_hold_a_connection_the_server_would_time_out()
    {
        // The "strict" hub drops a client silent for 2 s. ASP.NET Core arms that timeout only with the client's first ping, so
        // the control client pings every 3.5 s: armed then, it is dropped (at a heartbeat tick) before its second ping at 7 s.
        // The margins are wide because a loaded machine stalls for most of a second now and then.
        await using var slow = await ConnectAsync(server.Url("strict"), keepAliveInterval: TimeSpan.FromSeconds(3.5));
        await using var pinging = await ConnectAsync(server.Url("strict"), keepAliveInterval: TimeSpan.FromMilliseconds(200));
        var started = Stopwatch.StartNew();

        await slow.WaitForCloseAsync(Wait);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.False(pinging.IsClosed, $"closed after {started.Elapsed}: {pinging.CloseError}");
        await server.StrictHub.Clients.Client(pinging.ConnectionId).SendAsync("still-here", 1);
        Assert.Equal("still-here", (await pinging.NextAsync(Wait)).Target);
    }

    [Fact]
    public async Task Dispose_closes_the_websocket_gracefully()
    {
        var run = Guid.NewGuid().ToString("N");
        var client = await ConnectAsync(server.Url("raw", $"&scenario=listen&run={run}"));
        Assert.Equal("{\"protocol\":\"json\",\"version\":1}\u001e", await server.NextRawAsync(run, Wait));

        var started = Stopwatch.StartNew();
        await client.DisposeAsync();

        Assert.True(started.Elapsed < SignalRTestClient.CloseTimeout, $"dispose took {started.Elapsed}");
        Assert.Equal("close:NormalClosure:client disposed", await server.NextRawAsync(run, Wait));
        Assert.True(client.IsClosed);
        await client.DisposeAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.NextAsync(Wait));
    }

    private async Task<SignalRTestClient> ConnectReadyAsync()
    {
        var client = await ConnectAsync(server.Url("client"));
        // The hub greets from OnConnectedAsync, after the connection joined the hub's lifetime manager: broadcasts reach it now.
        await client.NextAsync(Wait, "welcome");
        return client;
    }

    private static async Task<SignalRTestClient> ConnectAsync(
        Uri url,
        string token = Server.ValidToken,
        string? origin = null,
        TimeSpan? keepAliveInterval = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await SignalRTestClient.ConnectAsync(url, token, cts.Token, origin, keepAliveInterval);
    }

    private sealed record VehiclePing(
        string VehicleId,
        string CompanyId,
        double Latitude,
        double Longitude,
        DateTimeOffset RecordedAt,
        string Label,
        IReadOnlyList<int> Zones);

    private sealed record Sequenced(int N, string? Padding);

    /// <summary>
    /// A Kestrel host on 127.0.0.1:0 with a SignalR hub at <c>/client</c> (plus <c>/jsonless</c>, <c>/strict</c>) behind a
    /// trivial token check, and <c>/raw</c>: a scripted WebSocket endpoint that speaks the protocol by hand.
    /// </summary>
    public sealed class Server : IAsyncLifetime
    {
        public const string ValidToken = "valid-test-token";

        /// <summary>Accepted by negotiate only; the WebSocket upgrade with it is refused with 403.</summary>
        public const string NegotiateOnlyToken = "negotiate-only-token";

        public static readonly JsonSerializerOptions PayloadJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        private const string RawNegotiateResponse =
            """{"connectionId":"raw-connection","connectionToken":"raw-token","negotiateVersion":1,"""
            + "\"availableTransports\":[{\"transport\":\"WebSockets\",\"transferFormats\":[\"Text\",\"Binary\"]}]}";

        private readonly ConcurrentDictionary<string, Channel<string>> _raw = new(StringComparer.Ordinal);
        private WebApplication? _app;
        private Uri? _baseAddress;

        public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

        public ConnectionRegistry Registry { get; } = new();

        public IHubContext<GreetingHub> Hub => App.Services.GetRequiredService<IHubContext<GreetingHub>>();

        public IHubContext<StrictTimeoutHub> StrictHub => App.Services.GetRequiredService<IHubContext<StrictTimeoutHub>>();

        private WebApplication App => _app ?? throw new InvalidOperationException("The server is not started.");

        /// <summary>The client URL of the hub at <paramref name="path"/>, shaped as <c>/api/negotiate</c> returns it.</summary>
        public Uri Url(string path, string extraQuery = "") =>
            new(_baseAddress ?? throw new InvalidOperationException("The server is not started."), $"/{path}/?hub=fleet{extraQuery}");

        /// <summary>The next thing the raw endpoint recorded for <paramref name="run"/>: what the client sent, or how it closed.</summary>
        public async Task<string> NextRawAsync(string run, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            return await RawLog(run).Reader.ReadAsync(cts.Token);
        }

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(Registry);
            builder.Services.AddSignalR()
                .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower)
                .AddHubOptions<JsonlessHub>(o => o.SupportedProtocols = ["messagepack"])
                .AddHubOptions<StrictTimeoutHub>(o =>
                {
                    o.ClientTimeoutInterval = TimeSpan.FromSeconds(2);
                    o.KeepAliveInterval = TimeSpan.FromMilliseconds(500);
                });

            var app = builder.Build();
            app.UseWebSockets();
            app.Use(RecordAndAuthorizeAsync);
            app.MapHub<GreetingHub>("/client");
            app.MapHub<JsonlessHub>("/jsonless");
            app.MapHub<StrictTimeoutHub>("/strict");
            app.MapPost("/raw/negotiate", () => Results.Text(RawNegotiateResponse, "application/json"));
            app.Map("/raw", RunRawAsync);
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

        private async Task RecordAndAuthorizeAsync(HttpContext context, RequestDelegate next)
        {
            var request = context.Request;
            var authorization = request.Headers.Authorization.ToString();
            Requests.Enqueue(new RecordedRequest(
                request.Method,
                request.Path.Value + request.QueryString.Value,
                authorization.Length == 0 ? null : authorization,
                request.Headers.Origin.Count == 0 ? null : request.Headers.Origin.ToString(),
                context.WebSockets.IsWebSocketRequest));

            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal)
                ? authorization["Bearer ".Length..]
                : request.Query["access_token"].ToString();
            var negotiating = request.Path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true;
            if (token == ValidToken || (token == NegotiateOnlyToken && negotiating))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = token == NegotiateOnlyToken ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        }

        private Channel<string> RawLog(string run) => _raw.GetOrAdd(run, _ => Channel.CreateUnbounded<string>());

        private async Task RunRawAsync(HttpContext context)
        {
            if (!context.WebSockets.IsWebSocketRequest || context.Request.Query["id"].ToString() != "raw-token")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var log = RawLog(context.Request.Query["run"].ToString()).Writer;
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var ct = timeout.Token;
            try
            {
                log.TryWrite(await ReceiveTextAsync(socket, ct) ?? "closed before the handshake");
                if (context.Request.Query["scenario"].ToString() == "fragmented")
                {
                    await SendFragmentedAsync(socket, ct);
                    return;
                }

                await SendTextAsync(socket, "{}\u001e", ct);
                var pings = 0;
                while (await ReceiveTextAsync(socket, ct) is { } text)
                {
                    log.TryWrite(text);
                    if (text == "{\"type\":6}\u001e")
                    {
                        pings++;
                        await SendTextAsync(socket, $"{{\"type\":1,\"target\":\"ping-seen\",\"arguments\":[{pings}]}}\u001e", ct);
                    }
                }

                log.TryWrite($"close:{socket.CloseStatus}:{socket.CloseStatusDescription}");
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                log.TryWrite("aborted: " + ex.Message);
            }
        }

        /// <summary>
        /// The handshake response packed with the first invocation and a ping; a frame split over two WebSocket messages; one
        /// split over two fragments in the middle of a two-byte UTF-8 character; an invocation packed with a close message.
        /// </summary>
        private static async Task SendFragmentedAsync(WebSocket socket, CancellationToken ct)
        {
            await SendTextAsync(
                socket,
                "{}\u001e"
                + "{\"type\":1,\"target\":\"a\",\"arguments\":[{\"n\":1}]}\u001e"
                + "{\"type\":6}\u001e"
                + "{\"type\":1,\"target\":\"a\",\"arguments\":[{\"n\":2,",
                ct);
            await SendTextAsync(socket, "\"s\":\"x\"}]}\u001e", ct);

            var third = Encoding.UTF8.GetBytes("{\"type\":1,\"target\":\"a\",\"arguments\":[{\"n\":3,\"s\":\"Zürich\"}]}\u001e");
            var split = Array.IndexOf(third, (byte)0xC3) + 1;
            await socket.SendAsync(third.AsMemory(0, split), WebSocketMessageType.Text, endOfMessage: false, ct);
            await socket.SendAsync(third.AsMemory(split), WebSocketMessageType.Text, endOfMessage: true, ct);

            await SendTextAsync(
                socket, "{\"type\":1,\"target\":\"b\",\"arguments\":[\"x\",2]}\u001e{\"type\":7,\"error\":\"bye\"}\u001e", ct);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", ct);
        }

        private static Task SendTextAsync(WebSocket socket, string text, CancellationToken ct) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, ct);

        /// <summary>One whole WebSocket message as text, or null when the client closed.</summary>
        private static async Task<string?> ReceiveTextAsync(WebSocket socket, CancellationToken ct)
        {
            var buffer = new byte[4096];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return Encoding.UTF8.GetString(message.ToArray());
                }
            }
        }
    }

    public sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string? Origin, bool IsWebSocket);

    /// <summary>The hub's live connections, so a test can abort one from the server side.</summary>
    public sealed class ConnectionRegistry
    {
        private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);

        public void Add(HubCallerContext context) => _connections[context.ConnectionId] = context;

        public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

        public void Abort(string connectionId)
        {
            if (!_connections.TryGetValue(connectionId, out var context))
            {
                throw new InvalidOperationException($"No connection {connectionId} is registered.");
            }

            context.Abort();
        }
    }

    /// <summary>Greets each connection once it can receive broadcasts; refuses those whose URL says <c>fail=1</c>.</summary>
    public sealed class GreetingHub(ConnectionRegistry registry) : Hub
    {
        public override async Task OnConnectedAsync()
        {
            if (Context.GetHttpContext()?.Request.Query["fail"].ToString() == "1")
            {
                throw new InvalidOperationException("This connection is refused on purpose.");
            }

            registry.Add(Context);
            await Clients.Caller.SendAsync("welcome", new Welcome(Context.ConnectionId));
        }

        public override Task OnDisconnectedAsync(Exception? exception)
        {
            registry.Remove(Context.ConnectionId);
            return Task.CompletedTask;
        }

        private sealed record Welcome(string ConnectionId);
    }

    /// <summary>Configured to accept only MessagePack, so the JSON handshake is answered with an error.</summary>
    public sealed class JsonlessHub : Hub;

    /// <summary>Configured with a two-second client timeout (which the server enforces once the client has pinged).</summary>
    public sealed class StrictTimeoutHub : Hub;
}
