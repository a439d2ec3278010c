using System.Collections.Concurrent;
using System.Text.Json;
using Fleet.Adapters.EventHubs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>One request as the fake event hub saw it, with what its SAS check said.</summary>
internal sealed record ReceivedRequest(string Path, string? ContentType, string? Authorization, SasValidation Sas, byte[] Body)
{
    /// <summary>The events of a REST batch body: each item's Body parsed, with its partition key.</summary>
    public IReadOnlyList<(JsonElement Event, string? PartitionKey)> Events()
    {
        using var batch = JsonDocument.Parse(Body);
        return [.. batch.RootElement.EnumerateArray().Select(item => (
            JsonDocument.Parse(item.GetProperty("Body").GetString()!).RootElement.Clone(),
            item.TryGetProperty("BrokerProperties", out var properties) ? properties.GetProperty("PartitionKey").GetString() : null))];
    }
}

/// <summary>
/// A minimal Event Hubs HTTPS endpoint on Kestrel (127.0.0.1, a free port): it records every send, checks its SAS
/// token with the adapters' validator, and answers 201, 401 for a bad token, or what the test scripts.
/// </summary>
internal sealed class FakeEventHub : IAsyncDisposable
{
    public const string KeyName = "RootManageSharedAccessKey";
    public const string Key = "fleet-local-dev-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentQueue<Func<HttpResponse, Task>> _script = new();
    private readonly EventHubsSasValidator _validator;

    private FakeEventHub(string key)
    {
        _validator = new EventHubsSasValidator(name => name == KeyName ? key : null, TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{hub}/messages", (HttpContext context, string hub) => ReceiveAsync(context, hub, null));
        _app.MapPost(
            "/{hub}/publishers/{publisher}/messages",
            (HttpContext context, string hub, string publisher) => ReceiveAsync(context, hub, publisher));
    }

    public Uri Endpoint => new(_app.Urls.Single());

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <param name="key">The key the hub accepts under <see cref="KeyName"/>.</param>
    public static async Task<FakeEventHub> StartAsync(string key = Key)
    {
        var hub = new FakeEventHub(key);
        await hub._app.StartAsync();
        return hub;
    }

    /// <summary>The next request with a valid token gets this answer instead of 201.</summary>
    public FakeEventHub ThenAnswer(int status, string? retryAfter = null, string? problemDetail = null)
    {
        _script.Enqueue(async response =>
        {
            response.StatusCode = status;
            if (retryAfter is not null)
            {
                response.Headers.RetryAfter = retryAfter;
            }

            if (problemDetail is not null)
            {
                await Results.Problem(detail: problemDetail, statusCode: status).ExecuteAsync(response.HttpContext);
            }
        });
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context, string hub, string? publisher)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var authorization = context.Request.Headers.Authorization.ToString();
        var resource = new EventHubsResource(new Uri($"{context.Request.Scheme}://{context.Request.Host}/"), hub, publisher);
        var sas = _validator.Validate(authorization, resource);
        _requests.Enqueue(new ReceivedRequest(context.Request.Path, context.Request.ContentType, authorization, sas, body.ToArray()));

        if (!sas.Succeeded)
        {
            var problem = Results.Problem(title: "Unauthorized", detail: sas.Reason, statusCode: StatusCodes.Status401Unauthorized);
            await problem.ExecuteAsync(context);
            return;
        }

        if (_script.TryDequeue(out var answer))
        {
            await answer(context.Response);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
    }
}

/// <summary>
/// Real time, movable forward by hand, whose timers fire at once and record how long they were asked to wait: a
/// sender's backoff is checked without being waited out.
/// </summary>
internal sealed class InstantDelays : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _waits = new();
    private TimeSpan _ahead;

    public IReadOnlyList<TimeSpan> Waits => [.. _waits];

    public void MoveForward(TimeSpan by) => _ahead += by;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _ahead;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _waits.Enqueue(dueTime);
        callback(state);
        return new SpentTimer();
    }

    private sealed class SpentTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
