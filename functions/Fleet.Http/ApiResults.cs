using Fleet.Core.Api;
using Microsoft.AspNetCore.Http;

namespace Fleet.Http;

/// <summary>A core handler's answer as HTTP: the value as JSON with the handler's status, 204 without one, or RFC 7807.</summary>
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

        var json = Results.Json(result.Value, FleetJson.Options, statusCode: result.Status);
        return result.Location is { } location ? new WithHeader(json, "Location", location) : json;
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
