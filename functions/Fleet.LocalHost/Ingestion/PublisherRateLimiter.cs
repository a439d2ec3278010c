using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Ingestion;

/// <summary>
/// Requests per publisher, as a token bucket: a device flushing its buffer after a tunnel sends a few large batches,
/// which pass; one sending request after request is told to wait. Spacing between fixes is the core's business.
/// </summary>
internal sealed class PublisherRateLimiter(IOptions<LocalHostOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(publisher =>
        RateLimitPartition.GetTokenBucketLimiter(publisher, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 2 * options.Value.PublisherRequestsPerSecond,
            TokensPerPeriod = options.Value.PublisherRequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <returns>Null when the request may go on, else how long the publisher should wait.</returns>
    public TimeSpan? TryAcquire(string publisher)
    {
        using var lease = _limiter.AttemptAcquire(publisher);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
