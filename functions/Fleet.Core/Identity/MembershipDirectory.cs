using System.Collections.Concurrent;
using Fleet.Core.Api;
using Fleet.Core.Ports;
using Fleet.Core.Registry;

namespace Fleet.Core.Identity;

/// <summary>The company a request acts for, with what its membership allows, or why it may not act at all.</summary>
public sealed record CallerResolution(FleetCaller? Caller, ApiProblem? Problem);

/// <summary>
/// Memberships as every request reads them, cached per user for <see cref="CacheLifetime"/>: a removed membership, a
/// changed role or a disabled company takes effect on every instance within that time, and at once on the instance that
/// made the change (it calls <see cref="Forget"/>). Whatever changes group membership reads afresh.
/// </summary>
public sealed class MembershipDirectory(IMembershipStore store, ICompanyDirectory companies, TimeProvider timeProvider)
{
    /// <summary>How a request names the company it acts for, when its user belongs to several.</summary>
    public const string CompanyHeader = "X-Fleet-Company";

    public const string CompanyQueryParameter = "company_id";

    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    // Users without a membership are cached too (each signed-in stranger would cost a query per request otherwise);
    // expired entries are swept once the cache grows past this.
    private const int SweepAboveEntries = 10_000;

    private readonly ConcurrentDictionary<string, (DateTimeOffset LoadedAt, IReadOnlyList<CompanyMembership> Memberships)> _cache = new(StringComparer.Ordinal);

    // Moved by every Forget, so a load that began before a change cannot cache what it read after the change was made.
    private long _generation;

    public async Task<IReadOnlyList<CompanyMembership>> OfUserAsync(string userId, bool fresh, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (!fresh && _cache.TryGetValue(userId, out var cached) && now - cached.LoadedAt < CacheLifetime)
        {
            return cached.Memberships;
        }

        var generation = Interlocked.Read(ref _generation);
        var memberships = await store.OfUserAsync(userId, cancellationToken);
        var profiles = memberships.Count == 0
            ? new Dictionary<string, CompanyProfile>()
            : await companies.GetAsync([.. memberships.Select(membership => membership.CompanyId)], cancellationToken);
        IReadOnlyList<CompanyMembership> loaded =
        [
            .. memberships
                .Where(membership => profiles.ContainsKey(membership.CompanyId))
                .Select(membership => (Membership: membership, Company: profiles[membership.CompanyId]))
                .Select(pair => new CompanyMembership(pair.Membership, pair.Company.Name, pair.Company.Disabled, pair.Company.TimeZone)),
        ];
        if (Interlocked.Read(ref _generation) == generation)
        {
            SweepWhenLarge(now);
            _cache[userId] = (now, loaded);
        }

        return loaded;
    }

    /// <param name="companyId">The company the request names; null to take the token's hint or the user's only company.</param>
    /// <param name="fresh">Read past the cache: for what sets group membership, which outlives the request.</param>
    public async Task<CallerResolution> ResolveAsync(FleetIdentity identity, string? companyId, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var memberships = await OfUserAsync(identity.UserId, fresh, cancellationToken);
        var chosen = string.IsNullOrEmpty(companyId) ? identity.CompanyHint : companyId;
        CompanyMembership membership;
        if (!string.IsNullOrEmpty(chosen))
        {
            if (memberships.FirstOrDefault(candidate => candidate.CompanyId == chosen) is not { } named)
            {
                return Refused(ApiProblem.Forbidden($"You are not a member of company '{chosen}'."));
            }

            membership = named;
        }
        else if (memberships.Count == 1)
        {
            membership = memberships[0];
        }
        else if (memberships.Count == 0)
        {
            return Refused(ApiProblem.Forbidden(identity.IsOperator
                ? "You are a platform operator without a company membership: this route acts for a company. Operators manage companies and their users at /api/companies and /api/users."
                : $"User '{identity.UserId}' is not a member of any company; ask an administrator of your company to add you."));
        }
        else
        {
            return Refused(ApiProblem.BadRequest(
                $"You are a member of several companies ({string.Join(", ", memberships.Select(candidate => candidate.CompanyId))}): " +
                $"choose one with the {CompanyHeader} header or the {CompanyQueryParameter} query parameter."));
        }

        if (membership.CompanyDisabled)
        {
            return Refused(ApiProblem.Forbidden($"Company '{membership.CompanyId}' is disabled; its users cannot sign in."));
        }

        var granted = membership.Membership;
        return new CallerResolution(
            new FleetCaller(identity.UserId, granted.CompanyId, granted.Role, granted.VehicleIds.ToHashSet(StringComparer.Ordinal)), null);
    }

    /// <summary>Drops the user's cached memberships: their next request reads the stored ones.</summary>
    public void Forget(string userId)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(userId, out _);
    }

    /// <summary>Drops every cached membership, for a change that touches a whole company (disabling it).</summary>
    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    private void SweepWhenLarge(DateTimeOffset now)
    {
        if (_cache.Count < SweepAboveEntries)
        {
            return;
        }

        foreach (var (userId, entry) in _cache)
        {
            if (now - entry.LoadedAt >= CacheLifetime)
            {
                _cache.TryRemove(userId, out _);
            }
        }
    }

    private static CallerResolution Refused(ApiProblem problem) => new(null, problem);
}
