using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Fleet.Http;

/// <summary>
/// An <see cref="IResult"/> as an <see cref="IActionResult"/>: the Functions app's ASP.NET Core integration executes
/// only the latter, and this way both hosts answer with the very same results.
/// </summary>
public sealed class HttpResultAction(IResult result) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return result.ExecuteAsync(context.HttpContext);
    }
}

public static class HttpResultActions
{
    public static async Task<IActionResult> AsActionResult(this Task<IResult> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new HttpResultAction(await result);
    }
}
