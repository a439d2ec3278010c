namespace Fleet.Core.Alerts;

/// <summary>
/// An alert as raised. Its <see cref="Id"/> is deterministic, so raising it again (a replay, or an episode closing)
/// rewrites the same entity. Read state belongs to the store, not to the raiser.
/// </summary>
/// <param name="EventTime">When it happened (a fix time; for an offline alert, when the vehicle was last seen).</param>
/// <param name="CreatedAt">
/// When it was raised: when the system learned of it (the broker's enqueued time, so replays reproduce it; the sweep's
/// time for an offline alert). Orders alerts newest first, and every version of the alert keeps it (a store keys the
/// alert by it).
/// </param>
/// <param name="UserId">Set when the alert is for one user only; otherwise the whole company sees it.</param>
/// <param name="Final">
/// False for the first version of an alert that will be rewritten (a speeding episode still open). A store never lets
/// such a version replace a final one: a writer working from an outdated state could otherwise reopen what a newer
/// batch already closed.
/// </param>
public sealed record Alert(
    string Id,
    string CompanyId,
    AlertType Type,
    AlertSeverity Severity,
    string Title,
    string Message,
    DateTimeOffset EventTime,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? VehicleId = null,
    string? DriverId = null,
    string? UserId = null,
    AlertDetails? Details = null,
    bool Final = true);

/// <summary>An alert as stored, with what users did to it.</summary>
public sealed record StoredAlert(Alert Alert, bool Read);

/// <summary>The structured facts behind an alert's message (serialised as its <c>data</c>).</summary>
public sealed record AlertDetails
{
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public double? SpeedKmh { get; init; }

    /// <summary>For a harsh manoeuvre, the speed at the fix before it.</summary>
    public double? SpeedBeforeKmh { get; init; }
    public double? SpeedLimitKmh { get; init; }
    public double? MaxSpeedKmh { get; init; }
    public double? DurationSeconds { get; init; }
    public bool? EpisodeOpen { get; init; }
    public string? GeofenceId { get; init; }
    public string? GeofenceName { get; init; }
    public string? Transition { get; init; }
    public string? DriverEvent { get; init; }
    public double? AccelerationMetersPerSecondSquared { get; init; }
    public double? FuelDropPercent { get; init; }
    public double? FuelDropLiters { get; init; }
    public double? OdometerKm { get; init; }
    public double? ServiceDueKm { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
}
