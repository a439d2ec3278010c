using System.Text.Json;
using Fleet.Core.Settings;

namespace Fleet.Core.Tests.Identity;

/// <summary>The rule thresholds as the companies API shows and takes them: every field, its range, and all-or-nothing changes.</summary>
public sealed class RuleFieldsTests
{
    private static readonly RuleSettings Defaults = RuleSettings.Default;

    [Fact]
    public void The_view_lists_every_field_with_the_design_defaults()
    {
        var view = RuleFields.View(Defaults);

        Assert.Equal(
            RuleFields.All.Select(field => field.Path).Order(StringComparer.Ordinal),
            view.SelectMany(section => section.Value.Keys.Select(name => $"rules.{section.Key}.{name}")).Order(StringComparer.Ordinal));
        Assert.Equal(300.0, view["trips"]["min_stop_seconds"]);
        Assert.Equal(10.0, view["speeding"]["medium_excess_percent"]);
        Assert.Equal(50.0, view["speeding"]["critical_excess_percent"]);
        Assert.Equal(true, view["filters"]["reject_zero_fix"]);
        Assert.Equal(168.0, view["filters"]["max_fix_age_hours"]);
        Assert.Equal(-3.5, view["harsh_driving"]["passenger_car_braking_mps2"]);
        Assert.Equal(2.2, view["harsh_driving"]["heavy_truck_acceleration_mps2"]);
        Assert.Equal(3.0, view["offline"]["missed_reports_before_offline"]);
        Assert.Equal(3.0, view["offline"]["missed_reports_before_no_recent_data"]);
        Assert.Equal(45.0, view["offline"]["min_no_recent_data_after_seconds"]);
    }

    [Fact]
    public void Every_default_lies_within_the_range_its_field_accepts()
    {
        var (rules, errors) = RuleFields.Apply(Defaults, ChangesOf(RuleFields.View(Defaults)));

        Assert.Empty(errors);
        Assert.Equal(Defaults, rules);
    }

    [Fact]
    public void Each_field_writes_what_it_reads_and_nothing_else()
    {
        var before = RuleFields.View(Defaults);
        foreach (var field in RuleFields.All)
        {
            // A step from the default towards a bound, small enough to keep the speeding severities in order.
            var current = field.Read(Defaults);
            var moved = current + (((current < field.Max ? field.Max : field.Min) - current) / 100);
            var value = field.IsFlag ? current == 0 : (object)Math.Round(moved, field.IsWhole ? 0 : 3);
            Assert.NotEqual(before[field.Section][field.Name], value);

            var (rules, errors) = RuleFields.Apply(Defaults, Change(field.Section, field.Name, JsonSerializer.Serialize(value)));

            Assert.Empty(errors);
            var after = RuleFields.View(rules);
            foreach (var other in RuleFields.All)
            {
                Assert.True(
                    Equals(other == field ? value : before[other.Section][other.Name], after[other.Section][other.Name]),
                    $"Setting {field.Path} to {value} left {other.Path} at {after[other.Section][other.Name]}.");
            }
        }
    }

    [Fact]
    public void Apply_changes_only_the_given_fields()
    {
        var (rules, errors) = RuleFields.Apply(Defaults, Changes("""
            {"trips": {"min_stop_seconds": 600}, "speeding": {"default_speed_limit_kmh": 70, "high_excess_percent": 30}, "offline": {"missed_reports_before_offline": 4}}
            """));

        Assert.Empty(errors);
        Assert.Equal(
            Defaults with
            {
                Trips = Defaults.Trips with { MinStopDuration = TimeSpan.FromMinutes(10) },
                Speeding = Defaults.Speeding with { DefaultSpeedLimitKmh = 70, HighExcessRatio = 0.30 },
                Offline = Defaults.Offline with { MissedReportsBeforeOffline = 4 },
            },
            rules);
    }

    [Fact]
    public void No_changes_leave_the_rules_as_they_are()
    {
        var current = Defaults with { Trips = Defaults.Trips with { MinStopDuration = TimeSpan.FromMinutes(9) } };

        Assert.Equal((current, 0), Summary(RuleFields.Apply(current, null)));
        Assert.Equal((current, 0), Summary(RuleFields.Apply(current, Changes("{}"))));
    }

    [Fact]
    public void An_unknown_section_and_an_unknown_name_are_each_named_in_the_errors()
    {
        var (rules, errors) = RuleFields.Apply(Defaults, Changes("""{"tripz": {"min_stop_seconds": 600}, "trips": {"min_stop_minutes": 5, "min_stop_seconds": 600}}"""));

        Assert.Equal(["rules.trips.min_stop_minutes", "rules.tripz"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("rules.tripz is not a rule section", errors["rules.tripz"], StringComparison.Ordinal);
        Assert.Contains("rules.trips.min_stop_minutes is not a rule setting", errors["rules.trips.min_stop_minutes"], StringComparison.Ordinal);
        Assert.Contains("min_stop_seconds", errors["rules.trips.min_stop_minutes"], StringComparison.Ordinal);
        Assert.Equal(Defaults, rules);
    }

    [Theory]
    [InlineData("trips", "min_stop_seconds", "9.5")]
    [InlineData("trips", "min_stop_seconds", "86401")]
    [InlineData("harsh_driving", "passenger_car_braking_mps2", "3.5")]
    [InlineData("speeding", "default_speed_limit_kmh", "\"70\"")]
    [InlineData("speeding", "default_speed_limit_kmh", "true")]
    [InlineData("speeding", "default_speed_limit_kmh", "null")]
    [InlineData("filters", "reject_zero_fix", "1")]
    [InlineData("filters", "reject_zero_fix", "\"false\"")]
    [InlineData("offline", "missed_reports_before_offline", "2.5")]
    [InlineData("offline", "missed_reports_before_offline", "0")]
    public void A_value_out_of_range_or_of_the_wrong_type_is_an_error_naming_its_path(string section, string name, string json)
    {
        var (rules, errors) = RuleFields.Apply(Defaults, Change(section, name, json));

        var path = $"rules.{section}.{name}";
        Assert.Equal([path], errors.Keys);
        Assert.StartsWith(path + " must be ", errors[path], StringComparison.Ordinal);
        Assert.Equal(Defaults, rules);
    }

    [Fact]
    public void A_count_must_be_whole_and_says_so()
    {
        var (_, errors) = RuleFields.Apply(Defaults, Changes("""{"offline": {"missed_reports_before_offline": 2.5}}"""));

        Assert.Equal("rules.offline.missed_reports_before_offline must be a whole number from 1 to 100.", errors["rules.offline.missed_reports_before_offline"]);
    }

    [Fact]
    public void A_medium_excess_above_the_high_one_is_an_error_and_equal_ones_are_not()
    {
        var (rules, errors) = RuleFields.Apply(Defaults, Changes("""{"speeding": {"medium_excess_percent": 30}}"""));

        Assert.Equal(["rules.speeding.high_excess_percent"], errors.Keys);
        Assert.Contains("medium_excess_percent <= high_excess_percent", errors["rules.speeding.high_excess_percent"], StringComparison.Ordinal);
        Assert.Equal(Defaults, rules);

        var (equal, none) = RuleFields.Apply(Defaults, Changes("""{"speeding": {"medium_excess_percent": 25, "critical_excess_percent": 25}}"""));
        Assert.Empty(none);
        Assert.Equal((0.25, 0.25, 0.25), (equal.Speeding.MediumExcessRatio, equal.Speeding.HighExcessRatio, equal.Speeding.CriticalExcessRatio));
    }

    [Fact]
    public void Any_error_leaves_every_field_as_it_was_even_the_valid_ones()
    {
        var current = Defaults with { Trips = Defaults.Trips with { MinStopDuration = TimeSpan.FromMinutes(9) } };

        var (rules, errors) = RuleFields.Apply(current, Changes("""
            {"trips": {"min_stop_seconds": 600, "max_data_gap_seconds": 1}, "idling": {"max_idle_speed_kmh": 3}}
            """));

        Assert.Equal(["rules.trips.max_data_gap_seconds"], errors.Keys);
        Assert.Same(current, rules);
    }

    private static Dictionary<string, Dictionary<string, JsonElement>> Changes(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, JsonElement>>>(json)!;

    private static Dictionary<string, Dictionary<string, JsonElement>> Change(string section, string name, string json) =>
        new(StringComparer.Ordinal) { [section] = new(StringComparer.Ordinal) { [name] = JsonSerializer.Deserialize<JsonElement>(json) } };

    /// <summary>The view as a request would send it back: every field at the value shown.</summary>
    private static Dictionary<string, Dictionary<string, JsonElement>> ChangesOf(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> view) =>
        Changes(JsonSerializer.Serialize(view));

    private static (RuleSettings Rules, int Errors) Summary((RuleSettings Rules, IReadOnlyDictionary<string, string> Errors) applied) =>
        (applied.Rules, applied.Errors.Count);
}
