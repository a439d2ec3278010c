using Fleet.Core.Api;
using Fleet.Http;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// The Event Hubs HTTPS send API (reference 8a): <c>POST /{hub}/messages</c>, single or batch, and
/// <c>POST /{hub}/publishers/{publisher}/messages</c>, authorised by SAS exactly as Event Hubs computes it. Accepted
/// events are numbered into partitions and kept in the event log, then answered 201 before they are processed, as the service does.
/// </summary>
internal static class EventHubsIngestion
{
    public static void MapEventHubsIngestion(this WebApplication app)
    {
        app.MapPost("/{hub}/messages", (string hub, HttpContext http) => SendAsync(hub, null, http));
        app.MapPost("/{hub}/publishers/{publisher}/messages", (string hub, string publisher, HttpContext http) => SendAsync(hub, publisher, http));
    }

    private static async Task<IResult> SendAsync(string hub, string? pathPublisher, HttpContext http)
    {
        var services = http.RequestServices;
        var eventHubs = services.GetRequiredService<IOptions<LocalEventHubsOptions>>().Value;
        if (!string.Equals(hub, eventHubs.EventHubName, StringComparison.OrdinalIgnoreCase))
        {
            return ApiResults.Problem(ApiProblem.NotFound($"No event hub '{hub}'."));
        }

        if (pathPublisher is not null && string.IsNullOrWhiteSpace(pathPublisher))
        {
            return ApiResults.Problem(ApiProblem.NotFound("A publisher name cannot be blank."));
        }

        var authorization = services.GetRequiredService<EventHubsAuthorization>().Check(http.Request, hub, pathPublisher);
        if (!authorization.Succeeded)
        {
            return ApiResults.Problem(new ApiProblem(StatusCodes.Status401Unauthorized, "Not authorised", authorization.Reason!));
        }

        // Publishers compare case-insensitively (as the SAS check does), so the token's spelling names the publisher:
        // another spelling of the path is not another sender, and the token's own spelling is its rate-limit bucket
        // (two devices whose ids differ only in case have two tokens, and two buckets).
        var publisher = pathPublisher is null ? null : authorization.Publisher ?? pathPublisher;

        // Devices send on their publisher path; a gateway holding the hub's key speaks for many devices and is not limited.
        if (publisher is not null && services.GetRequiredService<PublisherRateLimiter>().TryAcquire(publisher) is { } retryAfter)
        {
            return Retry(StatusCodes.Status429TooManyRequests, "Too many requests", "This publisher is over its request rate; retry later.", retryAfter);
        }

        var isBatch = http.Request.ContentType?.StartsWith(EventHubsEnvelope.BatchContentType, StringComparison.OrdinalIgnoreCase) == true;
        var limit = isBatch ? EventHubsEnvelope.MaxBatchBytes : EventHubsEnvelope.MaxEventBytes;
        var body = await RequestBody.ReadBytesAsync(http.Request, limit, http.RequestAborted);
        if (body is null)
        {
            return TooLarge($"The {(isBatch ? "batch" : "event")} exceeds {limit} bytes.");
        }

        List<IncomingEvent> events;
        if (isBatch)
        {
            var (items, error, tooLarge) = EventHubsEnvelope.ReadBatch(body);
            if (items is null)
            {
                return tooLarge ? TooLarge(error!) : ApiResults.Problem(ApiProblem.BadRequest(error!));
            }

            events = [.. items.Select(item => new IncomingEvent(item.Body, item.PartitionKey ?? publisher ?? EventHubsEnvelope.DeviceIdOf(item.Body), publisher))];
        }
        else
        {
            if (body.Length == 0)
            {
                return ApiResults.Problem(ApiProblem.BadRequest("The event has no body."));
            }

            var key = EventHubsEnvelope.PartitionKeyOfHeader(http.Request.Headers["BrokerProperties"]) ?? publisher ?? EventHubsEnvelope.DeviceIdOf(body);
            events = [new IncomingEvent(body, key, publisher)];
        }

        // A publisher is one device: it is limited in events as the device gateway limits them, not only in requests.
        if (publisher is not null && services.GetRequiredService<DeviceEventLimiter>().TryAcquire(publisher, events.Count) is { } tooMany)
        {
            return ApiResults.Problem(tooMany);
        }

        return await services.GetRequiredService<ILocalEventLog>().AppendAsync(events, http.RequestAborted) is { } retryLater
            ? Retry(StatusCodes.Status503ServiceUnavailable, "Busy", "The event log cannot take these events now (too far behind, or its store is unavailable); retry later.", retryLater)
            : Results.StatusCode(StatusCodes.Status201Created);
    }

    private static IResult TooLarge(string detail) =>
        ApiResults.Problem(new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Too large", detail));

    private static IResult Retry(int status, string title, string detail, TimeSpan retryAfter) =>
        ApiResults.Problem(new ApiProblem(status, title, detail, RetryAfter: retryAfter));
}
