using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Adapters.Tables;

/// <summary>
/// How a <see cref="TableClient"/> retries and what it uses for time and logging. Each attempt is bounded by the
/// <see cref="HttpClient.Timeout"/> of the client passed in; a timed-out attempt is retried like a 503.
/// </summary>
public sealed class TableClientOptions
{
    /// <summary>Retries after the first attempt, so a request is sent at most <c>MaxRetries + 1</c> times.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The backoff before the first retry; it doubles for each further one (with jitter).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>No wait between attempts is longer, even when the service asks for more with <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Request dates, token expiry and backoff waits.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where retries are reported.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Logger);
    }
}
