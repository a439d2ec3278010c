namespace Fleet.Core.Api;

/// <summary>An RFC 7807 problem: what went wrong, for the caller; never internals.</summary>
public sealed record ApiProblem(int Status, string Title, string Detail)
{
    public static ApiProblem BadRequest(string detail) => new(400, "The request is not valid", detail);

    public static ApiProblem Forbidden(string detail) => new(403, "Not allowed", detail);

    public static ApiProblem NotFound(string detail) => new(404, "Not found", detail);

    public static ApiProblem Conflict(string detail) => new(409, "Conflict", detail);
}

/// <summary>What an API handler answers: a value with its status, or a problem. Hosts only translate it to HTTP.</summary>
public sealed record ApiResult<T>
{
    private ApiResult(int status, T? value, ApiProblem? problem)
    {
        Status = status;
        Value = value;
        Problem = problem;
    }

    public int Status { get; }

    public T? Value { get; }

    public ApiProblem? Problem { get; }

    public static ApiResult<T> Ok(T value) => new(200, value, null);

    public static ApiResult<T> Created(T value) => new(201, value, null);

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(problem.Status, default, problem);
}

/// <summary>A result without a body (204 No Content on success).</summary>
public sealed record ApiResult
{
    public static ApiResult NoContent { get; } = new(null);

    private ApiResult(ApiProblem? problem) => Problem = problem;

    public ApiProblem? Problem { get; }

    public int Status => Problem?.Status ?? 204;

    public static implicit operator ApiResult(ApiProblem problem) => new(problem);
}
