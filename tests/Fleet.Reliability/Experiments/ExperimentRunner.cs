using System.Globalization;
using Fleet.Reliability.Processes;
using Fleet.Reliability.Verification;
using Fleet.Reliability.Workload;

namespace Fleet.Reliability.Experiments;

/// <summary>
/// Runs one experiment on fresh servers: make the fleet, send steadily (warm-up), inject the fault, keep sending,
/// stop, wait for the host to drain its partitions, then match every fix sent against PostgreSQL and every expected
/// alert against Table Storage (waiting for late alerts up to a timeout).
/// </summary>
internal sealed class ExperimentRunner(Toolbox tools, ExperimentPlan plan, string workDirectory, string resultsDirectory)
{
    public async Task<ExperimentResult> RunAsync(Experiment experiment, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(workDirectory, experiment.Name);
        var logs = Path.Combine(resultsDirectory, experiment.Name);
        Directory.CreateDirectory(logs);
        var origin = DateTimeOffset.UtcNow;
        void Progress(string message) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{experiment.Name} {(DateTimeOffset.UtcNow - origin).TotalSeconds,6:0.0} s] {message}"));

        await using var cleanup = new Cleanup(Path.Combine(resultsDirectory, "processes.running"));
        Rig? rig = null;
        try
        {
            rig = await Rig.StartAsync(tools, directory, cleanup, cancellationToken);
            Progress(string.Create(CultureInfo.InvariantCulture, $"servers up: PostgreSQL :{rig.Postgres.Port}, Azurite :{rig.Azurite.Port}, host {rig.Host.BaseAddress}"));
            return await DriveAsync(experiment, rig, origin, logs, Progress, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Progress("FAILED: " + exception.Message);
            return ExperimentResult.Failed(experiment, logs, exception.Message);
        }
        finally
        {
            await cleanup.DisposeAsync();
            if (rig is not null)
            {
                CopyLogs(rig, logs);
            }

            DeleteQuietly(directory);
        }
    }

    private async Task<ExperimentResult> DriveAsync(
        Experiment experiment, Rig rig, DateTimeOffset origin, string logs, Action<string> progress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = rig.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var devices = await FleetSetup.CreateAsync(http, plan.Devices, cancellationToken);
        await using var clients = experiment.IsSoak ? await RealtimeClients.ConnectAsync(http, plan.SoakClients, cancellationToken) : null;
        progress(string.Create(
            CultureInfo.InvariantCulture,
            $"fleet of {devices.Count} vehicles{(clients is null ? "" : $", {clients.Connected} SignalR clients")}; sending {plan.Load.Rate:0} events/s"));

        var monitor = new HealthMonitor(rig.Host, experiment.IsSoak ? plan.SoakSampleInterval : plan.SampleInterval);
        using var stopMonitor = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitoring = monitor.RunAsync(stopMonitor.Token);
        var load = new TelemetryLoad(rig.Host.BaseAddress, devices, plan.Load);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loadStart = DateTimeOffset.UtcNow;
        var sending = load.RunAsync(stopLoad.Token);

        FaultWindow? fault = null;
        if (experiment.Fault is { } inject)
        {
            await Task.Delay(plan.Warmup, cancellationToken);
            progress(string.Create(CultureInfo.InvariantCulture, $"warm-up done: {load.Accepted} accepted, {load.Refused} refused; injecting the fault"));
            fault = await inject(new FaultContext(rig, plan, progress, cancellationToken));
            await Task.Delay(plan.After, cancellationToken);
        }
        else
        {
            await SoakAsync(load, monitor, clients!, progress, cancellationToken);
        }

        await stopLoad.CancelAsync();
        await sending;
        var loadEnd = DateTimeOffset.UtcNow;
        progress(string.Create(CultureInfo.InvariantCulture, $"load stopped: {load.Sent} sent, {load.Accepted} accepted, {load.Refused} refused; draining"));
        var soak = clients is null ? null : Soak(monitor.Samples, loadStart, loadEnd, clients);

        var drain = await monitor.WaitDrainedAsync(plan.DrainTimeout, cancellationToken);
        progress(drain is { } drained ? string.Create(CultureInfo.InvariantCulture, $"drained in {drained.TotalSeconds:0.0} s") : "NOT drained within the timeout");
        await stopMonitor.CancelAsync();
        await monitoring;

        var stored = await StoredPositions.ReadAsync(rig.Postgres.ConnectionString, FleetSetup.CompanyId, cancellationToken);
        var events = EventMatch.Compare(load.Tracks, stored);
        var alerts = await WaitForAlertsAsync(rig, load, stored, fault, progress, cancellationToken);
        var samples = monitor.Samples;
        await File.WriteAllTextAsync(Path.Combine(logs, "health.csv"), HealthMonitor.ToCsv(samples, loadStart), cancellationToken);

        var (recovery, note) = fault is null ? (null, "no fault") : Recovery(fault, load, samples, loadEnd);
        var requests = Enum.GetValues<Answer>().ToDictionary(answer => answer, load.Requests);
        var underLoad = samples.Where(sample => sample.At >= loadStart && sample.At <= loadEnd).ToList();
        progress(string.Create(
            CultureInfo.InvariantCulture,
            $"stored {events.Stored}, lost {events.Lost}, duplicated {events.Duplicated}; alerts {alerts.Present}/{alerts.Expected}"));
        return new ExperimentResult(
            experiment,
            loadEnd - loadStart,
            events,
            requests,
            fault,
            recovery,
            note,
            drain,
            stored,
            alerts,
            underLoad.Max(sample => sample.LagSeconds),
            samples.LastOrDefault(sample => sample.Durable is not null)?.Durable,
            soak,
            logs,
            null);
    }

    private async Task SoakAsync(TelemetryLoad load, HealthMonitor monitor, RealtimeClients clients, Action<string> progress, CancellationToken cancellationToken)
    {
        var end = DateTimeOffset.UtcNow + plan.Soak;
        while (end - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait < TimeSpan.FromSeconds(30) ? wait : TimeSpan.FromSeconds(30), cancellationToken);
            var last = monitor.Samples.LastOrDefault();
            progress(string.Create(
                CultureInfo.InvariantCulture,
                $"soak: {load.Accepted} accepted, {load.Refused} refused, lag {last?.LagSeconds:0.00} s, RSS {last?.ResidentBytes / 1048576.0:0} MB, {clients.Connected} clients, {clients.Messages} messages"));
        }
    }

    /// <summary>
    /// Alerts the product owes for stored flagged fixes may come late (retries, an outbox delivered by a timer): the
    /// table is read again every few seconds until none of those is missing, or the timeout passes.
    /// </summary>
    private async Task<AlertMatch> WaitForAlertsAsync(
        Rig rig, TelemetryLoad load, StoredPositions stored, FaultWindow? fault, Action<string> progress, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var alerts = await StoredAlerts.ReadAsync(rig.Azurite.ConnectionString, FleetSetup.CompanyId, cancellationToken);
            var waited = DateTimeOffset.UtcNow - started;
            var match = AlertMatch.Compare(load.Tracks, stored, alerts, fault?.AzuriteLossWindow, waited);
            // Those Azurite itself lost in its kill are waited for too: the outbox writes every delivered alert once more
            // a minute after delivery (AlertOutboxHandler.SettlePeriod).
            var owed = match.MissingOfStored;
            if (owed <= 0 || waited > plan.AlertTimeout)
            {
                return match;
            }

            progress(string.Create(CultureInfo.InvariantCulture, $"waiting for {owed} alerts of stored fixes ({waited.TotalSeconds:0} s)"));
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }
    }

    /// <summary>
    /// Fault end to the later of: the first 201 after it, and the first health reading after that 201 whose lag is at
    /// or under the threshold. Only readings under load count: a backlog that drains only once the load stops is not
    /// a recovery.
    /// </summary>
    private (TimeSpan? Recovery, string? Note) Recovery(FaultWindow fault, TelemetryLoad load, IReadOnlyList<HealthSample> samples, DateTimeOffset loadEnd)
    {
        if (load.FirstCreatedAfter(fault.End) is not { } accepting || accepting > loadEnd)
        {
            return (null, "no 201 after the fault under load");
        }

        var caughtUp = samples.FirstOrDefault(sample => sample.At >= accepting && sample.At <= loadEnd && sample.LagNearZero(plan.LagThresholdSeconds));
        return caughtUp is null
            ? (null, string.Create(CultureInfo.InvariantCulture, $"accepting after {(accepting - fault.End).TotalSeconds:0.0} s; lag not back under {plan.LagThresholdSeconds} s under load"))
            : (caughtUp.At - fault.End, null);
    }

    private SoakFigures Soak(IReadOnlyList<HealthSample> samples, DateTimeOffset loadStart, DateTimeOffset loadEnd, RealtimeClients clients)
    {
        // Memory from the end of the warm-up on: the first seconds are the host's start-up, not its steady state.
        var underLoad = samples.Where(sample => sample.At >= loadStart && sample.At <= loadEnd).ToList();
        var steady = underLoad.Where(sample => sample.At >= loadStart + plan.Warmup).ToList();
        var rss = steady.Where(sample => sample.ResidentBytes is not null).Select(sample => sample.ResidentBytes!.Value).ToList();
        var lags = underLoad.Where(sample => sample.LagSeconds is not null).Select(sample => sample.LagSeconds!.Value).Order().ToList();
        return new SoakFigures(
            rss.Count > 0 ? rss[0] : null,
            rss.Count > 0 ? rss.Max() : null,
            rss.Count > 0 ? rss[^1] : null,
            lags.Count > 0 ? lags[^1] : null,
            lags.Count > 0 ? lags[(int)Math.Min(lags.Count - 1, Math.Ceiling(lags.Count * 0.95) - 1)] : null,
            underLoad.Count,
            plan.SoakClients,
            clients.Connected,
            clients.Closed,
            clients.Messages,
            underLoad.Max(sample => sample.RealtimeClients) ?? 0);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException exception)
        {
            Console.Error.WriteLine($"could not delete {directory}: {exception.Message}");
        }
    }

    private static void CopyLogs(Rig rig, string logs)
    {
        foreach (var log in new[] { rig.Host.LogPath, rig.Postgres.LogPath, Path.Combine(rig.Directory, "azurite.log") })
        {
            if (File.Exists(log))
            {
                File.Copy(log, Path.Combine(logs, Path.GetFileName(log)), overwrite: true);
            }
        }
    }
}
