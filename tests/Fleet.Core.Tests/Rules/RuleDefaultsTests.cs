using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.Telemetry;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Rules;

/// <summary>Every default threshold is the one DESIGN 5 states.</summary>
public sealed class RuleDefaultsTests
{
    public static TheoryData<string> Sources => ["Default", "new"];

    [Theory]
    [MemberData(nameof(Sources))]
    public void Filter_defaults(string source)
    {
        var filters = Rules(source).Filters;

        Assert.True(filters.RejectZeroFix);
        Assert.Equal(TimeSpan.FromMinutes(5), filters.MaxFutureSkew);
        Assert.Equal(TimeSpan.FromDays(7), filters.MaxFixAge);
        Assert.Equal(200, filters.MaxAccuracyMeters);
        Assert.Equal(300, filters.MaxImpliedSpeedKmh);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Trip_defaults(string source)
    {
        var trips = Rules(source).Trips;

        Assert.Equal(200, trips.MinTripStartDistanceMeters);
        Assert.Equal(TimeSpan.FromSeconds(180), trips.MinTripStartMovingDuration);
        Assert.Equal(5, trips.MovingSpeedThresholdKmh);
        Assert.Equal(TimeSpan.FromMinutes(5), trips.MinStopDuration);
        Assert.Equal(TimeSpan.FromMinutes(30), trips.MaxDataGap);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Speeding_defaults(string source)
    {
        var speeding = Rules(source).Speeding;

        Assert.Equal(90, speeding.DefaultSpeedLimitKmh);
        Assert.Equal(TimeSpan.FromSeconds(10), speeding.MinEpisodeDuration);
        Assert.Equal(0.10, speeding.MediumExcessRatio);
        Assert.Equal(0.25, speeding.HighExcessRatio);
        Assert.Equal(0.50, speeding.CriticalExcessRatio);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Harsh_driving_defaults(string source)
    {
        var harsh = Rules(source).HarshDriving;

        Assert.Equal(TimeSpan.FromSeconds(3), harsh.MaxDerivationInterval);
        Assert.Equal(new HarshThresholds(-3.5, 3.0), harsh.PassengerCar);
        Assert.Same(harsh.PassengerCar, harsh.For(VehicleClass.PassengerCar));
        Assert.Same(harsh.LightTruck, harsh.For(VehicleClass.LightTruck));
        Assert.Same(harsh.HeavyTruck, harsh.For(VehicleClass.HeavyTruck));

        // Heavier vehicles cannot brake or accelerate as hard, so their thresholds are gentler.
        Assert.True(harsh.LightTruck.BrakingMetersPerSecondSquared > harsh.PassengerCar.BrakingMetersPerSecondSquared);
        Assert.True(harsh.HeavyTruck.BrakingMetersPerSecondSquared > harsh.LightTruck.BrakingMetersPerSecondSquared);
        Assert.True(harsh.LightTruck.AccelerationMetersPerSecondSquared < harsh.PassengerCar.AccelerationMetersPerSecondSquared);
        Assert.True(harsh.HeavyTruck.AccelerationMetersPerSecondSquared < harsh.LightTruck.AccelerationMetersPerSecondSquared);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Fuel_theft_defaults(string source)
    {
        var fuel = Rules(source).Fuel;

        Assert.Equal(5, fuel.TheftDropPercentOfCapacity);
        Assert.Equal(TimeSpan.FromMinutes(10), fuel.TheftWindow);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Maintenance_and_idling_defaults(string source)
    {
        var rules = Rules(source);

        Assert.Equal(10_000, rules.Maintenance.DefaultServiceIntervalKm);
        Assert.Equal(TimeSpan.FromMinutes(5), rules.Idling.MinIdleDuration);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Offline_defaults(string source)
    {
        var offline = Rules(source).Offline;

        Assert.Equal(3, offline.MissedReportsBeforeOffline);
        Assert.Equal(TimeSpan.FromMinutes(5), offline.MinOfflineAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), offline.DefaultExpectedReportInterval);
    }

    [Theory]
    [InlineData(null, 300)]
    [InlineData(30, 300)]
    [InlineData(100, 300)]
    [InlineData(101, 303)]
    [InlineData(240, 720)]
    public void Offline_after_is_the_longer_of_three_intervals_and_five_minutes(int? expectedIntervalSeconds, int offlineAfterSeconds)
    {
        var interval = expectedIntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;

        Assert.Equal(TimeSpan.FromSeconds(offlineAfterSeconds), RuleSettings.Default.Offline.OfflineAfter(interval));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Alerts_expire_after_24_hours(string source)
    {
        Assert.Equal(TimeSpan.FromHours(24), Rules(source).Alerts.TimeToLive);
    }

    [Fact]
    public void A_vehicle_without_overrides_gets_the_company_defaults()
    {
        var settings = TestFleet.Context().Settings;

        Assert.Equal(90, settings.SpeedLimitKmh);
        Assert.Equal(10_000, settings.ServiceIntervalKm);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.OfflineAfter);
        Assert.Equal(new HarshThresholds(-3.5, 3.0), settings.Harsh);
    }

    [Fact]
    public void Vehicle_overrides_replace_the_company_defaults()
    {
        var vehicle = TestFleet.Vehicle(
            vehicleClass: VehicleClass.HeavyTruck,
            speedLimitKmh: 80,
            fuelCapacityLiters: 400,
            expectedReportInterval: TimeSpan.FromMinutes(4),
            serviceIntervalKm: 30_000);

        var settings = TestFleet.Context(vehicle).Settings;

        Assert.Equal(80, settings.SpeedLimitKmh);
        Assert.Equal(400, settings.FuelCapacityLiters);
        Assert.Equal(30_000, settings.ServiceIntervalKm);
        Assert.Equal(TimeSpan.FromMinutes(12), settings.OfflineAfter);
        Assert.Equal(RuleSettings.Default.HarshDriving.HeavyTruck, settings.Harsh);
    }

    [Fact]
    public void A_raised_alert_expires_24_hours_after_the_event_was_received()
    {
        var device = new FixStream("dev-1");
        var run = new PipelineRun(TestFleet.Context());

        run.OneByOne([device.Fix(0, FixStream.Origin, 0, events: DeviceEvents.Crash)]);

        var alert = Assert.Single(run.Alerts);
        Assert.Equal(FixStream.At(1), alert.CreatedAt);
        Assert.Equal(FixStream.At(1).AddHours(24), alert.ExpiresAt);
    }

    private static RuleSettings Rules(string source) => source == "Default" ? RuleSettings.Default : new RuleSettings();
}
