using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.Adapters.EventHubs;

namespace Fleet.Simulator;

/// <summary>
/// Posts telemetry to an Event Hubs HTTPS endpoint (a namespace or the local host) in REST batches with a SAS token,
/// renewed well before it expires: to the event hub, or with <see cref="SimulatorOptions.PerDevicePublisher"/> each
/// device's fixes to its own publisher path with a token scoped to it. 429 and 503 are waited out as
/// <c>Retry-After</c> says and the same batch is sent again; other refusals are counted as rejected and the first few
/// printed. The token is never printed.
/// </summary>
internal sealed class EventHubsRestSender(HttpClient http, SimulatorOptions options, TimeProvider time, TextWriter output)
    : ITelemetrySender
{
    internal static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);
    internal static readonly TimeSpan TokenRenewalMargin = TimeSpan.FromMinutes(5);

    // A receiver that keeps throttling past this is treated as refusing, so a run still ends and says so.
    private const int MaxThrottledAttempts = 10;
    private const int MaxUnansweredAttempts = 3;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private static readonly MediaTypeHeaderValue BatchContentType = new(EventHubsBatch.ContentType);

    private readonly Dictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);
    private readonly RejectionLog _rejections = new(output);

    public string Destination => options.PerDevicePublisher
        ? $"{HubUri}/publishers/{{device}}/messages as {options.KeyName}"
        : $"{HubUri}/messages as {options.KeyName}";

    public SendCounters Counters { get; } = new();

    private string HubUri => $"{options.Endpoint.AbsoluteUri.TrimEnd('/')}/{options.EventHub}";

    /// <summary>Sends the fixes in order, in batches of at most the configured size.</summary>
    public async Task SendAsync(IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fixes);
        if (!options.PerDevicePublisher)
        {
            await SendAsync(new EventHubsResource(options.Endpoint, options.EventHub, null), fixes, cancellationToken);
            return;
        }

        foreach (var device in fixes.GroupBy(fix => fix.DeviceId, StringComparer.Ordinal))
        {
            await SendAsync(new EventHubsResource(options.Endpoint, options.EventHub, device.Key), [.. device], cancellationToken);
        }
    }

    /// <summary>Nothing to release: the HTTP client belongs to the caller.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task SendAsync(EventHubsResource resource, IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        foreach (var batch in EventHubsBatch.Encode(fixes, options.BatchSize))
        {
            Counters.AddSent(batch.EventCount);
            await PostAsync(resource, batch, cancellationToken);
        }
    }

    private async Task PostAsync(EventHubsResource resource, EncodedBatch batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, resource.MessagesUri)
            {
                Content = new ReadOnlyMemoryContent(batch.Body) { Headers = { ContentType = BatchContentType } },
            };
            request.Headers.TryAddWithoutValidation("Authorization", TokenFor(resource));

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception exception) when (
                exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt < MaxUnansweredAttempts)
                {
                    await Task.Delay(Backoff(attempt), time, cancellationToken);
                    continue;
                }

                Counters.AddRejected(batch.EventCount);
                _rejections.Write($"no answer from {resource.MessagesUri.GetLeftPart(UriPartial.Authority)}: {exception.Message}");
                return;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    Counters.AddAccepted(batch.EventCount);
                    return;
                }

                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    Counters.AddThrottled();
                    if (attempt < MaxThrottledAttempts)
                    {
                        await Task.Delay(RetryAfter(response) ?? Backoff(attempt), time, cancellationToken);
                        continue;
                    }
                }

                Counters.AddRejected(batch.EventCount);
                if (!_rejections.IsFull)
                {
                    _rejections.Write(await DescribeAsync(response, cancellationToken));
                }

                return;
            }
        }
    }

    private string TokenFor(EventHubsResource resource)
    {
        var now = time.GetUtcNow();
        if (_tokens.TryGetValue(resource.ResourceUri, out var cached) && now < cached.RenewAt)
        {
            return cached.Token;
        }

        var expiresAt = now + TokenLifetime;
        var token = EventHubsSas.Create(resource.ResourceUri, options.KeyName, options.Key, expiresAt);
        _tokens[resource.ResourceUri] = (token, expiresAt - TokenRenewalMargin);
        return token;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return wait is { } value ? Clamp(value) : null;
    }

    private static TimeSpan Backoff(int attempt) => Clamp(FirstBackoff * Math.Pow(2, attempt - 1));

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxWait ? MaxWait : wait;

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.ReasonPhrase}");
        var body = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        if (body.Length == 0)
        {
            return status;
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                var title = Text(problem.RootElement, "title");
                var detail = Text(problem.RootElement, "detail");
                if (title is not null || detail is not null)
                {
                    return $"{status}: {string.Join(": ", new[] { title, detail }.Where(part => part is not null))}";
                }
            }
        }
        catch (JsonException)
        {
            // Not problem details: the text itself is the best description there is.
        }

        return $"{status}: {body}";
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
