using System.Diagnostics.Metrics;

namespace Fleet.Core.Processing;

/// <summary>
/// What the pipeline did with each event it was given, as metrics (meter <see cref="MeterName"/>): nothing it discards
/// goes uncounted. An exporter (OpenTelemetry, or <c>dotnet-counters monitor --counters Fleet.Telemetry</c>) reads them.
/// </summary>
public static class TelemetryMetrics
{
    public const string MeterName = "Fleet.Telemetry";

    /// <summary>The counter of handled events, tagged <c>outcome</c> and, for dead letters, <c>reason</c>.</summary>
    public const string EventsCounterName = "fleet.telemetry.events";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        EventsCounterName,
        unit: "{event}",
        description: "Telemetry events handled, by outcome: position (live), late (stored as history), duplicate, replay (already processed), dead_letter (by reason).");

    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        "fleet.telemetry.alerts", unit: "{alert}", description: "Alerts raised by telemetry batches (new alerts and new versions).");

    public static void Record(BatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Add("position", result.Positions);
        Add("late", result.LatePositions);
        Add("duplicate", result.Duplicates);
        Add("replay", result.Replays);
        foreach (var (reason, count) in result.DeadLettersByReason)
        {
            Events.Add(count, new KeyValuePair<string, object?>("outcome", "dead_letter"), new KeyValuePair<string, object?>("reason", reason));
        }

        if (result.Alerts > 0)
        {
            Alerts.Add(result.Alerts);
        }
    }

    private static void Add(string outcome, int count)
    {
        if (count > 0)
        {
            Events.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
