using Microsoft.AspNetCore.Http;

namespace Fleet.Http;

/// <summary>The token of a request's <c>Authorization: Bearer</c> header, as every route and the hub read it.</summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";

    /// <returns>The token, or null when the request carries none.</returns>
    public static string? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Prefix, StringComparison.Ordinal) ? header[Prefix.Length..].Trim() : null;
    }
}
