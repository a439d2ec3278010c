using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using Fleet.Core.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// One invocation the server sent: its target and its one argument, the envelope every fleet message carries. The argument is
/// <see cref="JsonValueKind.Undefined"/> when the client could not read it (see <see cref="SignalRTestClient"/>).
/// </summary>
public sealed record HubMessage(string Target, JsonElement Argument)
{
    public override string ToString() =>
        Argument.ValueKind == JsonValueKind.Undefined ? Target + "(not read)" : Target + "(" + Argument.GetRawText() + ")";
}

/// <summary>
/// The official .NET SignalR client, listening as an app does, with every invocation it receives queued in arrival order for
/// the test to take (<see cref="NextAsync"/>, <see cref="DrainAsync"/>). It connects as a client of Azure SignalR Service
/// does: to the <c>url</c> that <c>/api/negotiate</c> returned, negotiating there with the <c>accessToken</c>, over
/// WebSockets, and never reconnects on its own, so that a close by the server stays visible.
/// <para>
/// The client has no catch-all handler (dotnet/aspnetcore#48747): it listens to every <see cref="RealtimeMessageTypes"/>
/// target with one argument. An invocation it cannot hand to those handlers (another target, or arguments that are not one
/// envelope) it drops with a log entry; that entry is queued too, with the target and an unread argument, so that nothing the
/// server sends goes unseen. It is queued as the client parses the frame, possibly ahead of invocations received just before.
/// (Only an invocation of another target with no argument at all leaves no such entry; the server never sends one.)
/// </para>
/// <para>
/// The client hands invocations to the handlers on a task of its own that a close does not wait for: one the server sent
/// just before closing can be queued after <see cref="IsClosed"/> turned true. It is kept, never dropped.
/// </para>
/// </summary>
public sealed class SignalRTestClient : IAsyncDisposable
{
    /// <summary>How long <see cref="DrainAsync"/> keeps collecting when messages never stop.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);

    private static readonly string[] FleetTargets = typeof(RealtimeMessageTypes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    private readonly Channel<HubMessage> _received = Channel.CreateUnbounded<HubMessage>();
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _readLock = new(1, 1);

    // Invocations already taken from the channel but passed over by a target filter, oldest first. Guarded by _readLock.
    private readonly List<HubMessage> _skipped = [];
    private readonly HubConnection _connection;
    private volatile string? _closeError;

    private SignalRTestClient(Uri clientUrl, string accessToken)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl(clientUrl, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                // What browsers connect with; a refused upgrade then fails the test instead of falling back to another transport.
                options.Transports = HttpTransportType.WebSockets;
            })
            .ConfigureLogging(logging => logging.AddProvider(new DroppedInvocations(this)))
            .Build();
        foreach (var target in FleetTargets)
        {
            _connection.On<JsonElement>(target, argument => Record(new HubMessage(target, argument)));
        }

        _connection.Closed += exception =>
        {
            MarkClosed(exception?.Message);
            return Task.CompletedTask;
        };
    }

    /// <summary>True once the connection closed, whoever closed it.</summary>
    public bool IsClosed => _closing.IsCancellationRequested;

    /// <summary>Why the connection closed, when it closed with an error: the server's close message, or a broken transport.</summary>
    public string? CloseError => _closeError;

    /// <summary>
    /// Negotiates at <paramref name="clientUrl"/> (the <c>url</c> of <c>/api/negotiate</c>) with <paramref name="accessToken"/>
    /// and connects; returns once the hub handshake succeeded. A refusal throws what the official client throws.
    /// </summary>
    public static async Task<SignalRTestClient> ConnectAsync(Uri clientUrl, string accessToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientUrl);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);

        var client = new SignalRTestClient(clientUrl, accessToken);
        try
        {
            await client._connection.StartAsync(ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
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
                // Read before taking what is queued: whatever was queued before the close is then taken below.
                var closed = IsClosed;
                while (_received.Reader.TryRead(out var message))
                {
                    if (Matches(message, target))
                    {
                        return message;
                    }

                    _skipped.Add(message);
                    meanwhile.Add(message);
                }

                if (closed)
                {
                    throw new InvalidOperationException(
                        $"The connection closed before {Wanted(target)} arrived. {Describe("Received meanwhile", meanwhile)} {State()}");
                }

                try
                {
                    await WaitForInvocationOrCloseAsync(timer.Token);
                }
                catch (OperationCanceledException) when (timer.IsCancellationRequested)
                {
                    throw new TimeoutException(
                        $"No {Wanted(target)} arrived within {timeout}. {Describe("Received meanwhile", meanwhile)} {State()}");
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
                var closed = IsClosed;
                while (_received.Reader.TryRead(out var message))
                {
                    drained.Add(message);
                }

                if (closed)
                {
                    return drained;
                }

                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
                quiet.CancelAfter(quietPeriod);
                try
                {
                    await WaitForInvocationOrCloseAsync(quiet.Token);
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
            throw new TimeoutException($"The connection was still open after {timeout}.");
        }
    }

    /// <summary>Stops the connection (the official client closes it gracefully) and marks this client closed.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        MarkClosed(error: null);
    }

    private void Record(HubMessage message) => _received.Writer.TryWrite(message);

    private void MarkClosed(string? error)
    {
        // The first close says why; disposing after the server closed keeps the server's reason.
        if (IsClosed)
        {
            return;
        }

        _closeError = error;
        _closing.Cancel();
        _closed.TrySetResult();
    }

    /// <summary>Completes when an invocation is queued or the connection closed; throws when <paramref name="ct"/> is cancelled.</summary>
    private async Task WaitForInvocationOrCloseAsync(CancellationToken ct)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        try
        {
            await _received.Reader.WaitToReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Closed: the caller takes what is left and stops.
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
            state += $" ({closeError})";
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

    /// <summary>
    /// Queues the invocations the official client drops, from the entry it logs for each: a target without a handler is bound
    /// to no arguments, which fails for any invocation that has one, and is logged as an argument binding failure; so is an
    /// invocation of a fleet target whose arguments are not one envelope.
    /// </summary>
    private sealed class DroppedInvocations(SignalRTestClient client) : ILoggerProvider, ILogger
    {
        private const string BindingFailure = "ArgumentBindingFailure";
        private const string TargetField = "MethodName";

        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(HubConnection).FullName ? this : NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == BindingFailure
                && state is IReadOnlyList<KeyValuePair<string, object?>> fields
                && fields.FirstOrDefault(field => field.Key == TargetField).Value is string target)
            {
                client.Record(new HubMessage(target, default));
            }
        }

        public void Dispose()
        {
        }
    }
}
