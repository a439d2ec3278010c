using System.Globalization;
using System.Text.Json;
using Fleet.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fleet.Http;

/// <summary>
/// Query values read as minimal APIs bind them (invariant culture, repeated values joined): a value given but not
/// parsed is the caller's error, a 400 naming the first such parameter.
/// </summary>
internal sealed class QueryReader(IQueryCollection query)
{
    public ApiProblem? Problem { get; private set; }

    public int? Int(string name) =>
        Read<int>(name, "an integer", static text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null);

    public bool? Bool(string name) => Read<bool>(name, "true or false", static text => bool.TryParse(text, out var value) ? value : null);

    /// <summary>A value taken as it is (the handler judges it); given twice it is ambiguous.</summary>
    public string? Text(string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            Problem ??= ApiProblem.InvalidField(name, $"{name} may be given once.");
        }

        return values.Count == 1 ? values.ToString() : null;
    }

    // A time without an offset is UTC, whatever the server's time zone.
    public DateTimeOffset? Time(string name) => Read<DateTimeOffset>(
        name,
        "a date and time (ISO 8601)",
        static text => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var value) ? value : null);

    private T? Read<T>(string name, string expected, Func<string, T?> parse)
        where T : struct
    {
        var values = query[name];
        if (values.Count == 0)
        {
            return null;
        }

        var parsed = parse(values.ToString());
        if (parsed is null)
        {
            Problem ??= ApiProblem.InvalidField(name, $"{name} must be {expected}.");
        }

        return parsed;
    }
}

public static class RequestBody
{
    /// <summary>
    /// The most any API body may hold: generous for a 5,000-vertex fence, and what keeps one request from costing the
    /// host hundreds of megabytes (a 20 MB job address did).
    /// </summary>
    public const int MaxJsonBodyBytes = 1024 * 1024;

    private static readonly ApiProblem NotJson = new(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", "The body must be JSON (Content-Type: application/json).");

    /// <returns>The raw body, or null when it is longer than <paramref name="limit"/> (read no further than that).</returns>
    public static async Task<byte[]?> ReadBytesAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The body as <typeparamref name="T"/>; none at all reads as null, for the handler to say which fields it needs.
    /// </summary>
    public static async Task<(T? Value, ApiProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        // Servers tell whether a request has a body (chunked ones included); a context built by hand has its Content-Length.
        var hasBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (!hasBody)
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, NotJson);
        }

        var body = await ReadBytesAsync(request, MaxJsonBodyBytes, cancellationToken);
        if (body is null)
        {
            return (null, new ApiProblem(StatusCodes.Status413PayloadTooLarge, "Too large", $"A request body may be at most {MaxJsonBodyBytes} bytes."));
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(body, FleetJson.Options), null);
        }
        catch (JsonException exception)
        {
            return (null, ApiProblem.BadRequest($"The body is not the JSON this request takes (at {exception.Path ?? "$"})."));
        }
    }
}
