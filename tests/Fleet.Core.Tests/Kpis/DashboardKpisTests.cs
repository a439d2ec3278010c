using Fleet.Core.Alerts;
using Fleet.Core.Kpis;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.State;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Kpis;

public sealed class DashboardKpisTests
{
    private static readonly DateOnly Today = new(2026, 11, 21);

    [Fact]
    public void Kpis_sum_todays_statistics_of_the_company()
    {
        var company = CompanyProfile.WithDefaults("c-1") with
        {
            Rules = new RuleSettings { Costs = new CostSettings { FuelPricePerLiter = 2, FixedCostPerKm = 0.5 } },
        };
        DailyStats[] stats =
        [
            new("c-1", "v-1", Today, DistanceKm: 100, TripsStarted: 4, TripsCompleted: 2, TripsCancelled: 1, FuelUsedLiters: 10, MovingSeconds: 7_200, IdleSeconds: 600),
            new("c-1", "v-2", Today, DistanceKm: 50, TripsStarted: 1, FuelUsedLiters: 5, IdleSeconds: 60),
            new("c-1", "v-3", Today, IdleSeconds: 30),
            new("c-1", "v-1", Today.AddDays(-1), DistanceKm: 999, TripsStarted: 9),
            new("c-2", "v-9", Today, DistanceKm: 999, TripsStarted: 9),
        ];
        VehicleState[] states = [State("v-1", VehicleStatus.Moving), State("v-2", VehicleStatus.Idle), State("v-3", VehicleStatus.Offline)];
        var alerts = OpenAlertCounts.From([AlertSeverity.High, AlertSeverity.Low, AlertSeverity.High]);

        var kpis = DashboardKpis.Compute(company, FleetOf(4), states, stats, alerts, new DateTimeOffset(2026, 11, 21, 15, 0, 0, TimeSpan.Zero));

        Assert.Equal(Today, kpis.Day);
        Assert.Equal((4, 2, 1, 2), (kpis.TotalVehicles, kpis.ActiveVehicles, kpis.MovingVehicles, kpis.VehiclesUsedToday));
        Assert.Equal(4, kpis.TripsToday);
        Assert.Equal(150, kpis.DistanceKmToday);
        Assert.Equal(15, kpis.FuelLitersToday);
        Assert.Equal(50, kpis.UtilisationPercent);
        Assert.Equal((15 * 2 + 150 * 0.5) / 150, kpis.CostPerKm);
        Assert.Equal(690, kpis.IdleSecondsToday);
        Assert.Equal(new OpenAlertCounts(1, 0, 2, 0), kpis.OpenAlerts);
    }

    [Fact]
    public void A_moving_vehicle_that_has_gone_quiet_is_active_but_not_counted_as_moving()
    {
        var context = TestFleet.Context();
        var run = new PipelineRun(context).OneByOne(new FixStream("dev-1").Drive(0, 300, FixStream.Origin, 0, 35, 10));
        Assert.Equal(VehicleStatus.Moving, run.State.Status);
        var lastSeen = run.State.LastSeen!.Value;
        DashboardPayload After(double silenceSeconds) =>
            DashboardKpis.Compute(context.Company, [context.Vehicle], [run.State], [], OpenAlertCounts.None, lastSeen.AddSeconds(silenceSeconds));

        Assert.Equal((1, 1), (After(45).ActiveVehicles, After(45).MovingVehicles));
        Assert.Equal((1, 0), (After(46).ActiveVehicles, After(46).MovingVehicles));
    }

    [Fact]
    public void A_state_left_by_a_removed_vehicle_counts_for_nothing()
    {
        var kpis = DashboardKpis.Compute(CompanyProfile.WithDefaults("c-1"), FleetOf(1), [State("v-1", VehicleStatus.Idle), State("v-9", VehicleStatus.Moving)], [], OpenAlertCounts.None, FixStream.Start);

        Assert.Equal((1, 1, 0), (kpis.TotalVehicles, kpis.ActiveVehicles, kpis.MovingVehicles));
    }

    [Fact]
    public void The_dashboard_goes_to_the_company_group_with_its_next_sequence_number()
    {
        var kpis = DashboardKpis.Compute(CompanyProfile.WithDefaults("c-1"), FleetOf(3), [], [], OpenAlertCounts.None, FixStream.Start);
        var plan = Fleet.Core.Realtime.RealtimePlan.Compose([DashboardKpis.Notice(kpis)], new HashSet<string>());

        var message = Assert.Single(plan.Stamp(new Dictionary<string, long> { ["c-1"] = 42 }, FixStream.Start));

        Assert.Equal(("fleet_dashboard_update", "company:c-1", 42L), (message.Envelope.Type, message.Target.Name, message.Envelope.Seq!.Value));
        Assert.Same(kpis, message.Envelope.Data);
    }

    [Fact]
    public void Today_is_the_companys_local_day()
    {
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var company = CompanyProfile.WithDefaults("c-1") with { TimeZone = tokyo };
        DailyStats[] stats = [new("c-1", "v-1", new DateOnly(2026, 11, 22), DistanceKm: 12)];

        // 16:00 UTC on the 21st is 01:00 on the 22nd in Tokyo.
        var kpis = DashboardKpis.Compute(company, FleetOf(1), [], stats, OpenAlertCounts.None, new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 11, 22), kpis.Day);
        Assert.Equal(12, kpis.DistanceKmToday);
    }

    [Fact]
    public void A_day_without_distance_has_no_cost_per_km_and_no_utilisation()
    {
        var kpis = DashboardKpis.Compute(CompanyProfile.WithDefaults("c-1"), [], [], [], OpenAlertCounts.None, FixStream.Start);

        Assert.Null(kpis.CostPerKm);
        Assert.Equal(0, kpis.UtilisationPercent);
    }

    [Fact]
    public void Statistics_are_counted_on_the_local_day_they_happened()
    {
        var context = TestFleet.Context(timeZone: TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));

        // 04:55 to 05:05 UTC is 23:55 to 00:05 in New York (UTC-5 in November): the drive spans two local days.
        var start = new DateTimeOffset(2026, 11, 21, 4, 55, 0, TimeSpan.Zero);
        var run = new PipelineRun(context).OneByOne(new FixStream("dev-1").Drive((start - FixStream.Start).TotalSeconds, 600, FixStream.Origin, 0, 60));

        var days = run.Stats.GroupBy(stats => stats.Day).Select(group => (group.Key, group.Sum(stats => stats.DistanceKm))).ToList();
        Assert.Equal([new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 21)], days.Select(day => day.Key));
        Assert.All(days, day => Assert.InRange(day.Item2, 4.9, 5.1));
    }

    [Fact]
    public void Trips_today_and_vehicles_used_count_the_same_journeys()
    {
        // v-1 drove since before midnight and still does; v-2 made one trip today and one too short to be a trip; v-3
        // only crept 50 m (distance, but no journey); v-4 made only a trip too short to count.
        var company = CompanyProfile.WithDefaults("c-1");
        var now = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        var overnight = new OpenTrip("t-1", now.AddHours(-10), FixStream.Origin, 0, null, null, 60);
        DailyStats[] stats =
        [
            new("c-1", "v-1", Today, DistanceKm: 300),
            new("c-1", "v-2", Today, DistanceKm: 20, TripsStarted: 2, TripsCompleted: 1, TripsCancelled: 1),
            new("c-1", "v-3", Today, DistanceKm: 0.05),
            new("c-1", "v-4", Today, DistanceKm: 0.1, TripsStarted: 1, TripsCancelled: 1),
        ];
        VehicleState[] states =
        [
            State("v-1", VehicleStatus.Moving) with { Motion = MotionState.Unknown with { Trip = overnight } },
            State("v-2", VehicleStatus.Stopped),
            State("v-3", VehicleStatus.Stopped),
            State("v-4", VehicleStatus.Stopped),
        ];

        var kpis = DashboardKpis.Compute(company, FleetOf(4), states, stats, OpenAlertCounts.None, now);
        var vehicles = DashboardKpis.Vehicles(company, FleetOf(4), states, stats, now);

        Assert.Equal((2, 2), (kpis.TripsToday, kpis.VehiclesUsedToday));
        Assert.Equal(["v-1", "v-2"], vehicles.Where(vehicle => vehicle.Used).Select(vehicle => vehicle.VehicleId));
        Assert.Equal(kpis.TripsToday, vehicles.Sum(vehicle => vehicle.Trips));
        Assert.Equal(kpis.DistanceKmToday, vehicles.Sum(vehicle => vehicle.DistanceKm), 6);
    }

    [Fact]
    public void Cost_per_km_follows_the_fuel_used_at_the_companys_price_in_its_currency()
    {
        var company = CompanyProfile.WithDefaults("c-1") with
        {
            Currency = "TWD",
            Rules = new RuleSettings { Costs = new CostSettings { FuelPricePerLiter = 30, FixedCostPerKm = 2 } },
        };

        // v-1 burnt 8 L over 100 km; v-2 reports no fuel, and its 100 km do not dilute v-1's consumption.
        DailyStats[] stats = [new("c-1", "v-1", Today, DistanceKm: 100, FuelUsedLiters: 8), new("c-1", "v-2", Today, DistanceKm: 100)];
        VehicleState[] states =
        [
            State("v-1", VehicleStatus.Moving) with { FuelUse = new FuelUse(40, null, 0) },
            State("v-2", VehicleStatus.Moving),
        ];

        var kpis = DashboardKpis.Compute(company, FleetOf(2), states, stats, OpenAlertCounts.None, new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal(2 + (8.0 / 100 * 30), kpis.CostPerKm);
        Assert.Equal("TWD", kpis.Currency);
        Assert.Equal(8, kpis.FuelLitersToday);
    }

    private static VehicleState State(string vehicleId, VehicleStatus status) =>
        new() { VehicleId = vehicleId, CompanyId = "c-1", Status = status };

    private static VehicleProfile[] FleetOf(int vehicles) => [.. Enumerable.Range(1, vehicles).Select(number => TestFleet.Vehicle($"v-{number}", "c-1"))];
}
