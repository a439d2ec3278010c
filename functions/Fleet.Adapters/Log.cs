using Microsoft.Extensions.Logging;

namespace Fleet.Adapters;

/// <summary>Every log message of the adapters, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied database migration {Version} ({Name})")]
    public static partial void MigrationApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "PostgreSQL: transient failure in {Operation}, attempt {Attempt} of {MaxAttempts}; retrying in {DelayMilliseconds} ms")]
    public static partial void TransientDatabaseFailure(ILogger logger, Exception exception, string operation, int attempt, int maxAttempts, double delayMilliseconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "A live position was already stored in {Table} (was a vehicle state reset?); writing the batch again with every position checked")]
    public static partial void LivePositionAlreadyStored(ILogger logger, string? table);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "SignalR Service answered {StatusCode} to closing a user's connections; their groups are empty, so nothing more reaches them")]
    public static partial void RealtimeCloseRefused(ILogger logger, int statusCode);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Could not reach SignalR Service to close a user's connections; their groups are empty, so nothing more reaches them")]
    public static partial void RealtimeCloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "{Dependency} failed a {Method} request (status {Status}); the client retries it")]
    public static partial void DependencyFailing(ILogger logger, Exception? exception, string dependency, string method, int? status);
}
