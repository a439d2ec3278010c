using Microsoft.Extensions.Logging;

namespace Fleet.Adapters;

/// <summary>The Table Storage client's messages (event ids 12xx).</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 1201,
        Level = LogLevel.Warning,
        Message = "Table request {Operation} on {Table} got status {Status}, attempt {Attempt} of {MaxAttempts}; " +
            "retrying in {DelayMilliseconds} ms")]
    public static partial void TableRequestRetrying(
        ILogger logger, string operation, string table, int status, int attempt, int maxAttempts, double delayMilliseconds);

    [LoggerMessage(
        EventId = 1202,
        Level = LogLevel.Warning,
        Message = "Table request {Operation} on {Table} got no response, attempt {Attempt} of {MaxAttempts}; " +
            "retrying in {DelayMilliseconds} ms")]
    public static partial void TableRequestFailedRetrying(
        ILogger logger, Exception exception, string operation, string table, int attempt, int maxAttempts, double delayMilliseconds);
}
