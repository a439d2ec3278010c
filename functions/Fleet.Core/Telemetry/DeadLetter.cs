namespace Fleet.Core.Telemetry;

/// <summary>
/// An event that could not be used, kept with its reason and raw body so nothing is lost. Keyed by its stream
/// position, so a replayed batch writes it once.
/// </summary>
public sealed record DeadLetter(
    EventMetadata Source,
    RejectionReason Reason,
    string Detail,
    string? DeviceId,
    string? VehicleId,
    string? CompanyId,
    ReadOnlyMemory<byte> Body,
    int BodyLength)
{
    /// <summary>Bodies are kept up to the event size limit; a larger body is cut there and its length recorded.</summary>
    public static DeadLetter From(TelemetryEvent telemetryEvent, TelemetryRejection rejection, string? vehicleId = null, string? companyId = null)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var body = telemetryEvent.Body;
        return new DeadLetter(
            telemetryEvent.Metadata,
            rejection.Reason,
            rejection.Detail,
            rejection.DeviceId,
            vehicleId,
            companyId,
            body.Length > TelemetryParser.MaxEventBytes ? body[..TelemetryParser.MaxEventBytes].ToArray() : body.ToArray(),
            body.Length);
    }
}
