using System.Net;
using System.Text;
using System.Text.Json;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>Answers requests from a script, one responder per request, and records what was sent.</summary>
internal sealed class FakeTableHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _responders = new();
    private readonly List<SentRequest> _sent = [];

    /// <summary>What every request after the scripted ones gets.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage>? Otherwise { get; init; }

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public FakeTableHandler Then(Func<HttpRequestMessage, HttpResponseMessage> responder)
    {
        _responders.Enqueue((request, _) => Task.FromResult(responder(request)));
        return this;
    }

    /// <summary>Never answers, so the HttpClient's timeout ends the attempt.</summary>
    public FakeTableHandler ThenHang()
    {
        _responders.Enqueue(async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("Unreachable: the delay only ends by cancellation.");
        });
        return this;
    }

    public FakeTableHandler Then(HttpStatusCode status, string? body = null, string? errorCode = null) =>
        Then(_ => Response(status, body, errorCode));

    public FakeTableHandler ThenThrow(Exception exception) => Then(_ => throw exception);

    public static HttpResponseMessage Response(HttpStatusCode status, string? body = null, string? errorCode = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body ?? string.Empty, Encoding.UTF8, "application/json") };
        if (errorCode is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ms-error-code", errorCode);
        }

        return response;
    }

    public static string ErrorBody(string code, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["odata.error"] = new { code, message = new { lang = "en-US", value = message } },
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> responder;
        lock (_sent)
        {
            _sent.Add(new SentRequest(
                request.Method,
                request.RequestUri!,
                request.Headers.ToDictionary(header => header.Key, header => string.Join(",", header.Value), StringComparer.OrdinalIgnoreCase),
                body));
            responder = _responders.Count > 0 ? _responders.Dequeue()
                : Otherwise is { } otherwise ? (message, _) => Task.FromResult(otherwise(message))
                : throw new InvalidOperationException($"No response scripted for request {_sent.Count}.");
        }

        return await responder(request, cancellationToken);
    }
}

internal sealed record SentRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body);
