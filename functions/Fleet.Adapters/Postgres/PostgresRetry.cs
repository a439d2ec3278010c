using Microsoft.Extensions.Logging;
using Npgsql;

namespace Fleet.Adapters.Postgres;

/// <summary>
/// Retries what PostgreSQL says may succeed if tried again (a dropped connection, a failover, a timeout, a deadlock or a
/// serialization failure) with exponential backoff and jitter. Everything else, and the last failure, propagates:
/// nothing is swallowed.
/// </summary>
public sealed class PostgresRetry(ILogger<PostgresRetry> logger, int maxAttempts = PostgresRetry.DefaultMaxAttempts)
{
    public const int DefaultMaxAttempts = 5;
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public async Task<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action(cancellationToken);
            }
            catch (Exception exception) when (attempt < maxAttempts && IsTransient(exception) && !cancellationToken.IsCancellationRequested)
            {
                var delay = Delay(attempt);
                Log.TransientDatabaseFailure(logger, exception, operation, attempt, maxAttempts, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    private static TimeSpan Delay(int attempt)
    {
        var exponential = BaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential < MaxDelay ? exponential : MaxDelay;

        // Full jitter: instances retrying after the same outage do not come back in step.
        return capped * (0.5 + Random.Shared.NextDouble() / 2);
    }
}
