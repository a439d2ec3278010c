using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;

namespace Fleet.Core.Api;

/// <summary>
/// A member of a company as admins add or change them. The user id is the identity provider's (the configured user-id
/// claim, e.g. Entra ID's <c>oid</c>): it is what the person signs in as, so the server cannot invent it. On PUT, fields
/// left out keep their value; <c>driver_id</c> "" unlinks the user from their driver record.
/// </summary>
/// <param name="CompanyId">The company, for operators and members of several; an admin's own company otherwise.</param>
public sealed record UserRequest(
    string? UserId, string? CompanyId, string? DisplayName, string? Email, string? Role, string[]? VehicleIds, string? DriverId);

/// <param name="DriverId">The driver record this user is, if any: jobs assigned to that driver reach them.</param>
public sealed record UserView(string UserId, string CompanyId, string? DisplayName, string? Email, string Role, IReadOnlyList<string> VehicleIds, string? DriverId);

/// <param name="TimeZone">The company's IANA time zone: the page shows every time and "today" in it, not in the browser's.</param>
public sealed record MembershipView(
    string CompanyId, string CompanyName, string TimeZone, string Role, IReadOnlyList<string> VehicleIds, string? DriverId, bool CompanyDisabled);

/// <param name="ActingCompanyId">The company this request acted for (the token's or the request's choice, or the only one); null when none.</param>
public sealed record MeView(string UserId, string? Name, string? Email, bool Operator, string? ActingCompanyId, IReadOnlyList<MembershipView> Memberships);

/// <summary>
/// Users and roles (DESIGN 3.5): a company's admins manage its members, operators those of any company (and add a new
/// company's first admin). A change takes effect at once on this instance and within
/// <see cref="MembershipDirectory.CacheLifetime"/> on the others; a narrowed membership leaves its realtime groups at once.
/// </summary>
public sealed class UsersApiHandler(IMembershipStore store, MembershipDirectory directory, IFleetConfiguration configuration, RealtimeRevocation revocation)
{
    public const int MaxUserIdLength = 256;
    public const int MaxTextLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxVehicleGrants = 1_000;

    public async Task<ApiResult<MeView>> MeAsync(FleetIdentity identity, string? companyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var memberships = await directory.OfUserAsync(identity.UserId, fresh: false, cancellationToken);
        var acting = await directory.ResolveAsync(identity, companyId, fresh: false, cancellationToken);
        var views = new List<MembershipView>();
        foreach (var membership in memberships)
        {
            var granted = membership.Membership;
            views.Add(new MembershipView(
                membership.CompanyId, membership.CompanyName, membership.CompanyTimeZone.Id, UserRoles.NameOf(granted.Role), granted.VehicleIds,
                await DriverOfAsync(membership.CompanyId, identity.UserId, cancellationToken), membership.CompanyDisabled));
        }

        return ApiResult<MeView>.Ok(new MeView(identity.UserId, identity.Name, identity.Email, identity.IsOperator, acting.Caller?.CompanyId, views));
    }

    public static readonly PageSize ListPageSize = new(Default: 500, Max: 1_000);

    /// <summary>The company's members by user id, a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as <paramref name="after"/>.</summary>
    public async Task<ApiResult<IReadOnlyList<UserView>>> ListAsync(
        FleetIdentity identity, string? companyId, int? limit, string? after, CancellationToken cancellationToken)
    {
        var (company, refusal) = await ScopeAsync(identity, companyId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var (size, invalidLimit) = ListPageSize.Of(limit);
        if (invalidLimit is not null)
        {
            return invalidLimit;
        }

        var page = await store.OfCompanyAsync(company!, new IdPage(after, size), cancellationToken);
        var driversByUser = (await configuration.DriversOfAsync(company!, cancellationToken))
            .Where(driver => driver.UserId is not null)
            .ToLookup(driver => driver.UserId!, StringComparer.Ordinal);
        return ApiResult<IReadOnlyList<UserView>>.Ok(
            [.. page.Items.Select(member => View(member, driversByUser[member.UserId].FirstOrDefault()?.DriverId))],
            page.More ? page.Items[^1].UserId : null);
    }

    public async Task<ApiResult<UserView>> CreateAsync(FleetIdentity identity, UserRequest? request, CancellationToken cancellationToken)
    {
        var (company, refusal) = await ScopeAsync(identity, request?.CompanyId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (string.IsNullOrWhiteSpace(request?.UserId) || request.UserId.Length > MaxUserIdLength || request.UserId.Any(char.IsControl))
        {
            return ApiProblem.InvalidField(
                "user_id", $"user_id is required: the user's id at the identity provider (Entra ID: their object id), at most {MaxUserIdLength} characters.");
        }

        if (request.Role is null)
        {
            return ApiProblem.InvalidField("role", $"role is required: one of {string.Join(", ", UserRoles.Names)}.");
        }

        if (await store.MembershipAsync(company!, request.UserId, cancellationToken) is not null)
        {
            return ApiProblem.Conflict($"User '{request.UserId}' is a member of company '{company}' already; change them with PUT.");
        }

        if ((await store.OfCompanyAsync(company!, cancellationToken)).Count >= StoredLimits.MaxPerCompany)
        {
            return StoredLimits.CompanyFull("users");
        }

        var blank = new Membership(request.UserId, company!, FleetRole.Viewer, []);
        return await SaveAsync(identity, blank, request, created: true, cancellationToken);
    }

    public async Task<ApiResult<UserView>> UpdateAsync(FleetIdentity identity, string userId, string? companyId, UserRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return ApiProblem.BadRequest("The body must hold the fields to change.");
        }

        if (request.UserId is not null && request.UserId != userId)
        {
            return ApiProblem.InvalidField("user_id", "user_id cannot change; add the other user instead.");
        }

        var (company, refusal) = await ScopeAsync(identity, companyId ?? request.CompanyId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (await store.MembershipAsync(company!, userId, cancellationToken) is not { } current)
        {
            return NotMember(userId, company!);
        }

        return await SaveAsync(identity, current, request, created: false, cancellationToken);
    }

    public async Task<ApiResult> DeleteAsync(FleetIdentity identity, string userId, string? companyId, CancellationToken cancellationToken)
    {
        var (company, refusal) = await ScopeAsync(identity, companyId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (LocksOut(identity, userId, FleetRole.Viewer) is { } lockout)
        {
            return lockout;
        }

        if (!await store.DeleteAsync(company!, userId, cancellationToken))
        {
            return NotMember(userId, company!);
        }

        directory.Forget(userId);
        await LinkDriverAsync(await configuration.DriversOfAsync(company!, cancellationToken), userId, driverId: "", cancellationToken);
        await revocation.RevokeAsync(company!, userId, cancellationToken);
        return ApiResult.NoContent;
    }

    /// <summary>
    /// The development sign-in's one call: the company (created with defaults when new) and the user's membership in it,
    /// as asked. Development only; the host that offers it checks that.
    /// </summary>
    public async Task EnsureDevelopmentMembershipAsync(string userId, string companyId, FleetRole role, IReadOnlyList<string> vehicleIds, CancellationToken cancellationToken)
    {
        if (await configuration.CompanyAsync(companyId, cancellationToken) is null)
        {
            await configuration.SaveCompanyAsync(new CompanySettings(companyId, companyId, Settings.RuleSettings.Default, TimeZoneInfo.Utc), cancellationToken);
        }

        var current = await store.MembershipAsync(companyId, userId, cancellationToken);
        var wanted = new Membership(userId, companyId, role, [.. vehicleIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], current?.DisplayName, current?.Email);
        await StoreAsync(current, wanted, cancellationToken);
    }

    private async Task<ApiResult<UserView>> SaveAsync(FleetIdentity identity, Membership current, UserRequest request, bool created, CancellationToken cancellationToken)
    {
        var company = current.CompanyId;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var wanted = current;
        if (request.Role is not null)
        {
            if (UserRoles.TryParse(request.Role, out var role))
            {
                wanted = wanted with { Role = role };
            }
            else
            {
                errors["role"] = $"role must be one of {string.Join(", ", UserRoles.Names)}.";
            }
        }

        wanted = Text(request.DisplayName, "display_name", MaxTextLength, errors) is { } name ? wanted with { DisplayName = name.Length == 0 ? null : name } : wanted;
        if (Text(request.Email, "email", MaxEmailLength, errors) is { } email)
        {
            if (email.Length > 0 && !email.Contains('@', StringComparison.Ordinal))
            {
                errors["email"] = "email must be an e-mail address.";
            }

            wanted = wanted with { Email = email.Length == 0 ? null : email };
        }

        if (request.VehicleIds is { } vehicleIds)
        {
            var known = (await configuration.VehiclesOfAsync(company, cancellationToken)).Select(vehicle => vehicle.VehicleId).ToHashSet(StringComparer.Ordinal);
            if (vehicleIds.Length > MaxVehicleGrants)
            {
                errors["vehicle_ids"] = $"vehicle_ids may name at most {MaxVehicleGrants} vehicles.";
            }
            else if (vehicleIds.FirstOrDefault(vehicleId => !known.Contains(vehicleId ?? "")) is { } unknown)
            {
                errors["vehicle_ids"] = $"vehicle_ids: company '{company}' has no vehicle '{unknown}'.";
            }

            wanted = wanted with { VehicleIds = [.. vehicleIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] };
        }

        var drivers = await configuration.DriversOfAsync(company, cancellationToken);
        if (request.DriverId is { Length: > 0 } driverId && drivers.All(driver => driver.DriverId != driverId))
        {
            errors["driver_id"] = $"driver_id: company '{company}' has no driver '{driverId}'.";
        }

        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(errors);
        }

        if (LocksOut(identity, current.UserId, wanted.Role) is { } lockout && !created)
        {
            return lockout;
        }

        await StoreAsync(created ? null : current, wanted, cancellationToken);
        var linkedDriverId = drivers.FirstOrDefault(driver => driver.UserId == wanted.UserId)?.DriverId;
        if (request.DriverId is not null)
        {
            await LinkDriverAsync(drivers, wanted.UserId, request.DriverId, cancellationToken);
            linkedDriverId = request.DriverId.Length == 0 ? null : request.DriverId;
        }

        var view = View(wanted, linkedDriverId);
        return created
            ? ApiResult<UserView>.Created(view, $"/api/users/{Uri.EscapeDataString(wanted.UserId)}?company_id={Uri.EscapeDataString(company)}")
            : ApiResult<UserView>.Ok(view);
    }

    // Groups were set from the old membership at negotiate; anything it no longer allows must stop reaching the user now.
    private async Task StoreAsync(Membership? current, Membership wanted, CancellationToken cancellationToken)
    {
        await store.SaveAsync(wanted, cancellationToken);
        directory.Forget(wanted.UserId);
        if (current is not null && (current.Role != wanted.Role || !current.VehicleIds.SequenceEqual(wanted.VehicleIds, StringComparer.Ordinal)))
        {
            await revocation.RevokeAsync(wanted.CompanyId, wanted.UserId, cancellationToken);
        }
    }


    /// <summary>Makes <paramref name="driverId"/> the user's one driver record among the company's <paramref name="drivers"/> ("" for none).</summary>
    private async Task LinkDriverAsync(IReadOnlyList<DriverProfile> drivers, string userId, string driverId, CancellationToken cancellationToken)
    {
        foreach (var driver in drivers)
        {
            var linked = driver.UserId == userId;
            var wanted = driver.DriverId == driverId;
            if (linked != wanted)
            {
                await configuration.SaveDriverAsync(driver with { UserId = wanted ? userId : null }, cancellationToken);
            }
        }
    }

    // An admin who could demote or remove themselves could leave a company nobody administers; operators can repair that.
    private static ApiProblem? LocksOut(FleetIdentity identity, string userId, FleetRole newRole) =>
        !identity.IsOperator && identity.UserId == userId && newRole != FleetRole.Admin
            ? ApiProblem.Conflict("You cannot remove your own admin membership; another admin or a platform operator can.")
            : null;

    /// <summary>The company an admin's request manages: an operator's named one, or the company the admin acts for.</summary>
    private async Task<(string? CompanyId, ApiProblem? Refusal)> ScopeAsync(FleetIdentity identity, string? companyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.IsOperator && !string.IsNullOrEmpty(companyId))
        {
            return await configuration.CompanyAsync(companyId, cancellationToken) is null
                ? (null, ApiProblem.NotFound($"No company '{companyId}'."))
                : (companyId, null);
        }

        var resolution = await directory.ResolveAsync(identity, companyId, fresh: false, cancellationToken);
        if (resolution.Caller is not { } caller)
        {
            return (null, identity.IsOperator && string.IsNullOrEmpty(companyId)
                ? ApiProblem.InvalidField("company_id", "company_id is required: name the company whose users to manage.")
                : resolution.Problem);
        }

        return caller.Role == FleetRole.Admin || identity.IsOperator
            ? (caller.CompanyId, null)
            : (null, ApiProblem.Forbidden("Only the company's admins manage its users."));
    }

    private async Task<string?> DriverOfAsync(string companyId, string userId, CancellationToken cancellationToken) =>
        (await configuration.DriversOfAsync(companyId, cancellationToken)).FirstOrDefault(driver => driver.UserId == userId)?.DriverId;

    private static UserView View(Membership member, string? driverId) =>
        new(member.UserId, member.CompanyId, member.DisplayName, member.Email, UserRoles.NameOf(member.Role), member.VehicleIds, driverId);

    private static string? Text(string? value, string field, int maxLength, Dictionary<string, string> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            errors[field] = $"{field} must be at most {maxLength} characters, without control characters.";
        }

        return value.Trim();
    }

    private static ApiProblem NotMember(string userId, string companyId) => ApiProblem.NotFound($"User '{userId}' is not a member of company '{companyId}'.");
}

/// <summary>Role names as the API and development tokens spell them (DESIGN 3.4).</summary>
public static class UserRoles
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<FleetRole>().Select(role => ApiText.Of(role))];

    public static string NameOf(FleetRole role) => ApiText.Of(role);

    public static bool TryParse(string? name, out FleetRole role) => ApiText.TryParse(name, out role);
}
