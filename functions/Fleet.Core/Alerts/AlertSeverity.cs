namespace Fleet.Core.Alerts;

public enum AlertSeverity
{
    Low,
    Medium,
    High,
    Critical,
}

public enum AlertType
{
    SpeedViolation,
    GeofenceViolation,
    Maintenance,
    FuelTheft,
    DriverEvent,
    VehicleOffline,
    SystemError,
    PaymentReceived,
    InvoiceGenerated,
}

public static class AlertCodes
{
    public static string ToCode(this AlertType type) => type switch
    {
        AlertType.SpeedViolation => "speed_violation",
        AlertType.GeofenceViolation => "geofence_violation",
        AlertType.Maintenance => "maintenance",
        AlertType.FuelTheft => "fuel_theft",
        AlertType.DriverEvent => "driver_event",
        AlertType.VehicleOffline => "vehicle_offline",
        AlertType.SystemError => "system_error",
        AlertType.PaymentReceived => "payment_received",
        AlertType.InvoiceGenerated => "invoice_generated",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string ToCode(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Low => "low",
        AlertSeverity.Medium => "medium",
        AlertSeverity.High => "high",
        AlertSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, null),
    };
}
