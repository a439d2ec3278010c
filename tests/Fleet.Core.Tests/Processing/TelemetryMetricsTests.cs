using System.Diagnostics.Metrics;
using Fleet.Core.Processing;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Processing;

/// <summary>
/// Every event the pipeline sets aside is counted, by outcome and reason, in the result and in the metrics (issue 17).
/// Alone in its collection: the meter is process-wide, and batches of tests running beside it would count too.
/// </summary>
[Collection(nameof(TelemetryMetricsCollection))]
public sealed class TelemetryMetricsTests
{
    [Fact]
    public async Task Each_event_is_counted_by_what_became_of_it_and_dead_letters_by_their_reason()
    {
        var harness = new FleetHarness().WithCompany("c-1", "dev-1");
        var at = FixStream.Start;
        var live = TelemetryJson.Fix("dev-1", at.AddMinutes(2), 25.03, 121.56, 10);
        var first = new[]
        {
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", at, 25.03, 121.56, 10), 1),
            TelemetryJson.Event(live, 2),
            TelemetryJson.Event(live, 3),
            TelemetryJson.Event("{not json", 4),
            TelemetryJson.Event(TelemetryJson.Fix("dev-unknown", at, 25.03, 121.56, 10), 5),
        };
        var second = new[]
        {
            first[1],
            TelemetryJson.Event(TelemetryJson.Fix("dev-1", at.AddMinutes(1), 25.03, 121.56, 10), 6),
        };

        using var counted = new CountedEvents();
        var firstResult = await harness.SendAsync(first);
        var secondResult = await harness.SendAsync(second);

        Assert.Equal(new Dictionary<string, int> { ["malformed_json"] = 1, ["unknown_device"] = 1 }, firstResult.DeadLettersByReason);
        Assert.Equal("malformed_json: 1, unknown_device: 1", firstResult.DeadLetterReasons);
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["position"] = 2,
                ["duplicate"] = 1,
                ["dead_letter/malformed_json"] = 1,
                ["dead_letter/unknown_device"] = 1,
                ["replay"] = 1,
                ["late"] = 1,
            },
            counted.ByOutcome);
        Assert.Equal((1, 1), (secondResult.Replays, secondResult.LatePositions));
    }

    /// <summary>What the events counter recorded while it lived, keyed "outcome" or "outcome/reason".</summary>
    private sealed class CountedEvents : IDisposable
    {
        private readonly MeterListener _listener = new();

        public CountedEvents()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TelemetryMetrics.MeterName && instrument.Name == TelemetryMetrics.EventsCounterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? outcome = null;
                string? reason = null;
                foreach (var tag in tags)
                {
                    (outcome, reason) = tag.Key switch
                    {
                        "outcome" => ((string?)tag.Value, reason),
                        "reason" => (outcome, (string?)tag.Value),
                        _ => (outcome, reason),
                    };
                }

                var key = reason is null ? outcome! : $"{outcome}/{reason}";
                lock (ByOutcome)
                {
                    ByOutcome[key] = ByOutcome.GetValueOrDefault(key) + value;
                }
            });
            _listener.Start();
        }

        public Dictionary<string, long> ByOutcome { get; } = new(StringComparer.Ordinal);

        public void Dispose() => _listener.Dispose();
    }
}

[CollectionDefinition(nameof(TelemetryMetricsCollection), DisableParallelization = true)]
public sealed class TelemetryMetricsCollection;
