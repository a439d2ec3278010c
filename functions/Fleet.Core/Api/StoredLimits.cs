namespace Fleet.Core.Api;

/// <summary>
/// How many records of each kind requests may make the service keep (issue 15). Every list a request can make grow
/// is read whole somewhere (a company's vehicles on every follow, its users on every disable), so each has a cap
/// checked before an add; changing a record that exists is always allowed. docs/SECURITY.md lists them with their
/// tests.
/// </summary>
public static class StoredLimits
{
    /// <summary>
    /// Vehicles, drivers and users, each, per company: ten times the largest company docs/SIZING.md plans for (the
    /// whole 10,000-vehicle platform in one company), yet a bound on what one admin can make every such read cost.
    /// </summary>
    public const int MaxPerCompany = 10_000;

    /// <summary>Five times the companies of the 100,000-vehicle sizing at its 50 vehicles per company.</summary>
    public const int MaxCompanies = 10_000;

    /// <summary>A vehicle's tracker, a phone, a replacement or two: a PUT with a new device id adds one, nothing takes one away.</summary>
    public const int MaxDevicesPerVehicle = 10;

    /// <summary>Unrevoked credentials per device: enough to rotate through several at once (create, move, revoke).</summary>
    public const int MaxActiveCredentialsPerDevice = 10;

    /// <summary>Each assignment adds to the job's history, which every read of the job carries.</summary>
    public const int MaxAssignmentsPerJob = 50;

    /// <summary>Each share stores a link; a job has a customer or a rider or two, each sent one link or a few.</summary>
    public const int MaxTrackingLinksPerJob = 50;

    /// <summary>The 409 for a company at <see cref="MaxPerCompany"/> of <paramref name="what"/> ("vehicles"): the cap and the way out.</summary>
    public static ApiProblem CompanyFull(string what) =>
        ApiProblem.Conflict(FormattableString.Invariant($"A company may have at most {MaxPerCompany:N0} {what}; delete one first."));
}
