using System.Globalization;
using System.Text.Json;

namespace Fleet.Core.Settings;

/// <summary>
/// One rule threshold of DESIGN 5 as the API shows and takes it: a section, a name with its unit, the range it may take.
/// </summary>
/// <param name="IsFlag">A switch: JSON true or false rather than a number.</param>
/// <param name="IsWhole">A count: whole numbers only.</param>
public sealed record RuleField(
    string Section, string Name, double Min, double Max, Func<RuleSettings, double> Read, Func<RuleSettings, double, RuleSettings> Write, bool IsFlag = false, bool IsWhole = false)
{
    /// <summary>How errors name the field: <c>rules.{section}.{name}</c>.</summary>
    public string Path => $"rules.{Section}.{Name}";
}

/// <summary>
/// Every rule threshold a company may change, table-driven so the API, its validation and the dashboard's form cannot
/// drift apart. Costs and alert expiry are company fields of their own and are not listed here.
/// </summary>
public static class RuleFields
{
    private const double Day = 86_400;

    public static IReadOnlyList<RuleField> All { get; } =
    [
        new("filters", "reject_zero_fix", 0, 1, rules => rules.Filters.RejectZeroFix ? 1 : 0, (rules, value) => rules with { Filters = rules.Filters with { RejectZeroFix = value != 0 } }, IsFlag: true),
        Seconds("filters", "max_future_skew_seconds", 0, Day, rules => rules.Filters.MaxFutureSkew, (rules, value) => rules with { Filters = rules.Filters with { MaxFutureSkew = value } }),
        new("filters", "max_fix_age_hours", 1, 90 * 24, rules => rules.Filters.MaxFixAge.TotalHours, (rules, value) => rules with { Filters = rules.Filters with { MaxFixAge = TimeSpan.FromHours(value) } }),
        new("filters", "max_accuracy_meters", 1, 100_000, rules => rules.Filters.MaxAccuracyMeters, (rules, value) => rules with { Filters = rules.Filters with { MaxAccuracyMeters = value } }),
        new("filters", "max_implied_speed_kmh", 50, 2_000, rules => rules.Filters.MaxImpliedSpeedKmh, (rules, value) => rules with { Filters = rules.Filters with { MaxImpliedSpeedKmh = value } }),
        new("odometer", "max_parked_drift_meters", 0, 1_000, rules => rules.Odometer.MaxParkedDriftMeters, (rules, value) => rules with { Odometer = rules.Odometer with { MaxParkedDriftMeters = value } }),
        new("trips", "moving_speed_threshold_kmh", 0.5, 50, rules => rules.Trips.MovingSpeedThresholdKmh, (rules, value) => rules with { Trips = rules.Trips with { MovingSpeedThresholdKmh = value } }),
        new("trips", "clearly_moving_speed_kmh", 1, 200, rules => rules.Trips.ClearlyMovingSpeedKmh, (rules, value) => rules with { Trips = rules.Trips with { ClearlyMovingSpeedKmh = value } }),
        new("trips", "min_trip_start_distance_meters", 0, 100_000, rules => rules.Trips.MinTripStartDistanceMeters, (rules, value) => rules with { Trips = rules.Trips with { MinTripStartDistanceMeters = value } }),
        Seconds("trips", "min_trip_start_moving_seconds", 0, Day, rules => rules.Trips.MinTripStartMovingDuration, (rules, value) => rules with { Trips = rules.Trips with { MinTripStartMovingDuration = value } }),
        Seconds("trips", "min_stop_seconds", 10, Day, rules => rules.Trips.MinStopDuration, (rules, value) => rules with { Trips = rules.Trips with { MinStopDuration = value } }),
        Seconds("trips", "max_data_gap_seconds", 60, 7 * Day, rules => rules.Trips.MaxDataGap, (rules, value) => rules with { Trips = rules.Trips with { MaxDataGap = value } }),
        new("speeding", "default_speed_limit_kmh", 5, 300, rules => rules.Speeding.DefaultSpeedLimitKmh, (rules, value) => rules with { Speeding = rules.Speeding with { DefaultSpeedLimitKmh = value } }),
        Seconds("speeding", "min_episode_seconds", 0, 3_600, rules => rules.Speeding.MinEpisodeDuration, (rules, value) => rules with { Speeding = rules.Speeding with { MinEpisodeDuration = value } }),
        Seconds("speeding", "max_gap_within_episode_seconds", 1, 3_600, rules => rules.Speeding.MaxGapWithinEpisode, (rules, value) => rules with { Speeding = rules.Speeding with { MaxGapWithinEpisode = value } }),
        Percent("speeding", "medium_excess_percent", rules => rules.Speeding.MediumExcessRatio, (rules, value) => rules with { Speeding = rules.Speeding with { MediumExcessRatio = value } }),
        Percent("speeding", "high_excess_percent", rules => rules.Speeding.HighExcessRatio, (rules, value) => rules with { Speeding = rules.Speeding with { HighExcessRatio = value } }),
        Percent("speeding", "critical_excess_percent", rules => rules.Speeding.CriticalExcessRatio, (rules, value) => rules with { Speeding = rules.Speeding with { CriticalExcessRatio = value } }),
        Seconds("geofences", "default_dwell_seconds", 0, Day, rules => rules.Geofences.DefaultDwell, (rules, value) => rules with { Geofences = rules.Geofences with { DefaultDwell = value } }),
        new("geofences", "min_crossing_inside_meters", 0, 10_000, rules => rules.Geofences.MinCrossingInsideMeters, (rules, value) => rules with { Geofences = rules.Geofences with { MinCrossingInsideMeters = value } }),
        Seconds("harsh_driving", "max_derivation_interval_seconds", 0.5, 60, rules => rules.HarshDriving.MaxDerivationInterval, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { MaxDerivationInterval = value } }),
        Braking("passenger_car", rules => rules.HarshDriving.PassengerCar, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { PassengerCar = value } }),
        Acceleration("passenger_car", rules => rules.HarshDriving.PassengerCar, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { PassengerCar = value } }),
        Braking("light_truck", rules => rules.HarshDriving.LightTruck, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { LightTruck = value } }),
        Acceleration("light_truck", rules => rules.HarshDriving.LightTruck, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { LightTruck = value } }),
        Braking("heavy_truck", rules => rules.HarshDriving.HeavyTruck, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { HeavyTruck = value } }),
        Acceleration("heavy_truck", rules => rules.HarshDriving.HeavyTruck, (rules, value) => rules with { HarshDriving = rules.HarshDriving with { HeavyTruck = value } }),
        new("fuel", "default_fuel_capacity_liters", 1, 100_000, rules => rules.Fuel.DefaultFuelCapacityLiters, (rules, value) => rules with { Fuel = rules.Fuel with { DefaultFuelCapacityLiters = value } }),
        new("fuel", "theft_drop_percent_of_capacity", 0.5, 100, rules => rules.Fuel.TheftDropPercentOfCapacity, (rules, value) => rules with { Fuel = rules.Fuel with { TheftDropPercentOfCapacity = value } }),
        new("fuel", "refuel_min_rise_percent_of_capacity", 0.5, 100, rules => rules.Fuel.RefuelMinRisePercentOfCapacity, (rules, value) => rules with { Fuel = rules.Fuel with { RefuelMinRisePercentOfCapacity = value } }),
        Seconds("fuel", "theft_window_seconds", 60, Day, rules => rules.Fuel.TheftWindow, (rules, value) => rules with { Fuel = rules.Fuel with { TheftWindow = value } }),
        new("maintenance", "default_service_interval_km", 100, 1_000_000, rules => rules.Maintenance.DefaultServiceIntervalKm, (rules, value) => rules with { Maintenance = rules.Maintenance with { DefaultServiceIntervalKm = value } }),
        new("idling", "max_idle_speed_kmh", 0, 20, rules => rules.Idling.MaxIdleSpeedKmh, (rules, value) => rules with { Idling = rules.Idling with { MaxIdleSpeedKmh = value } }),
        Seconds("idling", "min_idle_seconds", 30, Day, rules => rules.Idling.MinIdleDuration, (rules, value) => rules with { Idling = rules.Idling with { MinIdleDuration = value } }),
        Seconds("offline", "default_expected_report_interval_seconds", 1, Day, rules => rules.Offline.DefaultExpectedReportInterval, (rules, value) => rules with { Offline = rules.Offline with { DefaultExpectedReportInterval = value } }),
        new("offline", "missed_reports_before_offline", 1, 100, rules => rules.Offline.MissedReportsBeforeOffline, (rules, value) => rules with { Offline = rules.Offline with { MissedReportsBeforeOffline = (int)value } }, IsWhole: true),
        Seconds("offline", "min_offline_after_seconds", 60, 7 * Day, rules => rules.Offline.MinOfflineAfter, (rules, value) => rules with { Offline = rules.Offline with { MinOfflineAfter = value } }),
        new("offline", "missed_reports_before_no_recent_data", 1, 100, rules => rules.Offline.MissedReportsBeforeNoRecentData, (rules, value) => rules with { Offline = rules.Offline with { MissedReportsBeforeNoRecentData = (int)value } }, IsWhole: true),
        Seconds("offline", "min_no_recent_data_after_seconds", 5, Day, rules => rules.Offline.MinNoRecentDataAfter, (rules, value) => rules with { Offline = rules.Offline with { MinNoRecentDataAfter = value } }),
    ];

    private static readonly Dictionary<string, Dictionary<string, RuleField>> BySection = All
        .GroupBy(field => field.Section, StringComparer.Ordinal)
        .ToDictionary(section => section.Key, section => section.ToDictionary(field => field.Name, StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Every field's current value, by section and name (switches as booleans).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> View(RuleSettings rules) =>
        BySection.ToDictionary(
            section => section.Key,
            section => (IReadOnlyDictionary<string, object>)section.Value.Values.ToDictionary(
                field => field.Name, field => field.IsFlag ? field.Read(rules) != 0 : (object)Math.Round(field.Read(rules), 6), StringComparer.Ordinal),
            StringComparer.Ordinal);

    /// <summary>
    /// The rules with the given fields changed and the others as they were; every field that is unknown, of the wrong
    /// type or out of range is named in the errors (by <see cref="RuleField.Path"/>), and then nothing is changed.
    /// </summary>
    public static (RuleSettings Rules, IReadOnlyDictionary<string, string> Errors) Apply(
        RuleSettings current, IReadOnlyDictionary<string, Dictionary<string, JsonElement>>? changes)
    {
        ArgumentNullException.ThrowIfNull(current);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var rules = current;
        foreach (var (sectionName, values) in changes ?? new Dictionary<string, Dictionary<string, JsonElement>>())
        {
            if (!BySection.TryGetValue(sectionName, out var section))
            {
                errors[$"rules.{sectionName}"] = $"rules.{sectionName} is not a rule section; the sections are {string.Join(", ", BySection.Keys)}.";
                continue;
            }

            foreach (var (name, value) in values ?? [])
            {
                if (!section.TryGetValue(name, out var field))
                {
                    errors[$"rules.{sectionName}.{name}"] = $"rules.{sectionName}.{name} is not a rule setting; {sectionName} has {string.Join(", ", section.Keys)}.";
                }
                else if (Read(field, value) is { } number)
                {
                    rules = field.Write(rules, number);
                }
                else
                {
                    errors[field.Path] = Expectation(field);
                }
            }
        }

        CheckOrder(rules, errors);
        return (errors.Count == 0 ? rules : current, errors);
    }

    private static double? Read(RuleField field, JsonElement value)
    {
        if (field.IsFlag)
        {
            return value.ValueKind switch { JsonValueKind.True => 1, JsonValueKind.False => 0, _ => null };
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number) &&
            number >= field.Min && number <= field.Max && (!field.IsWhole || number == Math.Floor(number))
            ? number
            : null;
    }

    private static string Expectation(RuleField field) => field.IsFlag
        ? $"{field.Path} must be true or false."
        : string.Create(CultureInfo.InvariantCulture, $"{field.Path} must be a {(field.IsWhole ? "whole number" : "number")} from {field.Min} to {field.Max}.");

    // Severities rise with the excess: a medium alert at a larger excess than a high one would read as a mistake.
    private static void CheckOrder(RuleSettings rules, Dictionary<string, string> errors)
    {
        var speeding = rules.Speeding;
        if (!(speeding.MediumExcessRatio <= speeding.HighExcessRatio && speeding.HighExcessRatio <= speeding.CriticalExcessRatio))
        {
            errors.TryAdd("rules.speeding.high_excess_percent", "rules.speeding: medium_excess_percent <= high_excess_percent <= critical_excess_percent must hold.");
        }
    }

    private static RuleField Seconds(string section, string name, double min, double max, Func<RuleSettings, TimeSpan> read, Func<RuleSettings, TimeSpan, RuleSettings> write) =>
        new(section, name, min, max, rules => read(rules).TotalSeconds, (rules, value) => write(rules, TimeSpan.FromSeconds(value)));

    private static RuleField Percent(string section, string name, Func<RuleSettings, double> readRatio, Func<RuleSettings, double, RuleSettings> writeRatio) =>
        new(section, name, 0, 1_000, rules => readRatio(rules) * 100, (rules, value) => writeRatio(rules, value / 100));

    // Braking is a deceleration: the threshold is negative, as the harsh-driving detector compares it.
    private static RuleField Braking(string vehicleClass, Func<RuleSettings, HarshThresholds> read, Func<RuleSettings, HarshThresholds, RuleSettings> write) =>
        new("harsh_driving", vehicleClass + "_braking_mps2", -20, -0.5, rules => read(rules).BrakingMetersPerSecondSquared,
            (rules, value) => write(rules, read(rules) with { BrakingMetersPerSecondSquared = value }));

    private static RuleField Acceleration(string vehicleClass, Func<RuleSettings, HarshThresholds> read, Func<RuleSettings, HarshThresholds, RuleSettings> write) =>
        new("harsh_driving", vehicleClass + "_acceleration_mps2", 0.5, 20, rules => read(rules).AccelerationMetersPerSecondSquared,
            (rules, value) => write(rules, read(rules) with { AccelerationMetersPerSecondSquared = value }));
}
