using Fleet.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Fleet.Http;

/// <summary>
/// A core handler's answer as HTTP: the value as JSON with the handler's status (and its <c>Location</c>, or its next
/// page's <c>Link</c>), 204 without one, or RFC 7807.
/// </summary>
public static class ApiResults
{
    // The options are explicit because hosts configure HTTP JSON differently (the Functions app not at all).
    public static IResult ToHttp<T>(this ApiResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Problem is { } problem)
        {
            return Problem(problem);
        }

        IResult answer = Results.Json(result.Value, FleetJson.Options, statusCode: result.Status);
        answer = result.Location is { } location ? new WithHeader(answer, "Location", location) : answer;
        return result.NextAfter is { } after ? new WithNextLink(answer, after) : answer;
    }

    public static IResult ToHttp(this ApiResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Problem is { } problem ? Problem(problem) : Results.NoContent();
    }

    public static IResult Problem(ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var extensions = problem.Errors is { } errors ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = errors } : null;
        var result = Results.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail, extensions: extensions);
        return problem.RetryAfter is { } retryAfter
            ? new WithHeader(result, "Retry-After", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            : result;
    }
}

/// <summary>A result with one more response header, whatever context it is executed in.</summary>
public sealed class WithHeader(IResult inner, string name, string value) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers[name] = value;
        return inner.ExecuteAsync(httpContext);
    }
}

/// <summary>
/// One page of a list, with an RFC 8288 <c>Link: &lt;...&gt;; rel="next"</c> to the next: the request's own path and
/// parameters, <c>after</c> set to the next page's cursor. The link is a path on the origin the request reached, so it
/// names no host taken from a request header, which a caller could forge.
/// </summary>
public sealed class WithNextLink(IResult inner, string after) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var request = httpContext.Request;

        // Query names match case-insensitively when read, so any spelling of the old cursor goes.
        var kept = request.Query
            .Where(parameter => !string.Equals(parameter.Key, PageSize.AfterParameter, StringComparison.OrdinalIgnoreCase))
            .SelectMany(parameter => parameter.Value.Select(value => KeyValuePair.Create(parameter.Key, value ?? "")));
        var query = new QueryBuilder(kept) { { PageSize.AfterParameter, after } };
        httpContext.Response.Headers.Link = $"<{request.PathBase.Add(request.Path).ToUriComponent()}{query.ToQueryString().ToUriComponent()}>; rel=\"next\"";

        // A dashboard on another origin (Static Web Apps) may read only the headers a response exposes to it.
        httpContext.Response.Headers.AccessControlExposeHeaders = "Link";
        return inner.ExecuteAsync(httpContext);
    }
}
