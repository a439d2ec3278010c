using Fleet.Adapters.Auth;
using Fleet.Core.Api;

namespace Fleet.LocalHost.Api;

/// <summary>
/// Every API route except health needs a valid user token (DESIGN 7.5): this filter validates it and hands the route
/// the caller, or answers 401 with the reason.
/// </summary>
internal sealed class RequireCaller(UserTokens tokens) : IEndpointFilter
{
    private const string CallerKey = "fleet.caller";

    public static FleetCaller Of(HttpContext context) => (FleetCaller)context.Items[CallerKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
        var validation = await tokens.ValidateAsync(token, http.RequestAborted);
        if (validation.Caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated", detail: validation.Failure);
        }

        http.Items[CallerKey] = validation.Caller;
        return await next(context);
    }
}

internal static class ApiResults
{
    public static IResult ToHttp<T>(this ApiResult<T> result) => result.Problem is { } problem
        ? Problem(problem)
        : Results.Json(result.Value, statusCode: result.Status);

    public static IResult ToHttp(this ApiResult result) => result.Problem is { } problem ? Problem(problem) : Results.NoContent();

    public static IResult Problem(ApiProblem problem) => Results.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);
}
