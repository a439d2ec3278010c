using Fleet.Core.Api;

namespace Fleet.Core.Identity;

/// <summary>
/// What one user may do in one company (DESIGN 3.5), stored by the app: a token only proves who the user is.
/// </summary>
/// <param name="UserId">The identity provider's id of the user (the configured user-id claim, e.g. Entra ID's <c>oid</c>).</param>
/// <param name="VehicleIds">The vehicles a driver drives or a viewer was granted; admins and dispatchers see them all.</param>
/// <param name="DisplayName">How people see the user in lists; the token's own name is not stored.</param>
public sealed record Membership(
    string UserId, string CompanyId, FleetRole Role, IReadOnlyList<string> VehicleIds, string? DisplayName = null, string? Email = null);

/// <summary>Who a validated user token says the caller is. What they may do comes from memberships, never from here.</summary>
/// <param name="IsOperator">Platform staff who create companies: named in configuration or holding the operator app role.</param>
/// <param name="CompanyHint">
/// The company the token asks to act for (development tokens name one); a request may choose another of the user's
/// companies. It grants nothing by itself.
/// </param>
public sealed record FleetIdentity(string UserId, bool IsOperator, string? Name = null, string? Email = null, string? CompanyHint = null);

/// <summary>A membership with what the caller's company says of itself, as <c>/api/me</c> and sign-in read it.</summary>
/// <param name="CompanyTimeZone">The zone the company's pages show every time and "today" in, whatever the reader's own.</param>
public sealed record CompanyMembership(Membership Membership, string CompanyName, bool CompanyDisabled, TimeZoneInfo CompanyTimeZone)
{
    public string CompanyId => Membership.CompanyId;
}
