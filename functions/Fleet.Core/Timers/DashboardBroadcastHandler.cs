using Fleet.Core.Kpis;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;

namespace Fleet.Core.Timers;

/// <summary>
/// A company's KPIs (DESIGN 5), computed in one place for the dashboard timer, which pushes them to every company's
/// group, and for <c>GET /api/dashboard</c>, which answers one company.
/// </summary>
public sealed class DashboardBroadcastHandler(
    IFleetConfiguration configuration,
    ICompanyDirectory companyDirectory,
    IFleetHistory history,
    IAlertStore alerts,
    IRealtimePublisher realtimePublisher,
    TimeProvider timeProvider)
{
    /// <summary>Sends each company its <c>fleet_dashboard_update</c>, to its own group only.</summary>
    /// <returns>How many companies were sent their dashboard.</returns>
    public async Task<int> BroadcastAsync(CancellationToken cancellationToken)
    {
        var companyIds = await configuration.CompanyIdsAsync(cancellationToken);
        var profiles = await companyDirectory.GetAsync(companyIds, cancellationToken);
        var sent = 0;
        foreach (var companyId in companyIds)
        {
            // Listed but without a profile: removed since it was listed; there is nobody left to tell.
            if (!profiles.TryGetValue(companyId, out var company))
            {
                continue;
            }

            var now = timeProvider.GetUtcNow();
            var kpis = await ComputeAsync(company, now, cancellationToken);

            // No seq, like every message sent outside a telemetry batch: a dashboard is a whole snapshot that the next
            // one replaces within the schedule's period, so a lost one needs no re-fetch, and numbering it would cost a
            // database transaction per company per broadcast.
            var envelope = new RealtimeEnvelope(RealtimeMessageTypes.FleetDashboardUpdate, companyId, Seq: null, now, kpis);
            await realtimePublisher.PublishAsync(
                [new RealtimeMessage(RealtimeTarget.Group(RealtimeGroups.Company(companyId)), envelope)], cancellationToken);
            sent++;
        }

        return sent;
    }

    /// <returns>The company's KPIs as of now, or null when there is no such company.</returns>
    public async Task<DashboardPayload?> CurrentAsync(string companyId, CancellationToken cancellationToken)
    {
        var profiles = await companyDirectory.GetAsync([companyId], cancellationToken);
        return profiles.TryGetValue(companyId, out var company) ? await ComputeAsync(company, timeProvider.GetUtcNow(), cancellationToken) : null;
    }

    /// <returns>Each vehicle's figures for the company's day so far (those the KPIs sum), or null when there is no such company.</returns>
    public async Task<IReadOnlyList<VehicleToday>?> VehiclesTodayAsync(string companyId, CancellationToken cancellationToken)
    {
        var profiles = await companyDirectory.GetAsync([companyId], cancellationToken);
        if (!profiles.TryGetValue(companyId, out var company))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var day = await DayAsync(company, now, cancellationToken);
        return DashboardKpis.Vehicles(company, day.Vehicles, day.States, day.Stats, now);
    }

    private async Task<DashboardPayload> ComputeAsync(CompanyProfile company, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var day = await DayAsync(company, now, cancellationToken);

        // The alert port lists at most AlertQuery.MaxLimit alerts and cannot count, so a company with more unread ones
        // than that sees the counts of its newest.
        var open = await alerts.ListAsync(company.CompanyId, new AlertQuery(AlertQuery.MaxLimit, UnreadOnly: true, now), cancellationToken);
        return DashboardKpis.Compute(company, day.Vehicles, day.States, day.Stats, OpenAlertCounts.From(open.Items.Select(stored => stored.Alert.Severity)), now);
    }

    private async Task<CompanyToday> DayAsync(CompanyProfile company, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var vehicles = await configuration.VehiclesOfAsync(company.CompanyId, cancellationToken);
        var states = await history.StatesOfAsync(company.CompanyId, cancellationToken);
        var today = CompanyDay.Of(now, company.TimeZone);
        var stats = await history.DailyStatsAsync(company.CompanyId, today, today, cancellationToken);
        return new CompanyToday(vehicles, states, stats);
    }

    private sealed record CompanyToday(
        IReadOnlyList<VehicleProfile> Vehicles, IReadOnlyList<Fleet.Core.State.VehicleState> States, IReadOnlyList<DailyStats> Stats);
}
