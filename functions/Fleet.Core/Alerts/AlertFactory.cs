using System.Globalization;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Realtime;

namespace Fleet.Core.Alerts;

/// <summary>Who an alert is about and when the system learned of it; expiry counts from then.</summary>
public readonly record struct AlertOrigin(VehicleProfile Vehicle, string? DriverId, DateTimeOffset CreatedAt, TimeSpan TimeToLive);

/// <summary>Builds alerts with deterministic ids and the titles and messages a dispatcher reads.</summary>
public static class AlertFactory
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static AlertSeverity SpeedingSeverity(double excessRatio, Settings.SpeedingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return excessRatio > settings.CriticalExcessRatio ? AlertSeverity.Critical
            : excessRatio > settings.HighExcessRatio ? AlertSeverity.High
            : excessRatio > settings.MediumExcessRatio ? AlertSeverity.Medium
            : AlertSeverity.Low;
    }

    /// <summary>The alert as the episode opens: the speed now, and the worst of the run so far.</summary>
    public static Alert SpeedingStarted(AlertOrigin origin, State.SpeedingState run, double speedKmh, double limitKmh, Settings.SpeedingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(run);
        var name = origin.Vehicle.Name;
        return Create(
            origin,
            Episode(run).AlertId,
            AlertType.SpeedViolation,
            SpeedingSeverity(run.MaxExcessRatio, settings),
            run.AboveSince,
            $"Speeding: {name}",
            string.Create(Invariant, $"{name} is driving {speedKmh:0} km/h where the limit is {limitKmh:0} km/h."),
            new AlertDetails
            {
                Latitude = run.AbovePosition.Latitude,
                Longitude = run.AbovePosition.Longitude,
                SpeedKmh = Math.Round(speedKmh, 1),
                SpeedLimitKmh = run.LimitAtMaxKmh,
                MaxSpeedKmh = Math.Round(run.MaxSpeedKmh, 1),
                GeofenceId = run.GeofenceId,
                EpisodeOpen = true,
            }) with { Final = false };
    }

    /// <summary>The same alert rewritten as the episode closes, keeping when it was created.</summary>
    public static Alert SpeedingEnded(AlertOrigin origin, State.SpeedingState run, TimeSpan duration, Settings.SpeedingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(run);
        var episode = Episode(run);
        var name = origin.Vehicle.Name;
        return Create(
            origin with { CreatedAt = episode.CreatedAt },
            episode.AlertId,
            AlertType.SpeedViolation,
            SpeedingSeverity(run.MaxExcessRatio, settings),
            run.AboveSince,
            $"Speeding: {name}",
            string.Create(
                Invariant,
                $"{name} drove up to {run.MaxSpeedKmh:0} km/h where the limit is {run.LimitAtMaxKmh:0} km/h, for {Describe(duration)}."),
            new AlertDetails
            {
                Latitude = run.AbovePosition.Latitude,
                Longitude = run.AbovePosition.Longitude,
                SpeedLimitKmh = run.LimitAtMaxKmh,
                MaxSpeedKmh = Math.Round(run.MaxSpeedKmh, 1),
                DurationSeconds = duration.TotalSeconds,
                GeofenceId = run.GeofenceId,
                EpisodeOpen = false,
            });
    }

    public static Alert Geofence(AlertOrigin origin, Geofence fence, GeofenceTransition transition, DateTimeOffset time, GeoPoint position, bool crossing)
    {
        ArgumentNullException.ThrowIfNull(fence);
        var name = origin.Vehicle.Name;
        var verb = transition == GeofenceTransition.Enter ? "entered" : "left";
        var key = string.Create(Invariant, $"{fence.Id}\n{transition.ToCode()}\n{time.UtcTicks}");
        return Create(
            origin,
            DeterministicId.ForAlert(origin.Vehicle.VehicleId, AlertType.GeofenceViolation, key),
            AlertType.GeofenceViolation,
            fence.Severity,
            time,
            $"{name} {verb} {fence.Name}",
            // No time in the text: the alert's event time is data, which the page shows in the company's time zone.
            crossing
                ? string.Create(Invariant, $"{name} passed through geofence '{fence.Name}' between two reports ({verb} at about the alert's time).")
                : string.Create(Invariant, $"{name} {verb} geofence '{fence.Name}'."),
            new AlertDetails
            {
                Latitude = position.Latitude,
                Longitude = position.Longitude,
                GeofenceId = fence.Id,
                GeofenceName = fence.Name,
                Transition = transition.ToCode(),
            });
    }

    /// <param name="speedBeforeKmh">
    /// The speed at the fix before, when known: a braking is told from the speed it started at, not the one it ended at.
    /// </param>
    public static Alert DriverEvent(
        AlertOrigin origin,
        string eventCode,
        DateTimeOffset time,
        GeoPoint? position,
        double speedKmh,
        double? accelerationMetersPerSecondSquared,
        double? speedBeforeKmh)
    {
        var name = origin.Vehicle.Name;
        var (title, severity) = eventCode switch
        {
            DriverEventCodes.Crash => ($"Possible crash: {name}", AlertSeverity.Critical),
            DriverEventCodes.Sos => ($"SOS from {name}", AlertSeverity.Critical),
            DriverEventCodes.HarshBraking => ($"Harsh braking: {name}", AlertSeverity.Medium),
            DriverEventCodes.HarshAcceleration => ($"Harsh acceleration: {name}", AlertSeverity.Medium),
            DriverEventCodes.HarshCornering => ($"Harsh cornering: {name}", AlertSeverity.Medium),
            _ => throw new ArgumentOutOfRangeException(nameof(eventCode), eventCode, null),
        };
        var what = eventCode.Replace('_', ' ');
        var speeds = speedBeforeKmh is { } before
            ? string.Create(Invariant, $"from {before:0} to {speedKmh:0} km/h")
            : string.Create(Invariant, $"at {speedKmh:0} km/h");
        var message = accelerationMetersPerSecondSquared is { } acceleration
            ? string.Create(Invariant, $"{name}: {what} of {Math.Abs(acceleration):0.0} m/s², {speeds}.")
            : string.Create(Invariant, $"{name} reported {what}, {speeds}.");
        return Create(
            origin,
            DeterministicId.ForAlert(origin.Vehicle.VehicleId, AlertType.DriverEvent, $"{eventCode}\n{time.UtcTicks}"),
            AlertType.DriverEvent,
            severity,
            time,
            title,
            message,
            new AlertDetails
            {
                Latitude = position?.Latitude,
                Longitude = position?.Longitude,
                SpeedKmh = Math.Round(speedKmh, 1),
                SpeedBeforeKmh = speedBeforeKmh is { } start ? Math.Round(start, 1) : null,
                DriverEvent = eventCode,
                AccelerationMetersPerSecondSquared = accelerationMetersPerSecondSquared is { } a ? Math.Round(a, 2) : null,
            });
    }

    public static Alert Idling(AlertOrigin origin, DateTimeOffset since, TimeSpan duration, GeoPoint position)
    {
        var name = origin.Vehicle.Name;
        return Create(
            origin,
            DeterministicId.ForAlert(origin.Vehicle.VehicleId, AlertType.DriverEvent, $"{DriverEventCodes.Idling}\n{since.UtcTicks}"),
            AlertType.DriverEvent,
            AlertSeverity.Low,
            since,
            $"Idling: {name}",
            string.Create(Invariant, $"{name} has been idling with the engine on for {Describe(duration)}."),
            new AlertDetails
            {
                Latitude = position.Latitude,
                Longitude = position.Longitude,
                DriverEvent = DriverEventCodes.Idling,
                DurationSeconds = duration.TotalSeconds,
            });
    }

    public static Alert FuelTheft(
        AlertOrigin origin, DateTimeOffset referenceTime, DateTimeOffset time, double dropPercent, double dropLiters, GeoPoint position)
    {
        var name = origin.Vehicle.Name;
        return Create(
            origin,
            DeterministicId.ForAlert(origin.Vehicle.VehicleId, AlertType.FuelTheft, referenceTime),
            AlertType.FuelTheft,
            AlertSeverity.Critical,
            time,
            $"Possible fuel theft: {name}",
            string.Create(
                Invariant,
                $"{name} lost {dropPercent:0.#} % of its tank ({dropLiters:0.#} L) in {Describe(time - referenceTime)} while stopped."),
            new AlertDetails
            {
                Latitude = position.Latitude,
                Longitude = position.Longitude,
                FuelDropPercent = Math.Round(dropPercent, 2),
                FuelDropLiters = Math.Round(dropLiters, 2),
                DurationSeconds = (time - referenceTime).TotalSeconds,
            });
    }

    public static Alert MaintenanceDue(AlertOrigin origin, DateTimeOffset time, double odometerKm, double serviceDueKm)
    {
        var name = origin.Vehicle.Name;
        return Create(
            origin,
            DeterministicId.ForAlert(origin.Vehicle.VehicleId, AlertType.Maintenance, serviceDueKm.ToString("R", Invariant)),
            AlertType.Maintenance,
            AlertSeverity.Medium,
            time,
            $"Service due: {name}",
            string.Create(Invariant, $"{name} has reached {serviceDueKm:#,0} km: its scheduled service is due."),
            new AlertDetails { OdometerKm = Math.Round(odometerKm, 1), ServiceDueKm = serviceDueKm });
    }

    public static Alert Offline(AlertOrigin origin, DateTimeOffset lastSeen, TimeSpan offlineAfter, GeoPoint? lastPosition)
    {
        var name = origin.Vehicle.Name;
        return Create(
            origin,
            DeterministicId.ForAlert(origin.Vehicle.VehicleId, AlertType.VehicleOffline, lastSeen),
            AlertType.VehicleOffline,
            AlertSeverity.Medium,
            lastSeen,
            $"{name} is offline",
            // When it was last seen is the alert's event time and data.last_seen, shown by the page in the company's time zone.
            string.Create(Invariant, $"No data from {name} since its last report (offline after {Describe(offlineAfter)} of silence)."),
            new AlertDetails { LastSeen = lastSeen, Latitude = lastPosition?.Latitude, Longitude = lastPosition?.Longitude });
    }

    private static State.SpeedingEpisode Episode(State.SpeedingState run) =>
        run.Episode ?? throw new ArgumentException("A speeding run has an alert only once it is an episode.", nameof(run));

    /// <summary>A duration as people say it: seconds up to a minute and a half, minutes up to an hour and a half.</summary>
    public static string Describe(TimeSpan duration) => duration switch
    {
        { TotalMinutes: < 1.5 } => string.Create(Invariant, $"{duration.TotalSeconds:0} s"),
        { TotalHours: < 1.5 } => string.Create(Invariant, $"{duration.TotalMinutes:0} min"),
        _ => string.Create(Invariant, $"{duration.TotalHours:0.#} h"),
    };

    private static Alert Create(
        AlertOrigin origin,
        string id,
        AlertType type,
        AlertSeverity severity,
        DateTimeOffset eventTime,
        string title,
        string message,
        AlertDetails details) => new(
            id,
            origin.Vehicle.CompanyId,
            type,
            severity,
            title,
            message,
            eventTime,
            origin.CreatedAt,
            origin.CreatedAt + origin.TimeToLive,
            origin.Vehicle.VehicleId,
            origin.DriverId,
            Details: details);
}

/// <summary>The <c>event</c> values of <c>driver_event</c> alerts and <c>driver_event_update</c> messages.</summary>
public static class DriverEventCodes
{
    public const string HarshBraking = "harsh_braking";
    public const string HarshAcceleration = "harsh_acceleration";
    public const string HarshCornering = "harsh_cornering";
    public const string Crash = "crash";
    public const string Sos = "sos";
    public const string Idling = "idling";
    public const string SpeedingEnded = "speeding_ended";
}
