using Fleet.Core.Registry;
using Fleet.Core.State;

namespace Fleet.Core.Settings;

/// <summary>Position filters (DESIGN 5), all on by default.</summary>
public sealed record FilterSettings
{
    public bool RejectZeroFix { get; init; } = true;
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan MaxFixAge { get; init; } = TimeSpan.FromDays(7);
    public double MaxAccuracyMeters { get; init; } = 200;
    public double MaxImpliedSpeedKmh { get; init; } = 300;
}

public sealed record OdometerSettings
{
    /// <summary>A parked vehicle's fixes wander this far without it moving; smaller moves add no distance.</summary>
    public double MaxParkedDriftMeters { get; init; } = 20;
}

public sealed record TripSettings
{
    public double MovingSpeedThresholdKmh { get; init; } = 5;

    /// <summary>Whether a speed counts as moving; an unknown speed does not.</summary>
    public bool IsMoving(double? speedKmh) => speedKmh > MovingSpeedThresholdKmh;

    /// <summary>One fix this fast shows the vehicle moving; slower ones need a second fix to agree (GPS jitter).</summary>
    public double ClearlyMovingSpeedKmh { get; init; } = 15;

    public double MinTripStartDistanceMeters { get; init; } = 200;
    public TimeSpan MinTripStartMovingDuration { get; init; } = TimeSpan.FromSeconds(180);
    public TimeSpan MinStopDuration { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan MaxDataGap { get; init; } = TimeSpan.FromMinutes(30);
}

public sealed record SpeedingSettings
{
    public double DefaultSpeedLimitKmh { get; init; } = 90;
    public TimeSpan MinEpisodeDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Two fixes further apart than this do not prove the vehicle stayed above the limit in between. A vehicle that
    /// reports less often is given two of its report intervals instead (<see cref="VehicleRuleSettings.SpeedingMaxGap"/>).
    /// </summary>
    public TimeSpan MaxGapWithinEpisode { get; init; } = TimeSpan.FromSeconds(60);
    public double MediumExcessRatio { get; init; } = 0.10;
    public double HighExcessRatio { get; init; } = 0.25;
    public double CriticalExcessRatio { get; init; } = 0.50;
}

public sealed record GeofenceSettings
{
    public TimeSpan DefaultDwell { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A segment between two outside fixes counts as a crossing only if this much of it lies inside.</summary>
    public double MinCrossingInsideMeters { get; init; } = 20;
}

public sealed record HarshThresholds(double BrakingMetersPerSecondSquared, double AccelerationMetersPerSecondSquared);

public sealed record HarshDrivingSettings
{
    public TimeSpan MaxDerivationInterval { get; init; } = TimeSpan.FromSeconds(3);
    public HarshThresholds PassengerCar { get; init; } = new(-3.5, 3.0);
    public HarshThresholds LightTruck { get; init; } = new(-3.2, 2.7);
    public HarshThresholds HeavyTruck { get; init; } = new(-2.9, 2.2);

    public HarshThresholds For(VehicleClass vehicleClass) => vehicleClass switch
    {
        VehicleClass.LightTruck => LightTruck,
        VehicleClass.HeavyTruck => HeavyTruck,
        _ => PassengerCar,
    };
}

public sealed record FuelSettings
{
    public double DefaultFuelCapacityLiters { get; init; } = 60;
    public double TheftDropPercentOfCapacity { get; init; } = 5;
    public TimeSpan TheftWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A level rising this much (percent of capacity) is a refuel; smaller rises are the sensor's noise.</summary>
    public double RefuelMinRisePercentOfCapacity { get; init; } = 5;
}

public sealed record MaintenanceSettings
{
    public double DefaultServiceIntervalKm { get; init; } = 10_000;
}

public sealed record IdlingSettings
{
    /// <summary>GPS reports a few tenths of a km/h for a parked vehicle, so "speed 0" needs a small tolerance.</summary>
    public double MaxIdleSpeedKmh { get; init; } = 1;
    public TimeSpan MinIdleDuration { get; init; } = TimeSpan.FromMinutes(5);
}

public sealed record OfflineSettings
{
    public TimeSpan DefaultExpectedReportInterval { get; init; } = TimeSpan.FromSeconds(30);
    public int MissedReportsBeforeOffline { get; init; } = 3;
    public TimeSpan MinOfflineAfter { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan OfflineAfter(TimeSpan? expectedReportInterval)
    {
        var missed = (expectedReportInterval ?? DefaultExpectedReportInterval) * MissedReportsBeforeOffline;
        return missed > MinOfflineAfter ? missed : MinOfflineAfter;
    }

    /// <summary>
    /// Silent for this many of its report intervals, a vehicle has no recent data: what it last said no longer holds for
    /// sure, minutes before it counts as offline (set to come later than that, the vehicle simply goes offline first).
    /// </summary>
    public int MissedReportsBeforeNoRecentData { get; init; } = 3;

    /// <summary>A device reporting every few seconds drops a report now and then: a shorter silence means nothing yet.</summary>
    public TimeSpan MinNoRecentDataAfter { get; init; } = TimeSpan.FromSeconds(45);

    public TimeSpan NoRecentDataAfter(TimeSpan expectedReportInterval)
    {
        var missed = expectedReportInterval * MissedReportsBeforeNoRecentData;
        return missed > MinNoRecentDataAfter ? missed : MinNoRecentDataAfter;
    }
}

public sealed record AlertSettings
{
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromHours(24);
}

public sealed record CostSettings
{
    public double FuelPricePerLiter { get; init; } = 1.60;
    public double FixedCostPerKm { get; init; } = 0.25;
}

/// <summary>Every rule threshold (DESIGN 5), per company; vehicles override some through <see cref="VehicleProfile"/>.</summary>
public sealed record RuleSettings
{
    public static RuleSettings Default { get; } = new();

    public FilterSettings Filters { get; init; } = new();
    public OdometerSettings Odometer { get; init; } = new();
    public TripSettings Trips { get; init; } = new();
    public SpeedingSettings Speeding { get; init; } = new();
    public GeofenceSettings Geofences { get; init; } = new();
    public HarshDrivingSettings HarshDriving { get; init; } = new();
    public FuelSettings Fuel { get; init; } = new();
    public MaintenanceSettings Maintenance { get; init; } = new();
    public IdlingSettings Idling { get; init; } = new();
    public OfflineSettings Offline { get; init; } = new();
    public AlertSettings Alerts { get; init; } = new();
    public CostSettings Costs { get; init; } = new();
}

/// <summary>The thresholds that apply to one vehicle once its overrides are resolved.</summary>
public sealed record VehicleRuleSettings(RuleSettings Company, VehicleProfile Vehicle)
{
    public double SpeedLimitKmh { get; } = Vehicle.SpeedLimitKmh ?? Company.Speeding.DefaultSpeedLimitKmh;
    public double FuelCapacityLiters { get; } = Vehicle.FuelCapacityLiters ?? Company.Fuel.DefaultFuelCapacityLiters;
    public double ServiceIntervalKm { get; } = Vehicle.ServiceIntervalKm ?? Company.Maintenance.DefaultServiceIntervalKm;
    public TimeSpan OfflineAfter { get; } = Company.Offline.OfflineAfter(Vehicle.ExpectedReportInterval);
    public HarshThresholds Harsh { get; } = new(
        Vehicle.HarshBrakingMetersPerSecondSquared ?? Company.HarshDriving.For(Vehicle.VehicleClass).BrakingMetersPerSecondSquared,
        Vehicle.HarshAccelerationMetersPerSecondSquared ?? Company.HarshDriving.For(Vehicle.VehicleClass).AccelerationMetersPerSecondSquared);

    /// <summary>
    /// How often the vehicle is expected to report: as it was seen to, else as it was configured to, else the company's
    /// default.
    /// </summary>
    public TimeSpan ExpectedReportInterval(ReportCadence? learned) =>
        learned?.Typical ?? Vehicle.ExpectedReportInterval ?? Company.Offline.DefaultExpectedReportInterval;

    /// <summary>How long the vehicle may be silent before it has no recent data (<see cref="OfflineSettings.NoRecentDataAfter"/>).</summary>
    public TimeSpan NoRecentDataAfter(ReportCadence? learned) => Company.Offline.NoRecentDataAfter(ExpectedReportInterval(learned));

    public TimeSpan SpeedingMaxGap { get; } = Max(
        Company.Speeding.MaxGapWithinEpisode, 2 * (Vehicle.ExpectedReportInterval ?? Company.Offline.DefaultExpectedReportInterval));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
