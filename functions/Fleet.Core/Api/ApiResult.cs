namespace Fleet.Core.Api;

/// <summary>An RFC 7807 problem: what went wrong, for the caller; never internals.</summary>
/// <param name="Errors">Each invalid field by its JSON path (<c>rules.trips.min_stop_seconds</c>), so a form shows every
/// error next to its field.</param>
/// <param name="RetryAfter">For a 429 or 503: when to try again (the <c>Retry-After</c> header).</param>
public sealed record ApiProblem(int Status, string Title, string Detail, IReadOnlyDictionary<string, string>? Errors = null, TimeSpan? RetryAfter = null)
{
    public static ApiProblem BadRequest(string detail) => new(400, "The request is not valid", detail);

    /// <summary>A 400 naming one field.</summary>
    public static ApiProblem InvalidField(string field, string detail) => Invalid(new Dictionary<string, string>(StringComparer.Ordinal) { [field] = detail });

    /// <summary>A 400 naming every invalid field; the detail lists them all.</summary>
    public static ApiProblem Invalid(IReadOnlyDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new(400, "The request is not valid", string.Join(" ", errors.Values), errors);
    }

    public static ApiProblem Forbidden(string detail) => new(403, "Not allowed", detail);

    public static ApiProblem NotFound(string detail) => new(404, "Not found", detail);

    public static ApiProblem Conflict(string detail) => new(409, "Conflict", detail);

    /// <summary>A dependency cannot take the request now; nothing of it was accepted.</summary>
    public static ApiProblem Unavailable(string title, string detail, TimeSpan retryAfter) => new(503, title, detail, RetryAfter: retryAfter);
}

/// <summary>What an API handler answers: a value with its status, or a problem. Hosts only translate it to HTTP.</summary>
public sealed record ApiResult<T>
{
    private ApiResult(int status, T? value, ApiProblem? problem, string? location = null, string? nextAfter = null)
    {
        Status = status;
        Value = value;
        Problem = problem;
        Location = location;
        NextAfter = nextAfter;
    }

    public int Status { get; }

    /// <summary>Where a created resource lives (the path of its GET), for the <c>Location</c> header.</summary>
    public string? Location { get; }

    /// <summary>
    /// When the value is one page of a longer list: the <c>after</c> cursor of the next page, which hosts link to as
    /// <c>rel="next"</c> (RFC 8288) with the request's other parameters, so the body stays the list it always was.
    /// </summary>
    public string? NextAfter { get; }

    public T? Value { get; }

    public ApiProblem? Problem { get; }

    public static ApiResult<T> Ok(T value) => new(200, value, null);

    /// <summary>One page of a list, with the cursor of the next page when there is one.</summary>
    public static ApiResult<T> Ok(T value, string? nextAfter) => new(200, value, null, nextAfter: nextAfter);

    public static ApiResult<T> Created(T value) => new(201, value, null);

    public static ApiResult<T> Created(T value, string location) => new(201, value, null, location);

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
