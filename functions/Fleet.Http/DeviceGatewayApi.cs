using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Fleet.Core.Api;
using Fleet.Core.Devices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Fleet.Http;

/// <summary>Section <c>Fleet:Gateway</c>: how many events one device may send.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Fleet:Gateway";

    /// <summary>Sustained events per second per device; a phone reports every few seconds, a tracker every second at most.</summary>
    [Range(1, 10_000, ErrorMessage = "Fleet:Gateway:EventsPerSecondPerDevice must be between 1 and 10000.")]
    public int EventsPerSecondPerDevice { get; set; } = 10;

    /// <summary>Events a device may send at once: a buffer flushed after a tunnel or an offline hour.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Fleet:Gateway:EventBurstPerDevice must be between 1 and 1000000.")]
    public int EventBurstPerDevice { get; set; } = 1_000;
}

/// <summary>
/// Events per device, as a token bucket: a device flushing its buffer after a tunnel sends many at once, which pass;
/// one sending faster than <see cref="GatewayOptions.EventsPerSecondPerDevice"/> for long is told to wait. Events, not
/// requests, are what is limited: one request may carry thousands. Keys are device ids as they are spelled (ordinal),
/// so devices whose ids differ only in case never share a bucket.
/// </summary>
public sealed class DeviceEventLimiter(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(deviceId =>
        RateLimitPartition.GetTokenBucketLimiter(deviceId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.EventBurstPerDevice,
            TokensPerPeriod = options.Value.EventsPerSecondPerDevice,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <returns>Null when the device may send these events, else the 429 to answer, with when to retry.</returns>
    public ApiProblem? TryAcquire(string deviceId, int events)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        using var lease = _limiter.AttemptAcquire(deviceId, Math.Clamp(events, 1, options.Value.EventBurstPerDevice));
        if (lease.IsAcquired)
        {
            return null;
        }

        return new ApiProblem(
            StatusCodes.Status429TooManyRequests,
            "Too many events",
            $"Device '{deviceId}' may send {options.Value.EventsPerSecondPerDevice} events per second; retry later.",
            RetryAfter: lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1));
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// The device gateway of DESIGN 3.5 on any host: <c>POST /api/telemetry</c> (DESIGN 3.1 JSON), the OsmAnd protocol of
/// Traccar Client (<c>/api/osmand</c>: query string, form or the JSON of Traccar Client 9) and OwnTracks' HTTP mode
/// (<c>POST /api/owntracks</c>). Every message is converted, checked by the core parser and forwarded with partition
/// key = device id; the device must hold a valid credential, and is limited in events per second.
/// </summary>
public sealed class DeviceGatewayApi(DeviceAuthenticator authenticator, DeviceGatewayHandler gateway, DeviceEventLimiter limiter)
{
    /// <summary>One event or an array of them, with the device token as the bearer (or Basic: device id and token).</summary>
    public async Task<IResult> TelemetryAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var device = await AuthenticateAsync(http, TokenFromAuthorization(http.Request));
        if (device.Refusal is not null)
        {
            return device.Refusal;
        }

        var (body, problem) = await ReadJsonAsync(http);
        if (problem is not null)
        {
            return ApiResults.Problem(problem);
        }

        List<ReadOnlyMemory<byte>> events = body!.RootElement.ValueKind == JsonValueKind.Array
            ? [.. body.RootElement.EnumerateArray().Select(element => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(element.GetRawText()))]
            : [Encoding.UTF8.GetBytes(body.RootElement.GetRawText())];
        body.Dispose();
        return await SubmitAsync(http, device.Caller!, events, result => result.ToHttp());
    }

    /// <summary>
    /// OsmAnd as Traccar Client sends it. The app lets a user set only a server URL and a device identifier, so the
    /// identifier (<c>id</c>/<c>deviceid</c>, or <c>device_id</c> in its JSON) is the device token. Answers 200 with an
    /// empty body, as the app expects.
    /// </summary>
    public async Task<IResult> OsmAndAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        if (request.HasJsonContentType())
        {
            var (body, problem) = await ReadJsonAsync(http);
            if (problem is not null)
            {
                return ApiResults.Problem(problem);
            }

            using (body)
            {
                var root = body!.RootElement;
                var token = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("device_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                return await ConvertAndSubmitAsync(http, token, caller => DeviceProtocols.FromTraccarJson(root, caller.DeviceId), Empty);
            }
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Query)
        {
            fields[name] = value.ToString();
        }

        if (request.HasFormContentType)
        {
            foreach (var (name, value) in await request.ReadFormAsync(http.RequestAborted))
            {
                fields[name] = value.ToString();
            }
        }

        var osmAndToken = fields.GetValueOrDefault("id") ?? fields.GetValueOrDefault("deviceid");
        return await ConvertAndSubmitAsync(http, osmAndToken, caller => DeviceProtocols.FromOsmAnd(fields, caller.DeviceId), Empty);
    }

    /// <summary>OwnTracks in HTTP mode: Basic authentication with the device id and its token; answers <c>[]</c> (no commands).</summary>
    public async Task<IResult> OwnTracksAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (body, problem) = await ReadJsonAsync(http);
        if (problem is not null)
        {
            return ApiResults.Problem(problem);
        }

        using (body)
        {
            var root = body!.RootElement;
            return await ConvertAndSubmitAsync(http, TokenFromAuthorization(http.Request), caller => DeviceProtocols.FromOwnTracks(root, caller.DeviceId), NoCommands);
        }
    }

    private static IResult Empty(ApiResult<GatewayReceipt> result) => result.Problem is { } problem ? ApiResults.Problem(problem) : Results.Ok();

    private static IResult NoCommands(ApiResult<GatewayReceipt> result) =>
        result.Problem is { } problem ? ApiResults.Problem(problem) : Results.Text("[]", "application/json");

    private async Task<IResult> ConvertAndSubmitAsync(
        HttpContext http, string? token, Func<DeviceCaller, ConvertedMessage> convert, Func<ApiResult<GatewayReceipt>, IResult> answer)
    {
        var device = await AuthenticateAsync(http, token);
        if (device.Refusal is not null)
        {
            return device.Refusal;
        }

        var message = convert(device.Caller!);
        if (message.Ignored)
        {
            return answer(ApiResult<GatewayReceipt>.Ok(new GatewayReceipt(0, [])));
        }

        return message.Error is { } error
            ? ApiResults.Problem(ApiProblem.InvalidField("event", error))
            : await SubmitAsync(http, device.Caller!, [message.Event!], answer);
    }

    private async Task<IResult> SubmitAsync(
        HttpContext http, DeviceCaller device, IReadOnlyList<ReadOnlyMemory<byte>> events, Func<ApiResult<GatewayReceipt>, IResult> answer)
    {
        if (limiter.TryAcquire(device.DeviceId, events.Count) is { } tooMany)
        {
            return ApiResults.Problem(tooMany);
        }

        return answer(await gateway.SubmitAsync(device, events, http.RequestAborted));
    }

    private async Task<(DeviceCaller? Caller, IResult? Refusal)> AuthenticateAsync(HttpContext http, string? token)
    {
        var authentication = await authenticator.AuthenticateAsync(token, http.RequestAborted);
        if (authentication.Device is { } device)
        {
            // Basic authentication names the device too (OwnTracks' user): it must be the credential's.
            return BasicUserOf(http.Request) is { } user && user != device.DeviceId
                ? (null, Refused(StatusCodes.Status401Unauthorized, "The user name is not the device this token belongs to."))
                : (device, null);
        }

        return (null, Refused(authentication.Status, authentication.Failure!));
    }

    private static IResult Refused(int status, string detail)
    {
        var problem = ApiResults.Problem(new ApiProblem(status, status == StatusCodes.Status401Unauthorized ? "Not authenticated" : "Not allowed", detail));
        return status == StatusCodes.Status401Unauthorized ? new WithHeader(problem, "WWW-Authenticate", "Basic realm=\"fleet devices\", Bearer") : problem;
    }

    private static async Task<(JsonDocument? Body, ApiProblem? Problem)> ReadJsonAsync(HttpContext http)
    {
        var bytes = await RequestBody.ReadBytesAsync(http.Request, DeviceGatewayHandler.MaxRequestBytes, http.RequestAborted);
        if (bytes is null)
        {
            return (null, new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Too large", $"A request may carry at most {DeviceGatewayHandler.MaxRequestBytes} bytes."));
        }

        try
        {
            return (JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 }), null);
        }
        catch (JsonException)
        {
            return (null, ApiProblem.BadRequest("The body is not JSON."));
        }
    }

    /// <summary>The token of <c>Authorization: Bearer</c>, or the password of <c>Authorization: Basic</c>.</summary>
    private static string? TokenFromAuthorization(HttpRequest request) =>
        BearerToken.Of(request) ?? BasicCredentialsOf(request)?.Password;

    private static string? BasicUserOf(HttpRequest request) => BasicCredentialsOf(request)?.User;

    private static (string User, string Password)? BasicCredentialsOf(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header) ||
            !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 ? (pair[..colon], pair[(colon + 1)..]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
