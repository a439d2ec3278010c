using Fleet.Core.Ports;

namespace Fleet.Core.Timers;

/// <summary>Deletes the alerts whose time to live has passed (DESIGN 5: 24 h by default, set when each is raised).</summary>
public sealed class AlertExpiryHandler(IAlertStore alerts, TimeProvider timeProvider)
{
    /// <returns>How many alerts were deleted.</returns>
    public Task<int> ExpireAsync(CancellationToken cancellationToken) => alerts.DeleteExpiredAsync(timeProvider.GetUtcNow(), cancellationToken);
}
