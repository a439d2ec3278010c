using System.Text.Json;
using System.Text.RegularExpressions;
using Fleet.Core.Identity;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.Settings;

namespace Fleet.Core.Api;

/// <summary>
/// A company's settings as operators and its admins change them. Fields left out keep their value (their default on
/// create); <c>rules</c> holds only the thresholds to change, by section (<see cref="RuleFields"/>).
/// </summary>
/// <param name="Disabled">Operators only: false enables a disabled company again.</param>
public sealed record CompanyRequest(
    string? CompanyId,
    string? Name,
    string? TimeZone,
    string? Currency,
    double? FuelPricePerLiter,
    double? FixedCostPerKm,
    double? AlertExpiryHours,
    Dictionary<string, Dictionary<string, JsonElement>>? Rules,
    bool? Disabled = null);

/// <param name="Rules">Every threshold of DESIGN 5, by section, with its unit in its name.</param>
public sealed record CompanyView(
    string CompanyId,
    string Name,
    string TimeZone,
    string Currency,
    double FuelPricePerLiter,
    double FixedCostPerKm,
    double AlertExpiryHours,
    bool Disabled,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> Rules)
{
    public static CompanyView From(CompanySettings company)
    {
        ArgumentNullException.ThrowIfNull(company);
        return new(
            company.CompanyId,
            company.Name,
            company.TimeZone.Id,
            company.Currency,
            company.Rules.Costs.FuelPricePerLiter,
            company.Rules.Costs.FixedCostPerKm,
            company.Rules.Alerts.TimeToLive.TotalHours,
            company.Disabled,
            RuleFields.View(company.Rules));
    }
}

/// <summary>
/// Companies (DESIGN 3.5): operators create, list and disable them; operators and the company's own admins read and
/// change its settings. Disabling keeps the company's data: its devices' events become dead letters and its users
/// cannot act for it until an operator enables it again.
/// </summary>
public sealed partial class CompaniesApiHandler(
    IFleetConfiguration configuration, IMembershipStore memberships, MembershipDirectory directory, RealtimeRevocation revocation)
{
    public const int MaxNameLength = 200;
    public const double MaxAlertExpiryHours = 30 * 24;
    public const double MaxPrice = 1_000;

    public static readonly PageSize ListPageSize = new(Default: 500, Max: 1_000);

    /// <summary>Every company by id, a page at a time: pass <see cref="ApiResult{T}.NextAfter"/> back as <paramref name="after"/>.</summary>
    public async Task<ApiResult<IReadOnlyList<CompanyView>>> ListAsync(FleetIdentity identity, int? limit, string? after, CancellationToken cancellationToken)
    {
        if (OperatorOnly(identity) is { } refusal)
        {
            return refusal;
        }

        var (size, invalidLimit) = ListPageSize.Of(limit);
        if (invalidLimit is not null)
        {
            return invalidLimit;
        }

        var page = await configuration.CompaniesAsync(new IdPage(after, size), cancellationToken);
        return ApiResult<IReadOnlyList<CompanyView>>.Ok([.. page.Items.Select(CompanyView.From)], page.More ? page.Items[^1].CompanyId : null);
    }

    public async Task<ApiResult<CompanyView>> CreateAsync(FleetIdentity identity, CompanyRequest? request, CancellationToken cancellationToken)
    {
        if (OperatorOnly(identity) is { } refusal)
        {
            return refusal;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Name))
        {
            return ApiProblem.InvalidField("name", "name is required.");
        }

        var (companyId, invalidId) = ResourceIds.GivenOrNew(request.CompanyId, "company_id", "c");
        if (invalidId is not null)
        {
            return invalidId;
        }

        if (!ResourceIds.IsValidCompanyId(companyId!))
        {
            return ApiProblem.InvalidField("company_id", $"company_id may not contain '{ResourceIds.CompanySeparator}': it separates a company's id from the vehicle and driver ids the company chooses.");
        }

        if (await configuration.CompanyAsync(companyId!, cancellationToken) is not null)
        {
            return ApiProblem.Conflict($"Company '{companyId}' exists; change it with PUT /api/companies/{companyId}.");
        }

        if ((await configuration.CompaniesAsync(new IdPage(null, StoredLimits.MaxCompanies), cancellationToken)).Items.Count >= StoredLimits.MaxCompanies)
        {
            return ApiProblem.Conflict(FormattableString.Invariant($"The platform may hold at most {StoredLimits.MaxCompanies:N0} companies, disabled ones included."));
        }

        var (company, problem) = Apply(new CompanySettings(companyId!, request.Name, RuleSettings.Default, TimeZoneInfo.Utc), request);
        if (problem is not null)
        {
            return problem;
        }

        await configuration.SaveCompanyAsync(company!, cancellationToken);
        return ApiResult<CompanyView>.Created(CompanyView.From(company!), "/api/companies/" + companyId);
    }

    public async Task<ApiResult<CompanyView>> GetAsync(FleetIdentity identity, string companyId, CancellationToken cancellationToken)
    {
        var (company, refusal) = await ManagedAsync(identity, companyId, cancellationToken);
        return refusal ?? ApiResult<CompanyView>.Ok(CompanyView.From(company!));
    }

    public async Task<ApiResult<CompanyView>> UpdateAsync(FleetIdentity identity, string companyId, CompanyRequest? request, CancellationToken cancellationToken)
    {
        var (current, refusal) = await ManagedAsync(identity, companyId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (request is null)
        {
            return ApiProblem.BadRequest("The body must hold the fields to change.");
        }

        if (request.CompanyId is not null && request.CompanyId != companyId)
        {
            return ApiProblem.InvalidField("company_id", "company_id cannot change; leave it out.");
        }

        if (request.Disabled is not null && !identity.IsOperator)
        {
            return ApiProblem.Forbidden("Only platform operators enable or disable a company.");
        }

        var (company, problem) = Apply(current!, request);
        if (problem is not null)
        {
            return problem;
        }

        await SaveAsync(company!, current!.Disabled, cancellationToken);
        return ApiResult<CompanyView>.Ok(CompanyView.From(company!));
    }

    /// <summary>Disables the company; its data stays, and an operator can enable it again with PUT.</summary>
    public async Task<ApiResult> DeleteAsync(FleetIdentity identity, string companyId, CancellationToken cancellationToken)
    {
        if (OperatorOnly(identity) is { } refusal)
        {
            return refusal;
        }

        if (await configuration.CompanyAsync(companyId, cancellationToken) is not { } company)
        {
            return ApiProblem.NotFound($"No company '{companyId}'.");
        }

        await SaveAsync(company with { Disabled = true }, company.Disabled, cancellationToken);
        return ApiResult.NoContent;
    }

    /// <summary>Applies the request's fields to <paramref name="current"/>, or names every invalid one.</summary>
    internal static (CompanySettings? Company, ApiProblem? Problem) Apply(CompanySettings current, CompanyRequest request)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var company = current;
        if (request.Name is { } name)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
            {
                errors["name"] = $"name must be 1 to {MaxNameLength} characters.";
            }
            else
            {
                company = company with { Name = name.Trim() };
            }
        }

        if (request.TimeZone is { } zoneId)
        {
            // IANA names have a region and a city, UTC aside; Windows names ("Taipei Standard Time") are not taken.
            if (zoneId.Length is > 0 and <= 64 && (zoneId.Contains('/', StringComparison.Ordinal) || zoneId == "UTC") &&
                TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
            {
                company = company with { TimeZone = zone };
            }
            else
            {
                errors["time_zone"] = "time_zone must be an IANA time zone, such as Asia/Taipei, Europe/Berlin or UTC.";
            }
        }

        if (request.Currency is { } currency)
        {
            if (CurrencyCode().IsMatch(currency))
            {
                company = company with { Currency = currency };
            }
            else
            {
                errors["currency"] = "currency must be an ISO 4217 code of three capital letters, such as EUR, USD or TWD.";
            }
        }

        var costs = company.Rules.Costs;
        costs = FieldChecks.Number(request.FuelPricePerLiter, "fuel_price_per_liter", 0, MaxPrice, errors) is { } fuelPrice ? costs with { FuelPricePerLiter = fuelPrice } : costs;
        costs = FieldChecks.Number(request.FixedCostPerKm, "fixed_cost_per_km", 0, MaxPrice, errors) is { } fixedCost ? costs with { FixedCostPerKm = fixedCost } : costs;
        var alerts = company.Rules.Alerts;
        alerts = FieldChecks.Number(request.AlertExpiryHours, "alert_expiry_hours", 1, MaxAlertExpiryHours, errors) is { } expiry
            ? alerts with { TimeToLive = TimeSpan.FromHours(expiry) }
            : alerts;

        var (rules, ruleErrors) = RuleFields.Apply(company.Rules with { Costs = costs, Alerts = alerts }, request.Rules);
        foreach (var (field, error) in ruleErrors)
        {
            errors[field] = error;
        }

        if (request.Disabled is { } disabled)
        {
            company = company with { Disabled = disabled };
        }

        return errors.Count == 0 ? (company with { Rules = rules }, null) : (null, ApiProblem.Invalid(errors));
    }

    private async Task SaveAsync(CompanySettings company, bool wasDisabled, CancellationToken cancellationToken)
    {
        await configuration.SaveCompanyAsync(company, cancellationToken);
        if (company.Disabled == wasDisabled)
        {
            return;
        }

        // Members' cached memberships carry the company's state; a disabled company's live connections close.
        directory.ForgetAll();
        if (company.Disabled)
        {
            foreach (var member in await memberships.OfCompanyAsync(company.CompanyId, cancellationToken))
            {
                await revocation.RevokeAsync(company.CompanyId, member.UserId, cancellationToken);
            }
        }
    }

    // A company's settings are its admins' and the operators'; anyone else learns nothing, not even whether it exists.
    private async Task<(CompanySettings? Company, ApiProblem? Refusal)> ManagedAsync(FleetIdentity identity, string companyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!identity.IsOperator)
        {
            var own = await directory.OfUserAsync(identity.UserId, fresh: false, cancellationToken);
            if (!own.Any(membership => membership.CompanyId == companyId && membership.Membership.Role == FleetRole.Admin && !membership.CompanyDisabled))
            {
                return (null, ApiProblem.Forbidden($"Only platform operators and the admins of company '{companyId}' manage its settings."));
            }
        }

        return await configuration.CompanyAsync(companyId, cancellationToken) is { } company
            ? (company, null)
            : (null, ApiProblem.NotFound($"No company '{companyId}'."));
    }

    private static ApiProblem? OperatorOnly(FleetIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return identity.IsOperator ? null : ApiProblem.Forbidden("Only platform operators manage companies.");
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
