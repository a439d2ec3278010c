namespace Fleet.Core.Timers;

/// <summary>
/// The top-level settings holding the timers' 6-field NCRONTAB schedules. Both hosts read the same keys: the Functions
/// as <c>%DashboardSchedule%</c> in their trigger attributes, the local host from its configuration.
/// </summary>
public static class TimerSettingKeys
{
    public const string DashboardSchedule = "DashboardSchedule";
    public const string AlertExpirySchedule = "AlertExpirySchedule";
    public const string OfflineSweepSchedule = "OfflineSweepSchedule";

    /// <summary>Delivers the alerts left in the alert outbox (<see cref="AlertOutboxHandler"/>).</summary>
    public const string AlertOutboxSchedule = "AlertOutboxSchedule";

    /// <summary>Functions only: the local host retries a failed batch until it succeeds and parks nothing.</summary>
    public const string ParkedTelemetrySchedule = "ParkedTelemetrySchedule";
}
