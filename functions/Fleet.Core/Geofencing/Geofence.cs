using Fleet.Core.Alerts;

namespace Fleet.Core.Geofencing;

[Flags]
public enum GeofenceAlertRule
{
    None = 0,
    Enter = 1,
    Exit = 2,
    Both = Enter | Exit,
}

public enum GeofenceTransition
{
    Enter,
    Exit,
}

/// <summary>A company's fence with its alert rule; <see cref="SpeedLimitKmh"/> lowers the limit inside it.</summary>
public sealed record Geofence(
    string Id,
    string CompanyId,
    string Name,
    GeofenceShape Shape,
    GeofenceAlertRule AlertOn = GeofenceAlertRule.Both,
    double? SpeedLimitKmh = null,
    TimeSpan? Dwell = null,
    AlertSeverity Severity = AlertSeverity.Medium);
