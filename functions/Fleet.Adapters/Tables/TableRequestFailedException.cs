using Azure;

namespace Fleet.Adapters.Tables;

/// <summary>
/// A Table service request that failed: <see cref="RequestFailedException.Status"/> is the HTTP status (0 when no
/// response arrived) and <see cref="RequestFailedException.ErrorCode"/> the service's code (see <see cref="TableErrorCode"/>).
/// Messages never contain credentials.
/// </summary>
public sealed class TableRequestFailedException : RequestFailedException
{
    public TableRequestFailedException(int status, string? errorCode, string message, Exception? innerException = null)
        : base(status, message, errorCode, innerException)
    {
    }
}

/// <summary>The service error codes callers act on.</summary>
public static class TableErrorCode
{
    public const string TableAlreadyExists = "TableAlreadyExists";
    public const string TableNotFound = "TableNotFound";
    public const string EntityAlreadyExists = "EntityAlreadyExists";
    public const string EntityNotFound = "EntityNotFound";
    public const string ResourceNotFound = "ResourceNotFound";
    public const string UpdateConditionNotSatisfied = "UpdateConditionNotSatisfied";
}
