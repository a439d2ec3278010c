namespace Fleet.Core.Telemetry;

/// <summary>Why an event became a dead letter. <see cref="RejectionReasonCodes.ToCode"/> gives the stored code.</summary>
public enum RejectionReason
{
    MalformedJson,
    InvalidEncoding,
    NotAnObject,
    TooLarge,
    MissingField,
    InvalidField,
    DuplicateField,
    InvalidTimestamp,
    InvalidCoordinates,
    ZeroFix,
    FutureTimestamp,
    StaleTimestamp,
    LowAccuracy,
    ImplausibleJump,
    UnknownDevice,
    UnknownCompany,
    CompanyDisabled,
    PublisherMismatch,
}

public static class RejectionReasonCodes
{
    public static string ToCode(this RejectionReason reason) => reason switch
    {
        RejectionReason.MalformedJson => "malformed_json",
        RejectionReason.InvalidEncoding => "invalid_encoding",
        RejectionReason.NotAnObject => "not_an_object",
        RejectionReason.TooLarge => "too_large",
        RejectionReason.MissingField => "missing_field",
        RejectionReason.InvalidField => "invalid_field",
        RejectionReason.DuplicateField => "duplicate_field",
        RejectionReason.InvalidTimestamp => "invalid_timestamp",
        RejectionReason.InvalidCoordinates => "invalid_coordinates",
        RejectionReason.ZeroFix => "zero_fix",
        RejectionReason.FutureTimestamp => "future_timestamp",
        RejectionReason.StaleTimestamp => "stale_timestamp",
        RejectionReason.LowAccuracy => "low_accuracy",
        RejectionReason.ImplausibleJump => "implausible_jump",
        RejectionReason.UnknownDevice => "unknown_device",
        RejectionReason.UnknownCompany => "unknown_company",
        RejectionReason.CompanyDisabled => "company_disabled",
        RejectionReason.PublisherMismatch => "publisher_mismatch",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

/// <summary>A rejected event's reason, a human-readable detail, and the device id when it could be read.</summary>
public sealed record TelemetryRejection(RejectionReason Reason, string Detail, string? DeviceId = null);
