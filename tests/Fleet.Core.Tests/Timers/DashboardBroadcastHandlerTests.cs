using Fleet.Core.Alerts;
using Fleet.Core.Kpis;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Timers;

/// <summary>The dashboard timer and <c>GET /api/dashboard</c> on the in-memory stores (the harness's clock is at 09:00 UTC).</summary>
public sealed class DashboardBroadcastHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_dashboard_counts_the_fleet_as_it_is()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1", "dev-2", "dev-3", "dev-4");

        // v-1 drives up to now, v-2 parks up to now, v-3 fell silent early and was swept offline, v-4 never reported.
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Drive(3_300, 290, FixStream.Origin, 0, 40));
        await harness.SendFixesAsync("dev-2", new FixStream("dev-2").Park(3_300, 290, FixStream.Origin));
        await harness.SendFixesAsync("dev-3", new FixStream("dev-3").Drive(0, 120, FixStream.Origin, 90, 30));
        await harness.OfflineSweep().SweepAsync(None);
        var now = harness.Clock.GetUtcNow();
        await harness.Alerts.UpsertAsync(
            [
                TimerHarness.Alert("a-high-1", "c-1", AlertSeverity.High, now, TimeSpan.FromHours(1)),
                TimerHarness.Alert("a-high-2", "c-1", AlertSeverity.High, now, TimeSpan.FromHours(1)),
                TimerHarness.Alert("a-critical", "c-1", AlertSeverity.Critical, now, TimeSpan.FromHours(1)),
                TimerHarness.Alert("a-low-read", "c-1", AlertSeverity.Low, now, TimeSpan.FromHours(1)),
                TimerHarness.Alert("a-low-expired", "c-1", AlertSeverity.Low, now.AddHours(-2), TimeSpan.FromHours(1)),
                TimerHarness.Alert("a-other-company", "c-2", AlertSeverity.Critical, now, TimeSpan.FromHours(1)),
            ],
            None);
        await harness.Alerts.MarkReadAsync("c-1", "a-low-read", None);

        var kpis = await harness.Dashboard().CurrentAsync("c-1", None);

        Assert.NotNull(kpis);
        Assert.Equal((4, 2, 1), (kpis.TotalVehicles, kpis.ActiveVehicles, kpis.MovingVehicles));
        Assert.Equal(DateOnly.FromDateTime(now.UtcDateTime), kpis.Day);
        var stats = harness.Store.StatsOf("c-1");
        Assert.True(kpis.DistanceKmToday > 3, $"distance {kpis.DistanceKmToday} km");
        Assert.Equal(Math.Round(stats.Sum(row => row.DistanceKm), 2), kpis.DistanceKmToday);
        Assert.Equal((2, 2), (kpis.VehiclesUsedToday, kpis.TripsToday));
        Assert.Equal(50, kpis.UtilisationPercent);

        // The sweep's vehicle_offline alert (medium) is open too.
        Assert.Equal(new OpenAlertCounts(0, 1, 2, 1), kpis.OpenAlerts);
    }

    [Fact]
    public async Task Each_company_gets_one_dashboard_of_its_own_fleet_on_its_own_group_only()
    {
        var harness = new FleetHarness().WithCompany("c-a", "dev-a1", "dev-a2").WithCompany("c-b", "dev-b1");
        await harness.SendFixesAsync("dev-a1", new FixStream("dev-a1").Drive(3_300, 290, FixStream.Origin, 0, 40));
        await harness.SendFixesAsync("dev-b1", new FixStream("dev-b1").Park(3_300, 290, FixStream.Origin));
        var before = harness.Publisher.Messages.Count;

        var sent = await harness.Dashboard().BroadcastAsync(None);

        var dashboards = harness.Publisher.Messages.Skip(before).ToList();
        Assert.Equal(2, sent);
        Assert.All(dashboards, message => Assert.Equal(RealtimeMessageTypes.FleetDashboardUpdate, message.Envelope.Type));
        Assert.Equal(["company:c-a", "company:c-b"], dashboards.Select(message => message.Target.Name));
        Assert.All(dashboards, message =>
        {
            var kpis = (DashboardPayload)message.Envelope.Data;
            Assert.Equal(RealtimeTargetKind.Group, message.Target.Kind);
            Assert.Equal((message.Envelope.CompanyId, message.Target.Name), (kpis.CompanyId, RealtimeGroups.Company(kpis.CompanyId)));
            Assert.Null(message.Envelope.Seq);
        });
        var byCompany = dashboards.Select(message => (DashboardPayload)message.Envelope.Data).ToDictionary(kpis => kpis.CompanyId);
        Assert.Equal((2, 1, 1), (byCompany["c-a"].TotalVehicles, byCompany["c-a"].MovingVehicles, byCompany["c-a"].VehiclesUsedToday));
        Assert.Equal((1, 0, 0), (byCompany["c-b"].TotalVehicles, byCompany["c-b"].MovingVehicles, byCompany["c-b"].VehiclesUsedToday));
        Assert.Equal(0, byCompany["c-b"].DistanceKmToday);
    }

    [Fact]
    public async Task The_broadcast_and_the_api_answer_the_same_numbers()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Drive(3_300, 290, FixStream.Origin, 0, 40));
        var dashboard = harness.Dashboard();

        await dashboard.BroadcastAsync(None);
        var current = await dashboard.CurrentAsync("c-1", None);

        Assert.Equal(harness.Publisher.MessagesOf(RealtimeMessageTypes.FleetDashboardUpdate).Single().Envelope.Data, current);
        Assert.Null(await dashboard.CurrentAsync("c-unknown", None));
    }

    [Fact]
    public async Task Today_is_the_companys_local_day()
    {
        var harness = new FleetHarness();
        harness.Directory.AddCompany("c-tokyo", "Tokyo", timeZone: TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        harness.Directory.AddVehicle(TestFleet.Vehicle("v-1", "c-tokyo"), "dev-1");

        // 15:10 UTC on the 21st is 00:10 on the 22nd in Tokyo; the dashboard is read at 15:30 UTC.
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Drive(7 * 3_600 + 600, 290, FixStream.Origin, 0, 40));
        harness.Clock.Advance(TimeSpan.FromMinutes(6 * 60 + 30));

        var kpis = await harness.Dashboard().CurrentAsync("c-tokyo", None);

        Assert.Equal(new DateOnly(2026, 11, 22), kpis!.Day);
        Assert.True(kpis.DistanceKmToday > 3, $"distance {kpis.DistanceKmToday} km");
    }

    [Fact]
    public async Task A_removed_vehicle_no_longer_counts()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1", "dev-2");
        await harness.SendFixesAsync("dev-1", new FixStream("dev-1").Drive(3_300, 290, FixStream.Origin, 0, 40));
        await harness.SendFixesAsync("dev-2", new FixStream("dev-2").Drive(3_300, 290, FixStream.Origin, 90, 40));

        await harness.Directory.DeleteVehicleAsync("c-1", "v-2", None);
        var kpis = await harness.Dashboard().CurrentAsync("c-1", None);

        Assert.Equal(VehicleStatus.Moving, harness.Store.StatesOf("c-1").Single(state => state.VehicleId == "v-2").Status);
        Assert.Equal((1, 1, 1), (kpis!.TotalVehicles, kpis.ActiveVehicles, kpis.MovingVehicles));
    }
}
