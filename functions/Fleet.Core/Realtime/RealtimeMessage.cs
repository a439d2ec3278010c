namespace Fleet.Core.Realtime;

/// <summary>SignalR targets (DESIGN 3.2): the message <c>type</c> is also the client method name.</summary>
public static class RealtimeMessageTypes
{
    public const string FleetDashboardUpdate = "fleet_dashboard_update";
    public const string VehicleLocationUpdate = "vehicle_location_update";
    public const string VehicleStatusUpdate = "vehicle_status_update";
    public const string TripUpdate = "trip_update";
    public const string DriverEventUpdate = "driver_event_update";
    public const string GeofenceViolationUpdate = "geofence_violation_update";
    public const string MaintenanceAlertUpdate = "maintenance_alert_update";
    public const string Alert = "alert";
    public const string AlertRead = "alert_read";
    public const string AlertDeleted = "alert_deleted";
    public const string AssignmentNew = "assignment_new";
    public const string JobStatusUpdate = "job_status_update";
    public const string JobEtaUpdate = "job_eta_update";

    /// <summary>A vehicle, driver or geofence was created, changed or deleted (<see cref="ConfigChangePayload"/>).</summary>
    public const string ConfigChanged = "config_changed";
}

/// <summary>Group names (DESIGN 3.3). Only the server computes them, from validated claims and its own data.</summary>
public static class RealtimeGroups
{
    public static string Company(string companyId) => "company:" + companyId;

    /// <summary>A caller may choose a job's id, so its group is scoped to the company, escaped as a vehicle's.</summary>
    public static string Job(string companyId, string jobId) => $"job:{Uri.EscapeDataString(companyId)}:{jobId}";

    /// <summary>
    /// Scoped to the company as well: a vehicle id deleted by one company and created again by another must not reach
    /// the first company's followers. The company id is escaped so that no pair of ids can spell another pair's group.
    /// </summary>
    public static string Vehicle(string companyId, string vehicleId) => $"vehicle:{Uri.EscapeDataString(companyId)}:{vehicleId}";
}

public enum RealtimeTargetKind
{
    Group,
    User,
}

public readonly record struct RealtimeTarget(RealtimeTargetKind Kind, string Name)
{
    public static RealtimeTarget Group(string name) => new(RealtimeTargetKind.Group, name);

    /// <summary>A user's connections acting for the company, and no others of theirs.</summary>
    public static RealtimeTarget User(string companyId, string userId) => new(RealtimeTargetKind.User, RealtimeUsers.Of(companyId, userId));
}

/// <summary>SignalR user ids (DESIGN 3.3).</summary>
public static class RealtimeUsers
{
    /// <summary>
    /// A connection acts for one company, so its SignalR user id is the user within that company: a user of two
    /// companies holds two realtime identities, and two companies' users who share an id share nothing (groups,
    /// user-targeted messages, the connection cap). The company id is escaped, so the first '/' ends it.
    /// </summary>
    public static string Of(string companyId, string userId) => Uri.EscapeDataString(companyId) + "/" + userId;
}

/// <summary>The one argument every realtime message carries.</summary>
/// <param name="Seq">
/// Contiguous per company on the company group, so a dispatcher's page sees a gap as a lost message. Null on messages to
/// a vehicle, job or user: those see only part of the company's stream and would see gaps that are not losses (and
/// learn how busy the company is); they re-fetch on reconnect instead.
/// </param>
public sealed record RealtimeEnvelope(string Type, string CompanyId, long? Seq, DateTimeOffset Timestamp, object Data);

public sealed record RealtimeMessage(RealtimeTarget Target, RealtimeEnvelope Envelope);

public enum NoticeAudience
{
    /// <summary>The company group only: trips, alerts and driver events are for dispatchers.</summary>
    Company,

    /// <summary>The company group and the vehicle's followers (riders and customers see status, not alerts).</summary>
    CompanyAndVehicle,

    /// <summary>One user (alerts carrying a user id).</summary>
    User,
}

/// <summary>Something to tell browsers, before a sequence number is allocated for it.</summary>
public sealed record RealtimeNotice(
    string Type,
    string CompanyId,
    object Data,
    NoticeAudience Audience = NoticeAudience.Company,
    string? VehicleId = null,
    string? UserId = null);
