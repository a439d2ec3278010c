using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// One invocation the server sent: its target and first argument (<see cref="JsonValueKind.Undefined"/> when it had none).
/// <see cref="Arguments"/> holds all of them. The elements are clones, valid for as long as the test wants them.
/// </summary>
public sealed record HubMessage(string Target, JsonElement Argument)
{
    public IReadOnlyList<JsonElement> Arguments { get; init; } = [];

    public override string ToString() =>
        Argument.ValueKind == JsonValueKind.Undefined ? Target + "()" : Target + "(" + Argument.GetRawText() + ")";
}

/// <summary>
/// Connecting failed: negotiate or the WebSocket upgrade was refused (<see cref="StatusCode"/>), or the server answered the
/// hub handshake with an error (<see cref="HandshakeError"/>), or it spoke something else than the protocol expects.
/// </summary>
public sealed class SignalRConnectException : Exception
{
    public SignalRConnectException()
    {
    }

    public SignalRConnectException(string message)
        : base(message)
    {
    }

    public SignalRConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SignalRConnectException(string message, HttpStatusCode? statusCode, string? handshakeError, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        HandshakeError = handshakeError;
    }

    /// <summary>The HTTP status of the refused negotiate or WebSocket upgrade; null when HTTP itself succeeded.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>error</c> of the hub handshake response, when that is what failed.</summary>
    public string? HandshakeError { get; }
}

/// <summary>
/// A listen-only SignalR client for tests, speaking the JSON hub protocol over <see cref="ClientWebSocket"/> (the .NET
/// SignalR client package does not restore here). It connects the way the official JS client does for a URL such as
/// <c>http://127.0.0.1:7071/client/?hub=fleet</c>: <c>POST /client/negotiate?hub=fleet&amp;negotiateVersion=1</c> with
/// <c>Authorization: Bearer</c>, then the WebSocket <c>/client/?hub=fleet&amp;id={connectionToken}&amp;access_token={token}</c>,
/// then the handshake <c>{"protocol":"json","version":1}</c>. Every frame ends with the record separator 0x1E.
/// <para>
/// Invocations (type 1) are queued in arrival order; server pings (type 6) are ignored; a close message (type 7) sets
/// <see cref="IsClosed"/> and <see cref="CloseError"/>. The client sends a ping every <see cref="DefaultKeepAliveInterval"/>
/// so the server's client timeout (30 s by default) never closes an idle test connection. It never invokes hub methods and
/// does not answer server-to-client invocations that expect a result (those carrying an <c>invocationId</c>).
/// </para>
/// </summary>
public sealed class SignalRTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long connecting waits for the handshake response, on top of the caller's token.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How long <see cref="DisposeAsync"/> waits for the server to answer the WebSocket close before aborting.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long <see cref="DrainAsync"/> keeps collecting when messages never stop.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] HandshakeRequest = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] PingFrame = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly ClientWebSocket _socket;
    private readonly FrameReader _reader;
    private readonly Channel<HubMessage> _received =
        Channel.CreateUnbounded<HubMessage>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly CancellationTokenSource _stopReceiving = new();
    private readonly CancellationTokenSource _stopPinging = new();

    // Invocations already taken from the channel but passed over by a target filter, oldest first. Guarded by _readLock.
    private readonly List<HubMessage> _skipped = [];
    private Task _receiveLoop = Task.CompletedTask;
    private Task _keepAliveLoop = Task.CompletedTask;
    private volatile string? _closeError;
    private volatile string? _transportError;
    private int _disposed;

    private SignalRTestClient(ClientWebSocket socket, string connectionId)
    {
        _socket = socket;
        _reader = new FrameReader(socket);
        ConnectionId = connectionId;
    }

    /// <summary>The <c>connectionId</c> negotiate returned, which is the hub's <c>Context.ConnectionId</c>.</summary>
    public string ConnectionId { get; }

    /// <summary>True once the server sent a close message or the WebSocket ended (or the client was disposed).</summary>
    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>The <c>error</c> of the server's close message, if one came with an error.</summary>
    public string? CloseError => _closeError;

    /// <summary>
    /// Negotiates and connects to <paramref name="clientUrl"/> (the <c>url</c> of <c>/api/negotiate</c>) with
    /// <paramref name="accessToken"/>, sending <paramref name="origin"/> as the Origin header of both requests when given.
    /// Returns once the hub handshake succeeded. Throws <see cref="SignalRConnectException"/> when the server refuses.
    /// </summary>
    public static async Task<SignalRTestClient> ConnectAsync(
        Uri clientUrl,
        string accessToken,
        CancellationToken ct,
        string? origin = null,
        TimeSpan? keepAliveInterval = null)
    {
        ArgumentNullException.ThrowIfNull(clientUrl);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);

        var (connectionId, connectionToken) = await NegotiateAsync(clientUrl, accessToken, origin, ct);

        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        var webSocketUrl = WebSocketUrl(clientUrl, connectionToken, accessToken);
        try
        {
            try
            {
                await socket.ConnectAsync(webSocketUrl, ct);
            }
            catch (WebSocketException ex)
            {
                var status = socket.HttpStatusCode == 0 ? (HttpStatusCode?)null : socket.HttpStatusCode;
                var refusal = status is null ? "" : $" with HTTP {(int)status} {status}";
                throw new SignalRConnectException(
                    $"The WebSocket upgrade to {Redact(webSocketUrl)} failed{refusal}: {ex.Message}",
                    status,
                    handshakeError: null,
                    ex);
            }

            var client = new SignalRTestClient(socket, connectionId);
            await client.HandshakeAsync(ct);
            client._receiveLoop = client.ReceiveLoopAsync(client._stopReceiving.Token);
            client._keepAliveLoop = client.KeepAliveLoopAsync(keepAliveInterval ?? DefaultKeepAliveInterval, client._stopPinging.Token);
            return client;
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next invocation, or with <paramref name="target"/> the oldest one with that target. Invocations passed over by a
    /// target filter are KEPT, in arrival order, and returned by later calls (with another target or none) and by
    /// <see cref="DrainAsync"/>. Throws <see cref="TimeoutException"/> listing what arrived meanwhile when none comes within
    /// <paramref name="timeout"/>, and <see cref="InvalidOperationException"/> as soon as the connection closed with no
    /// matching invocation left.
    /// </summary>
    public async Task<HubMessage> NextAsync(TimeSpan timeout, string? target = null)
    {
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            await _readLock.WaitAsync(timer.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Waited {timeout} for {Wanted(target)} behind another reader of this client, which is not supported.");
        }

        try
        {
            var index = _skipped.FindIndex(m => Matches(m, target));
            if (index >= 0)
            {
                var found = _skipped[index];
                _skipped.RemoveAt(index);
                return found;
            }

            var meanwhile = new List<HubMessage>();
            while (true)
            {
                while (_received.Reader.TryRead(out var message))
                {
                    if (Matches(message, target))
                    {
                        return message;
                    }

                    _skipped.Add(message);
                    meanwhile.Add(message);
                }

                bool more;
                try
                {
                    more = await _received.Reader.WaitToReadAsync(timer.Token);
                }
                catch (OperationCanceledException) when (timer.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"No {Wanted(target)} arrived within {timeout}. {Describe("Received meanwhile", meanwhile)} {State()}");
                }

                if (!more)
                {
                    throw new InvalidOperationException(
                        $"The connection closed before {Wanted(target)} arrived. {Describe("Received meanwhile", meanwhile)} {State()}");
                }
            }
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>
    /// Every invocation not yet returned (including those passed over by target filters) plus all that arrive until none has
    /// for <paramref name="quietPeriod"/>, or the connection closed. Throws <see cref="TimeoutException"/> when messages keep
    /// coming for longer than <see cref="DrainLimit"/>.
    /// </summary>
    public async Task<IReadOnlyList<HubMessage>> DrainAsync(TimeSpan quietPeriod)
    {
        using var limit = new CancellationTokenSource(DrainLimit);
        await _readLock.WaitAsync(limit.Token);
        try
        {
            var drained = new List<HubMessage>(_skipped);
            _skipped.Clear();
            while (true)
            {
                while (_received.Reader.TryRead(out var message))
                {
                    drained.Add(message);
                }

                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
                quiet.CancelAfter(quietPeriod);
                try
                {
                    if (!await _received.Reader.WaitToReadAsync(quiet.Token))
                    {
                        return drained;
                    }
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    _skipped.InsertRange(0, drained);
                    throw new TimeoutException(
                        $"Messages kept arriving for {DrainLimit} without a quiet period of {quietPeriod}. "
                        + Describe("Received", drained));
                }
                catch (OperationCanceledException) when (quiet.IsCancellationRequested)
                {
                    return drained;
                }
            }
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>Waits until <see cref="IsClosed"/>; throws <see cref="TimeoutException"/> when it is not within the timeout.</summary>
    public async Task WaitForCloseAsync(TimeSpan timeout)
    {
        try
        {
            await _closed.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The connection {ConnectionId} was still open after {timeout}.");
        }
    }

    /// <summary>Closes the WebSocket gracefully (bounded by <see cref="CloseTimeout"/>, then aborted) and stops both loops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopPinging.CancelAsync();
        await _keepAliveLoop;

        using (var closing = new CancellationTokenSource(CloseTimeout))
        {
            try
            {
                await SendCloseAsync("client disposed", closing.Token);
                // The receive loop ends when the server's close frame comes back.
                await _receiveLoop.WaitAsync(closing.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // Not closed in time or already broken: aborting below is all that is left.
            }
        }

        await _stopReceiving.CancelAsync();
        await _receiveLoop;
        _closed.TrySetResult();
        _socket.Dispose();
        _stopReceiving.Dispose();
        _stopPinging.Dispose();
    }

    private static async Task<(string ConnectionId, string ConnectionToken)> NegotiateAsync(
        Uri clientUrl,
        string accessToken,
        string? origin,
        CancellationToken ct)
    {
        var negotiateUrl = NegotiateUrl(clientUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, negotiateUrl);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        using var response = await Http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new SignalRConnectException(
                $"Negotiate POST {negotiateUrl} was refused with HTTP {(int)response.StatusCode} {response.StatusCode}: {Shorten(body)}",
                response.StatusCode,
                handshakeError: null,
                innerException: null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error))
            {
                throw new SignalRConnectException($"Negotiate POST {negotiateUrl} answered with an error: {error}");
            }

            if (root.TryGetProperty("url", out var redirect))
            {
                throw new SignalRConnectException(
                    $"Negotiate POST {negotiateUrl} redirected to {redirect}; this test client does not follow negotiate redirects.");
            }

            if (root.TryGetProperty("availableTransports", out var transports)
                && !transports.EnumerateArray().Any(t => t.TryGetProperty("transport", out var name) && name.ValueEquals("WebSockets")))
            {
                throw new SignalRConnectException($"Negotiate POST {negotiateUrl} offers no WebSockets transport: {Shorten(body)}");
            }

            var connectionId = root.GetProperty("connectionId").GetString()
                ?? throw new SignalRConnectException($"Negotiate POST {negotiateUrl} returned a null connectionId.");
            // negotiateVersion 1 separates the secret connectionToken (the `id` of the connect request) from the public id.
            var connectionToken = root.TryGetProperty("connectionToken", out var token) && token.GetString() is { } value
                ? value
                : connectionId;
            return (connectionId, connectionToken);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SignalRConnectException($"Negotiate POST {negotiateUrl} returned an unexpected body: {Shorten(body)}", ex);
        }
    }

    /// <summary>As the JS client: <c>/negotiate</c> goes before the query, which gains <c>negotiateVersion=1</c>.</summary>
    private static Uri NegotiateUrl(Uri clientUrl)
    {
        var path = clientUrl.GetLeftPart(UriPartial.Path);
        path += path.EndsWith('/') ? "negotiate" : "/negotiate";
        var query = clientUrl.Query.TrimStart('?');
        if (!HasParameter(query, "negotiateVersion"))
        {
            query = query.Length == 0 ? "negotiateVersion=1" : query + "&negotiateVersion=1";
        }

        return new Uri(path + "?" + query);
    }

    /// <summary>As the JS client: the client URL with <c>id</c> and <c>access_token</c> appended, http(s) turned into ws(s).</summary>
    private static Uri WebSocketUrl(Uri clientUrl, string connectionToken, string accessToken)
    {
        var builder = new UriBuilder(clientUrl)
        {
            Scheme = clientUrl.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs,
        };
        var query = clientUrl.Query.TrimStart('?');
        query += (query.Length == 0 ? "" : "&") + "id=" + Uri.EscapeDataString(connectionToken)
            + "&access_token=" + Uri.EscapeDataString(accessToken);
        builder.Query = query;
        return builder.Uri;
    }

    private static bool HasParameter(string query, string name) =>
        query.Split('&').Any(p => p.Split('=')[0].Equals(name, StringComparison.OrdinalIgnoreCase));

    private async Task HandshakeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HandshakeTimeout);
        string? response;
        try
        {
            await _socket.SendAsync(HandshakeRequest, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            response = await _reader.ReadFrameAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"No SignalR handshake response within {HandshakeTimeout}.");
        }

        if (response is null)
        {
            throw new SignalRConnectException(
                "The server closed the WebSocket before answering the handshake "
                + $"({_socket.CloseStatus} {_socket.CloseStatusDescription}).");
        }

        string? error;
        try
        {
            using var document = JsonDocument.Parse(response);
            if (document.RootElement.ValueKind != JsonValueKind.Object || document.RootElement.TryGetProperty("type", out _))
            {
                throw new SignalRConnectException($"Expected a handshake response, got: {Shorten(response)}");
            }

            // A response with an "error" member, even an empty one, is a refusal.
            error = document.RootElement.TryGetProperty("error", out var value) ? value.ToString() : null;
        }
        catch (JsonException ex)
        {
            throw new SignalRConnectException($"The handshake response is not JSON: {Shorten(response)}", ex);
        }

        if (error is not null)
        {
            throw new SignalRConnectException($"The server refused the SignalR handshake: {error}", null, error, null);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        try
        {
            // Frames the handshake read along with its response are still in the reader and come first.
            while (await _reader.ReadFrameAsync(ct) is { } frame)
            {
                Handle(frame);
            }

            // The server closed the WebSocket: complete the closing handshake.
            await SendCloseAsync("closed by the server", ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            // A broken socket or a frame this client cannot read: either way the connection is over.
            _transportError = ex.GetType().Name + ": " + ex.Message;
            _socket.Abort();
        }
        finally
        {
            _received.Writer.TryComplete();
            _closed.TrySetResult();
            await _stopPinging.CancelAsync();
        }
    }

    private void Handle(string frame)
    {
        if (string.IsNullOrWhiteSpace(frame))
        {
            return;
        }

        using var document = JsonDocument.Parse(frame);
        var root = document.RootElement;
        if (!root.TryGetProperty("type", out var typeElement) || !typeElement.TryGetInt32(out var type))
        {
            throw new InvalidDataException("A hub message without a numeric type: " + Shorten(frame));
        }

        switch (type)
        {
            case 1:
                var target = root.GetProperty("target").GetString()
                    ?? throw new InvalidDataException("An invocation with a null target: " + Shorten(frame));
                var arguments = root.TryGetProperty("arguments", out var args)
                    ? args.Clone().EnumerateArray().ToArray()
                    : [];
                _received.Writer.TryWrite(new HubMessage(target, arguments.Length > 0 ? arguments[0] : default) { Arguments = arguments });
                break;
            case 7:
                _closeError = root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null
                    ? error.ToString()
                    : null;
                _closed.TrySetResult();
                break;
            default:
                // 6 = ping (answering is not required), 2-5 = streaming and completions, unused by a listening client.
                break;
        }
    }

    private async Task KeepAliveLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(ct))
            {
                await _sendLock.WaitAsync(ct);
                try
                {
                    if (_socket.State != WebSocketState.Open)
                    {
                        return;
                    }

                    await _socket.SendAsync(PingFrame, WebSocketMessageType.Text, endOfMessage: true, ct);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopped, or the socket broke, which the receive loop reports.
        }
    }

    private async Task SendCloseAsync(string reason, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, ct);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static bool Matches(HubMessage message, string? target) =>
        target is null || string.Equals(message.Target, target, StringComparison.Ordinal);

    private static string Wanted(string? target) => target is null ? "invocation" : $"invocation of '{target}'";

    private string State()
    {
        var state = IsClosed ? "The connection is closed" : "The connection is open";
        if (_closeError is { } closeError)
        {
            state += $" (close message error: {closeError})";
        }

        if (_transportError is { } transportError)
        {
            state += $" (transport error: {transportError})";
        }

        return _skipped.Count == 0
            ? state + "."
            : state + $"; {Describe("kept from earlier target filters", _skipped)}";
    }

    private static string Describe(string label, IReadOnlyList<HubMessage> messages)
    {
        const int Listed = 20;
        if (messages.Count == 0)
        {
            return label + ": nothing.";
        }

        var listed = string.Join("; ", messages.Take(Listed).Select(m => Shorten(m.ToString())));
        return $"{label} ({messages.Count}): {listed}{(messages.Count > Listed ? "; ..." : "")}.";
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static string Redact(Uri url) =>
        url.GetLeftPart(UriPartial.Path) + "?" + string.Join('&', url.Query.TrimStart('?').Split('&')
            .Select(p => p.StartsWith("access_token=", StringComparison.Ordinal) ? "access_token=..." : p));

    /// <summary>Splits the byte stream of the WebSocket at 0x1E, however frames and WebSocket messages line up.</summary>
    private sealed class FrameReader(WebSocket socket)
    {
        private const int MaxFrameBytes = 64 * 1024 * 1024;
        private byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        /// <summary>The next frame without its separator, or null once the server closed the WebSocket.</summary>
        public async Task<string?> ReadFrameAsync(CancellationToken ct)
        {
            var scanned = _start;
            while (true)
            {
                var separator = Array.IndexOf(_buffer, RecordSeparator, scanned, _end - scanned);
                if (separator >= 0)
                {
                    // UTF-8 is decoded per whole frame, so characters split across WebSocket messages survive.
                    var frame = Encoding.UTF8.GetString(_buffer, _start, separator - _start);
                    _start = separator + 1;
                    if (_start == _end)
                    {
                        _start = _end = 0;
                    }

                    return frame;
                }

                scanned = _end;
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    scanned -= _start;
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    if (_buffer.Length >= MaxFrameBytes)
                    {
                        throw new InvalidDataException($"A frame exceeds {MaxFrameBytes} bytes without a record separator.");
                    }

                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var result = await socket.ReceiveAsync(_buffer.AsMemory(_end), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                _end += result.Count;
            }
        }
    }
}
