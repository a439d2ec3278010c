using System.Globalization;
using System.Text;
using Fleet.Reliability.Experiments;
using Fleet.Reliability.Workload;

namespace Fleet.Reliability.Reporting;

/// <summary>Where and on what the run happened, for the report's header.</summary>
internal sealed record RunFacts(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    string Commit,
    string Machine,
    string PostgresVersion,
    string AzuriteVersion,
    string Runtime,
    string Settings);

/// <summary>The run as one markdown document: the header, one results table, the soak's table, and notes per experiment.</summary>
internal static class ResultsReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Write(RunFacts facts, IReadOnlyList<ExperimentResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"# Reliability run {facts.StartedAt:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(Invariant, $"- Code: {facts.Commit}");
        text.AppendLine(Invariant, $"- Machine: {facts.Machine}");
        text.AppendLine(Invariant, $"- Servers: {facts.PostgresVersion} (fsync, synchronous_commit, full_page_writes on); Azurite {facts.AzuriteVersion}; {facts.Runtime}");
        text.AppendLine(Invariant, $"- Settings: {facts.Settings}");
        var durable = results.Select(result => result.Durable).FirstOrDefault(value => value is not null);
        text.AppendLine(Invariant, $"- The host's /api/health said ingestion.durable = {(durable is null ? "(not read)" : durable.Value ? "true" : "false")}");
        text.AppendLine(Invariant, $"- Run time: {Minutes(facts.Duration)}");
        text.AppendLine();
        text.AppendLine("| Experiment | Load | Sent | Accepted (201) | Refused | Stored | Lost | Duplicated | Recovery | Alerts present / expected | Notes |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var result in results)
        {
            text.AppendLine(Row(result));
        }

        var soaks = results.Where(result => result.Soak is not null).ToList();
        if (soaks.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| Soak | Load | Host RSS start / max / end | Lag p95 / max | SignalR clients connected at end / asked (closed) | Messages received |");
            text.AppendLine("|---|---|---|---|---|---:|");
            foreach (var result in soaks)
            {
                var soak = result.Soak!;
                text.AppendLine(Invariant, $"| {result.Experiment.Title} | {Load(result)} | {Mb(soak.RssStartBytes)} / {Mb(soak.RssMaxBytes)} / {Mb(soak.RssEndBytes)} | {Seconds(soak.LagP95Seconds)} / {Seconds(soak.LagMaxSeconds)} | {soak.ClientsConnectedAtEnd} / {soak.ClientsAsked} ({soak.ClientsClosed}) | {soak.MessagesReceived:N0} |");
            }
        }

        text.AppendLine();
        text.AppendLine("Per experiment (logs, health.csv: see the run's directory):");
        text.AppendLine();
        foreach (var result in results)
        {
            text.AppendLine(Invariant, $"- **{result.Experiment.Name}**: {Details(result)}");
        }

        return text.ToString();
    }

    private static string Row(ExperimentResult result)
    {
        if (result.Events is not { } events)
        {
            return $"| {result.Experiment.Title} | | | | | | | | | | FAILED: {Cell(result.Error)} |";
        }

        var alerts = result.Alerts is { } match ? string.Create(Invariant, $"{match.Present:N0} / {match.Expected:N0}") : "";
        var recovery = result.Recovery is { } time ? Seconds(time.TotalSeconds) : result.Experiment.IsSoak ? "n/a" : "not recovered";
        return string.Create(
            Invariant,
            $"| {result.Experiment.Title} | {Load(result)} | {events.Sent:N0} | {events.Accepted:N0} | {events.Refused:N0} | {events.Stored:N0} | {events.Lost:N0} | {events.Duplicated:N0} | {recovery} | {alerts} | {Cell(Notes(result))} |");
    }

    private static string Notes(ExperimentResult result)
    {
        var notes = new List<string>();
        var events = result.Events!;
        if (events.Refused > 0)
        {
            notes.Add("refused requests: " + RefusedRequests(result.Requests));
        }

        if (result.Fault?.StoredDuringOutage is { } during)
        {
            notes.Add(string.Create(Invariant, $"positions stored during the outage: {during:N0}"));
        }

        if (result.Alerts is { Missing: > 0 } alerts)
        {
            notes.Add(string.Create(Invariant, $"alerts missing: {alerts.Missing:N0} ({alerts.MissingOfStored:N0} of stored fixes{(result.Fault?.AzuriteLossWindow is null ? "" : $", {alerts.MissingNearAzuriteKill:N0} within Azurite's own autosave window before its kill")})"));
        }

        if (result.Drain is null)
        {
            notes.Add("NOT drained within the timeout");
        }

        if (events.StoredRefused > 0)
        {
            notes.Add(string.Create(Invariant, $"{events.StoredRefused:N0} stored without a 201"));
        }

        if (result.Stored is { } stored && (stored.StatsDistanceOver > 0 || stored.StatsTripsOver > 0))
        {
            notes.Add(string.Create(Invariant, $"daily stats over-counted: distance {stored.StatsDistanceOver} vehicles, trips {stored.StatsTripsOver}"));
        }

        if (result.Recovery is null && result.RecoveryNote is { } note && !result.Experiment.IsSoak)
        {
            notes.Add(note);
        }

        notes.Add("max lag " + Seconds(result.MaxLagSeconds));
        return string.Join("; ", notes);
    }

    private static string Details(ExperimentResult result)
    {
        if (result.Events is not { } events)
        {
            return "failed: " + result.Error + $" (logs: {result.LogDirectory})";
        }

        var parts = new List<string>
        {
            "requests " + string.Join(", ", result.Requests.Where(pair => pair.Value > 0).Select(pair => string.Create(Invariant, $"{Name(pair.Key)} {pair.Value:N0}"))),
            result.Drain is { } drain ? string.Create(Invariant, $"drained {drain.TotalSeconds:0.0} s after the load stopped") : "not drained",
        };
        if (result.Fault is { } fault)
        {
            parts.Add(string.Create(Invariant, $"fault lasted {(fault.End - fault.Start).TotalSeconds:0.0} s"));
        }

        if (events.FirstLost is { } first && events.LastLost is { } last && result.Fault is { } window)
        {
            parts.Add(string.Create(
                Invariant,
                $"lost fixes were made from {Signed((first - window.Start).TotalSeconds)} s to {Signed((last - window.Start).TotalSeconds)} s after the fault's start"));
        }

        if (result.Stored is { } stored)
        {
            parts.Add(string.Create(Invariant, $"dead letters {stored.DeadLetters:N0}, trips {stored.Trips:N0}"));
        }

        if (events.StoredUnknown > 0)
        {
            parts.Add(string.Create(Invariant, $"{events.StoredUnknown:N0} stored rows match no fix sent"));
        }

        if (result.Alerts is { } alerts)
        {
            parts.Add(string.Create(
                Invariant,
                $"alerts by type {string.Join(", ", alerts.ByType.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value}"))}; unexpected harsh alerts {alerts.Unexpected}; alert wait {alerts.Waited?.TotalSeconds:0} s"));
        }

        parts.Add("logs " + result.LogDirectory);
        return string.Join("; ", parts);
    }

    private static string RefusedRequests(IReadOnlyDictionary<Answer, long> requests) =>
        string.Join(", ", requests.Where(pair => pair.Key != Answer.Created && pair.Value > 0).Select(pair => string.Create(Invariant, $"{Name(pair.Key)} ×{pair.Value:N0}")));

    private static string Name(Answer answer) => answer switch
    {
        Answer.Created => "201",
        Answer.TooManyRequests => "429",
        Answer.Unavailable => "503",
        Answer.OtherStatus => "other status",
        Answer.NoConnection => "no connection",
        Answer.Timeout => "timeout",
        _ => answer.ToString(),
    };

    private static string Signed(double seconds) => (seconds < 0 ? "-" : "+") + Math.Abs(seconds).ToString("0.0", Invariant);

    private static string Load(ExperimentResult result) =>
        string.Create(Invariant, $"{result.LoadDuration.TotalSeconds:0} s @ {result.AchievedRate:0}/s");

    private static string Seconds(double? seconds) => seconds is { } value ? string.Create(Invariant, $"{value:0.0} s") : "–";

    private static string Mb(long? bytes) => bytes is { } value ? string.Create(Invariant, $"{value / 1048576.0:0} MB") : "–";

    private static string Minutes(TimeSpan duration) => string.Create(Invariant, $"{(int)duration.TotalMinutes} min {duration.Seconds:00} s");

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
