using Fleet.Core.Geo;
using Fleet.Core.Jobs;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>The delivery scenario's driving: to the pickup, loading, to the drop-off, handing over, and the statuses on the way.</summary>
public sealed class SimulatedDeliveryTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_delivery_vehicle_loads_at_the_pickup_and_hands_over_at_the_drop_off_setting_each_status_there(int seed)
    {
        var delivery = SimulatedDelivery.Run(seed);

        Assert.Equal(["en_route", "in_progress", "completed"], delivery.StatusChanges.Select(change => change.Status.ToCode()));
        Assert.All(delivery.StatusChanges, change => Assert.Equal("job-1", change.JobId));
        var (enRoute, inProgress, completed) = (delivery.StatusChanges[0].At, delivery.StatusChanges[1].At, delivery.StatusChanges[2].At);

        // Loading: standing at the pickup for a minute before setting off.
        Assert.All(delivery.Fixes.Where(fix => fix.Timestamp > enRoute - TimeSpan.FromSeconds(55) && fix.Timestamp <= enRoute), fix =>
        {
            Assert.InRange(SimulatedDelivery.MetersFrom(fix, delivery.Order.Pickup), 0, 30);
            Assert.Equal(0, fix.SpeedKmh);
        });

        // Handing over: standing at the drop-off for longer than the backend's 30 s arrival dwell before starting it,
        // then for the handover itself.
        var atDropoff = delivery.Fixes.Where(fix => fix.Timestamp > enRoute && SimulatedDelivery.MetersFrom(fix, delivery.Order.Dropoff) <= 30).ToList();
        Assert.NotEmpty(atDropoff);
        Assert.InRange((inProgress - atDropoff[0].Timestamp).TotalSeconds, 45, 70);
        Assert.InRange((completed - inProgress).TotalSeconds, 55, 65);
        Assert.All(delivery.Fixes.Where(fix => fix.Timestamp >= atDropoff[0].Timestamp && fix.Timestamp <= completed), fix =>
            Assert.InRange(SimulatedDelivery.MetersFrom(fix, delivery.Order.Dropoff), 0, 30));
        Assert.Null(delivery.Vehicle.Delivery);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_way_to_the_drop_off_is_a_city_drive_no_longer_than_the_blocks_between(int seed)
    {
        var delivery = SimulatedDelivery.Run(seed);
        var enRoute = delivery.StatusChanges[0].At;
        // From the last fix standing at the pickup to the one when the handover starts.
        var leftAt = delivery.Fixes.Last(fix => fix.Timestamp <= enRoute).Timestamp;
        var onTheWay = delivery.Fixes.Where(fix => fix.Timestamp >= leftAt && fix.Timestamp <= delivery.StatusChanges[1].At).ToList();

        var driven = (onTheWay[^1].OdometerKm - onTheWay[0].OdometerKm) * 1_000;
        var straight = GeoMath.DistanceMeters(delivery.Order.Pickup, delivery.Order.Dropoff);

        // Along streets one block apart: at least the straight line, at most the blocks east-west plus north-south,
        // and a block round should it miss a turn.
        Assert.InRange(driven, straight - 5, straight * Math.Sqrt(2) + 2 * 250);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1)]
    public void In_a_city_too_small_for_the_usual_distances_deliveries_are_planned_inside_it(double radiusKm)
    {
        var options = new SimulatorOptions { Vehicles = 20, RadiusKm = radiusKm, Scenarios = [ScenarioAssignment.ForShare(ScenarioKind.Delivery, 1)] };

        foreach (var vehicle in FleetSimulator.CreateFleet(options, SimulatedTelemetry.Start, seed: 3))
        {
            var (pickup, dropoff) = vehicle.PlanDelivery();

            Assert.InRange(GeoMath.DistanceMeters(SimulatedTelemetry.Centre, pickup), 0, radiusKm * 1_000);
            Assert.InRange(GeoMath.DistanceMeters(SimulatedTelemetry.Centre, dropoff), 0, radiusKm * 1_000);
            Assert.NotEqual(pickup, dropoff);
        }
    }
}

/// <summary>One delivery vehicle given one delivery it planned itself, driven until the driver has completed it.</summary>
internal sealed record SimulatedDelivery(
    SimulatedVehicle Vehicle, DeliveryOrder Order, IReadOnlyList<TelemetryFix> Fixes, IReadOnlyList<DriverStatusChange> StatusChanges)
{
    private static readonly TimeSpan Limit = TimeSpan.FromHours(1);

    public static SimulatedDelivery Run(int seed)
    {
        var options = new SimulatorOptions { Vehicles = 1, Scenarios = [ScenarioAssignment.ForVehicles(ScenarioKind.Delivery, 1)] };
        var vehicle = FleetSimulator.CreateFleet(options, SimulatedTelemetry.Start, seed)[0];
        var (pickup, dropoff) = vehicle.PlanDelivery();
        var order = new DeliveryOrder("job-1", pickup, dropoff);
        vehicle.Take(order);

        var fixes = new List<TelemetryFix>();
        var changes = new List<DriverStatusChange>();
        for (var until = SimulatedTelemetry.Start; vehicle.Delivery is not null && until < SimulatedTelemetry.Start + Limit; until += TimeSpan.FromSeconds(10))
        {
            vehicle.AdvanceTo(until, fixes, changes);
        }

        return new SimulatedDelivery(vehicle, order, fixes, changes);
    }

    public static double MetersFrom(TelemetryFix fix, GeoPoint point) => GeoMath.DistanceMeters(new GeoPoint(fix.Latitude, fix.Longitude), point);
}
