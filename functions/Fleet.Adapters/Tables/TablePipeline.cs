using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Azure.Core;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Sends Table requests with the protocol headers and authorization, retrying what may succeed if tried again (408,
/// 429, 500, 502, 503, 504, no response, a timed-out attempt) with exponential backoff and jitter, or after the
/// service's <c>Retry-After</c>. A retried request is rebuilt and re-signed. The last response is returned whatever its
/// status; when no response ever arrives, a <see cref="TableRequestFailedException"/> with status 0 is thrown.
/// </summary>
internal sealed class TablePipeline
{
    public const string DateHeader = "x-ms-date";

    // The version whose JSON format, Prefer header and OAuth support this client uses.
    private const string ServiceVersion = "2019-02-02";
    private const string BodyContentType = "application/json;odata=nometadata";

    // Minimal metadata is the least that still carries type annotations (Int64, DateTime) and per-entity ETags in queries.
    private const string AcceptedContentType = "application/json;odata=minimalmetadata";
    private const double JitterMinFactor = 0.8;
    private const double JitterRangeFactor = 0.4;

    private static readonly MediaTypeHeaderValue BodyMediaType = MediaTypeHeaderValue.Parse(BodyContentType);

    private readonly string _baseAddress;
    private readonly ITableRequestAuthorizer _authorizer;
    private readonly HttpClient _httpClient;
    private readonly TableClientOptions _options;

    private TablePipeline(Uri endpoint, ITableRequestAuthorizer authorizer, HttpClient httpClient, TableClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The table endpoint must be an absolute http or https URI.", nameof(endpoint));
        }

        _options = options ?? new TableClientOptions();
        _options.Validate();
        _baseAddress = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _authorizer = authorizer;
        _httpClient = httpClient;
    }

    public static TablePipeline Create(string connectionString, HttpClient httpClient, TableClientOptions? options)
    {
        var parsed = TableConnectionString.Parse(connectionString);
        return Create(parsed.Endpoint, parsed.Credential, httpClient, options);
    }

    public static TablePipeline Create(Uri endpoint, TableSharedKeyCredential credential, HttpClient httpClient, TableClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new TablePipeline(endpoint, new SharedKeyLiteAuthorizer(credential), httpClient, options);
    }

    public static TablePipeline Create(Uri endpoint, TokenCredential credential, HttpClient httpClient, TableClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        if (endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("A bearer token is only ever sent over https; the table endpoint is not https.", nameof(endpoint));
        }

        options ??= new TableClientOptions();
        return new TablePipeline(endpoint, new BearerTokenAuthorizer(credential, options.TimeProvider), httpClient, options);
    }

    public async Task<TableResponse> SendAsync(TableRequest request, CancellationToken cancellationToken)
    {
        var maxAttempts = _options.MaxRetries + 1;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            Exception? failure = null;
            HttpStatusCode? failedStatus = null;
            try
            {
                using var message = CreateMessage(request);
                await _authorizer.AuthorizeAsync(message, cancellationToken);
                using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (!IsRetriable(response.StatusCode) || attempt == maxAttempts)
                {
                    return new TableResponse(response, body, attempt);
                }

                failedStatus = response.StatusCode;
                retryAfter = RetryAfter(response);
            }
            catch (HttpRequestException exception)
            {
                failure = exception;
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Not the caller's cancellation, so the attempt timed out (HttpClient.Timeout).
                failure = exception;
            }

            if (failure is not null && attempt == maxAttempts)
            {
                var what = failure is OperationCanceledException ? "timed out" : "got no response";
                throw new TableRequestFailedException(
                    0,
                    null,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{request.Operation} on table '{request.Table}' {what} in {attempt} attempts: {failure.Message}"),
                    failure);
            }

            var delay = Backoff(attempt, retryAfter);
            if (failure is not null)
            {
                Log.TableRequestFailedRetrying(
                    _options.Logger, failure, request.Operation, request.Table, attempt, maxAttempts, delay.TotalMilliseconds);
            }
            else
            {
                Log.TableRequestRetrying(
                    _options.Logger, request.Operation, request.Table, (int)failedStatus!.Value, attempt, maxAttempts, delay.TotalMilliseconds);
            }

            await Task.Delay(delay, _options.TimeProvider, cancellationToken);
        }
    }

    private HttpRequestMessage CreateMessage(TableRequest request)
    {
        var uri = _baseAddress + "/" + request.Resource + (request.Query is null ? string.Empty : "?" + request.Query);
        var message = new HttpRequestMessage(request.Method, new Uri(uri, UriKind.Absolute));
        var headers = message.Headers;
        headers.TryAddWithoutValidation(DateHeader, _options.TimeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation("x-ms-version", ServiceVersion);
        headers.TryAddWithoutValidation("DataServiceVersion", "3.0");
        headers.TryAddWithoutValidation("Accept", AcceptedContentType);
        if (request.IfMatch is not null)
        {
            // Raw: ETags of the Table service hold quotes and colons a typed header value might rewrite.
            headers.TryAddWithoutValidation("If-Match", request.IfMatch);
        }

        if (request.PreferNoContent)
        {
            headers.TryAddWithoutValidation("Prefer", "return-no-content");
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = BodyMediaType;
        }

        return message;
    }

    private static bool IsRetriable(HttpStatusCode status) => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
        or HttpStatusCode.GatewayTimeout;

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _options.TimeProvider.GetUtcNow(),
        _ => null,
    };

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var maxMilliseconds = _options.MaxRetryDelay.TotalMilliseconds;
        var jitter = JitterMinFactor + (Random.Shared.NextDouble() * JitterRangeFactor);
        var milliseconds = retryAfter?.TotalMilliseconds ?? _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1) * jitter;
        return TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, maxMilliseconds));
    }
}
