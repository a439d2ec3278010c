using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Kpis;
using Fleet.Core.Pipeline;
using Fleet.Core.Realtime;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Support;

/// <summary>
/// Feeds fixes through <see cref="VehiclePipeline"/> one batch at a time, carrying the state over, and keeps everything
/// the runs produced in order.
/// </summary>
internal sealed class PipelineRun(VehicleContext context)
{
    public VehicleState State { get; private set; } = VehicleState.Initial(context.Vehicle);

    public List<Alert> Alerts { get; } = [];

    public List<TripRecord> Trips { get; } = [];

    public List<RealtimeNotice> Notices { get; } = [];

    public List<PositionRecord> Positions { get; } = [];

    public List<RejectedFix> Rejections { get; } = [];

    public List<DailyStats> Stats { get; } = [];

    public int Duplicates { get; private set; }

    public int Replays { get; private set; }

    /// <summary>Alert messages (as opposed to alert upserts): what a dispatcher is notified of.</summary>
    public IEnumerable<AlertPayload> RaisedAlerts =>
        Notices.Where(notice => notice.Type == RealtimeMessageTypes.Alert).Select(notice => (AlertPayload)notice.Data);

    /// <summary>The <c>trip_update</c> messages that start or end a trip, leaving out the progress of trips under way.</summary>
    public IEnumerable<TripPayload> TripChanges =>
        NoticesOf<TripPayload>(RealtimeMessageTypes.TripUpdate).Where(trip => trip.Status != "started" || trip.DurationSeconds is null);

    public IEnumerable<T> NoticesOf<T>(string type) => Notices.Where(notice => notice.Type == type).Select(notice => (T)notice.Data);

    /// <summary>Each fix in its own batch, as a sparse stream delivers them.</summary>
    public PipelineRun OneByOne(IEnumerable<TelemetryFix> fixes)
    {
        foreach (var fix in fixes)
        {
            Batch([fix]);
        }

        return this;
    }

    public VehicleBatchOutcome Batch(IEnumerable<TelemetryFix> fixes)
    {
        var outcome = VehiclePipeline.Run(context, State, [.. fixes.OrderBy(fix => fix.FixTime).ThenBy(fix => fix.Source.SequenceNumber)]);
        State = outcome.State;
        Alerts.AddRange(outcome.Alerts);
        Trips.AddRange(outcome.Trips);
        Notices.AddRange(outcome.Notices);
        Positions.AddRange(outcome.Positions);
        Rejections.AddRange(outcome.Rejections);
        Stats.AddRange(outcome.Stats);
        Duplicates += outcome.Duplicates;
        Replays += outcome.Replays;
        return outcome;
    }

    public PipelineRun Sweep(DateTimeOffset now)
    {
        if (OfflineSweep.Evaluate(context, State, now) is { } outcome)
        {
            State = outcome.State;
            Alerts.AddRange(outcome.Alerts);
            Trips.AddRange(outcome.Trips);
            Notices.AddRange(outcome.Notices);
            Stats.AddRange(outcome.Stats);
        }

        return this;
    }
}
