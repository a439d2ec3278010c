using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Fleet.Adapters.Tables;

/// <param name="Operation">Names the request in errors and logs, e.g. "Insert".</param>
/// <param name="Resource">The path after the endpoint, already escaped.</param>
/// <param name="Query">The query string without '?', already escaped.</param>
internal sealed record TableRequest(
    HttpMethod Method, string Operation, string Table, string Resource, string? Query = null, byte[]? Body = null)
{
    public static readonly HttpMethod Merge = new("MERGE");

    /// <summary>An ETag, or "*"; absent for unconditional writes.</summary>
    public string? IfMatch { get; init; }

    /// <summary>Asks the service not to echo the written entity back.</summary>
    public bool PreferNoContent { get; init; }
}

/// <summary>A response read to the end, so the connection is released before the caller looks at it.</summary>
internal sealed class TableResponse
{
    private const string ErrorCodeHeader = "x-ms-error-code";

    public TableResponse(HttpResponseMessage response, byte[] body, int attempts)
    {
        Status = response.StatusCode;
        Body = body;
        Attempts = attempts;
        ETag = Header(response, "ETag");
        NextPartitionKey = Header(response, "x-ms-continuation-NextPartitionKey");
        NextRowKey = Header(response, "x-ms-continuation-NextRowKey");
        if (!IsSuccess)
        {
            (var bodyCode, ErrorMessage) = ParseError(body);
            ErrorCode = Header(response, ErrorCodeHeader) ?? bodyCode;
        }

        ReasonPhrase = response.ReasonPhrase;
    }

    public HttpStatusCode Status { get; }

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public byte[] Body { get; }

    /// <summary>How many times the request was sent; above one, an earlier attempt may have taken effect.</summary>
    public int Attempts { get; }

    public string? ETag { get; }

    public string? NextPartitionKey { get; }

    public string? NextRowKey { get; }

    public string? ErrorCode { get; }

    public string? ErrorMessage { get; }

    public string? ReasonPhrase { get; }

    /// <summary>404 for the entity itself, as opposed to the whole table being absent.</summary>
    public bool IsEntityNotFound => Status == HttpStatusCode.NotFound && ErrorCode != TableErrorCode.TableNotFound;

    public TableRequestFailedException ToException(TableRequest request, string? note = null)
    {
        var detail = ErrorMessage ?? ReasonPhrase ?? "no error description";
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Operation} on table '{request.Table}' failed with status {(int)Status} ({ErrorCode ?? "no error code"}): {detail}");
        return new TableRequestFailedException((int)Status, ErrorCode, note is null ? message : message + " " + note);
    }

    /// <summary>The code and message of an <c>odata.error</c> body; nothing when the body is not one.</summary>
    internal static (string? Code, string? Message) ParseError(byte[] body)
    {
        if (body.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("odata.error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var code = error.TryGetProperty("code", out var codeJson) && codeJson.ValueKind == JsonValueKind.String
                ? codeJson.GetString()
                : null;
            var message = error.TryGetProperty("message", out var messageJson) ? MessageText(messageJson) : null;
            return (code, message);
        }
        catch (JsonException)
        {
            // Gateways and proxies answer with HTML or XML; the status and the error-code header still describe the failure.
            return (null, null);
        }
    }

    private static string? MessageText(JsonElement message)
    {
        var text = message.ValueKind switch
        {
            JsonValueKind.String => message.GetString(),
            JsonValueKind.Object when message.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String =>
                value.GetString(),
            _ => null,
        };

        // The service puts the request id on its own line; one line reads better in logs.
        return text?.ReplaceLineEndings(" ");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
