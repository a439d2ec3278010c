using Fleet.Reliability.Verification;
using Fleet.Reliability.Workload;

namespace Fleet.Reliability.Experiments;

/// <summary>The timings and load of a run (see <see cref="RunOptions"/> for the command line that sets them).</summary>
/// <param name="Warmup">Steady load before the fault.</param>
/// <param name="After">Load after the fault ended (the harness put things back), in which recovery is measured.</param>
/// <param name="Outage">How long a stopped or killed server stays down where the experiment keeps it down.</param>
/// <param name="KillPause">How long PostgreSQL stays down after its postmaster is killed.</param>
/// <param name="Soak">The soak's whole load time.</param>
/// <param name="LagThresholdSeconds">The lag at or under which the host counts as having caught up.</param>
internal sealed record ExperimentPlan(
    LoadSettings Load,
    int Devices,
    TimeSpan Warmup,
    TimeSpan After,
    TimeSpan Outage,
    TimeSpan KillPause,
    TimeSpan Soak,
    int SoakClients,
    TimeSpan SampleInterval,
    TimeSpan SoakSampleInterval,
    TimeSpan DrainTimeout,
    TimeSpan AlertTimeout,
    double LagThresholdSeconds);

/// <summary>The soak's own figures: the host's memory and lag over time, and the SignalR clients at the end.</summary>
internal sealed record SoakFigures(
    long? RssStartBytes,
    long? RssMaxBytes,
    long? RssEndBytes,
    double? LagMaxSeconds,
    double? LagP95Seconds,
    int Samples,
    int ClientsAsked,
    int ClientsConnectedAtEnd,
    int ClientsClosed,
    long MessagesReceived,
    int MaxReportedClients);

/// <summary>Everything one experiment measured; <see cref="Error"/> set when it could not finish.</summary>
/// <param name="Recovery">From the fault's end to the first 201 and a lag at or under the threshold (both after the fault), under load.</param>
/// <param name="RecoveryNote">Why there is no recovery figure, when there is none.</param>
/// <param name="Drain">How long the backlog took to drain after the load stopped; null when it did not within the timeout.</param>
internal sealed record ExperimentResult(
    Experiment Experiment,
    TimeSpan LoadDuration,
    EventMatch? Events,
    IReadOnlyDictionary<Answer, long> Requests,
    FaultWindow? Fault,
    TimeSpan? Recovery,
    string? RecoveryNote,
    TimeSpan? Drain,
    StoredPositions? Stored,
    AlertMatch? Alerts,
    double? MaxLagSeconds,
    bool? Durable,
    SoakFigures? Soak,
    string LogDirectory,
    string? Error)
{
    public static ExperimentResult Failed(Experiment experiment, string logDirectory, string error) =>
        new(experiment, TimeSpan.Zero, null, new Dictionary<Answer, long>(), null, null, null, null, null, null, null, null, null, logDirectory, error);

    public double AchievedRate => Events is null || LoadDuration <= TimeSpan.Zero ? 0 : Events.Sent / LoadDuration.TotalSeconds;
}
