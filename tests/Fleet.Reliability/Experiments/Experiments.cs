using Fleet.Reliability.Processes;
using Fleet.Reliability.Verification;
using Fleet.Reliability.Workload;

namespace Fleet.Reliability.Experiments;

/// <summary>When a fault began and when the harness had put things back (the start of recovery).</summary>
/// <param name="AzuriteLossWindow">Fix times whose alerts Azurite itself may have lost in its kill (written since its last autosave).</param>
/// <param name="StoredDuringOutage">Positions PostgreSQL gained while the faulty part was down, where that can be read.</param>
internal sealed record FaultWindow(
    DateTimeOffset Start,
    DateTimeOffset End,
    (DateTimeOffset From, DateTimeOffset To)? AzuriteLossWindow = null,
    long? StoredDuringOutage = null);

/// <summary>What a fault may touch, and the run's timings.</summary>
internal sealed record FaultContext(Rig Rig, ExperimentPlan Plan, Action<string> Progress, CancellationToken CancellationToken);

/// <summary>One experiment: its name on the command line, its title in the table, and the fault it injects (none for the soak).</summary>
internal sealed record Experiment(string Name, string Title, Func<FaultContext, Task<FaultWindow>>? Fault)
{
    public bool IsSoak => Fault is null;

    public static IReadOnlyList<Experiment> All { get; } =
    [
        new("pg-fast-stop", "PostgreSQL fast stop + start", PostgresFastStopAsync),
        new("pg-kill", "PostgreSQL kill -9 (postmaster) + restart", PostgresKillAsync),
        new("pg-restart", "PostgreSQL restart (pg_ctl restart)", PostgresRestartAsync),
        new("azurite-kill", "Azurite kill -9 + restart", AzuriteKillAsync),
        new("host-kill", "Host kill -9 + restart (steady state)", HostKillAsync),
        new("host-kill-pg-down", "Host kill -9 + restart during a PostgreSQL outage", HostKillDuringPostgresOutageAsync),
        new("soak", "Soak with SignalR clients", null),
    ];

    /// <summary>Stops PostgreSQL cleanly (<c>pg_ctl stop -m fast</c>), keeps it down for the outage, starts it again.</summary>
    private static async Task<FaultWindow> PostgresFastStopAsync(FaultContext context)
    {
        var start = DateTimeOffset.UtcNow;
        await context.Rig.Postgres.StopFastAsync(context.CancellationToken);
        context.Progress("PostgreSQL stopped (fast)");
        await Task.Delay(context.Plan.Outage, context.CancellationToken);
        await context.Rig.Postgres.StartAsync(context.CancellationToken);
        context.Progress("PostgreSQL started");
        return new FaultWindow(start, DateTimeOffset.UtcNow);
    }

    /// <summary>SIGKILL to the postmaster (its backends follow), then a start, which recovers from the WAL.</summary>
    private static async Task<FaultWindow> PostgresKillAsync(FaultContext context)
    {
        var start = DateTimeOffset.UtcNow;
        await context.Rig.Postgres.KillPostmasterAsync(context.CancellationToken);
        context.Progress("PostgreSQL postmaster killed (SIGKILL)");
        await Task.Delay(context.Plan.KillPause, context.CancellationToken);
        await context.Rig.Postgres.StartAsync(context.CancellationToken);
        context.Progress("PostgreSQL started (crash recovery)");
        return new FaultWindow(start, DateTimeOffset.UtcNow);
    }

    private static async Task<FaultWindow> PostgresRestartAsync(FaultContext context)
    {
        var start = DateTimeOffset.UtcNow;
        await context.Rig.Postgres.RestartAsync(context.CancellationToken);
        context.Progress("PostgreSQL restarted");
        return new FaultWindow(start, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// SIGKILL to Azurite, down for the outage, started again on the same data directory. Counts the positions stored
    /// meanwhile: the part of the product that does not need Table Storage should have gone on.
    /// </summary>
    private static async Task<FaultWindow> AzuriteKillAsync(FaultContext context)
    {
        var postgres = context.Rig.Postgres.ConnectionString;
        var before = await StoredPositions.CountAsync(postgres, FleetSetup.CompanyId, context.CancellationToken);
        var start = DateTimeOffset.UtcNow;
        await context.Rig.Azurite.KillAsync();
        context.Progress("Azurite killed (SIGKILL)");
        await Task.Delay(context.Plan.Outage, context.CancellationToken);
        var during = await StoredPositions.CountAsync(postgres, FleetSetup.CompanyId, context.CancellationToken);
        await context.Rig.Azurite.StartAsync(context.CancellationToken);
        context.Progress("Azurite started (same data directory)");

        // Azurite saves its database every few seconds; what it acknowledged since the last save dies with it. The
        // window is widened by a second for the time between a fix being made and its alert being written.
        var lossWindow = (start - AzuriteServer.AutosaveInterval - TimeSpan.FromSeconds(2), start);
        return new FaultWindow(start, DateTimeOffset.UtcNow, lossWindow, during - before);
    }

    private static async Task<FaultWindow> HostKillAsync(FaultContext context)
    {
        var start = DateTimeOffset.UtcNow;
        await context.Rig.Host.KillAsync();
        context.Progress("host killed (SIGKILL)");
        await context.Rig.Host.StartAsync(context.CancellationToken);
        context.Progress("host started");
        return new FaultWindow(start, DateTimeOffset.UtcNow);
    }

    /// <summary>PostgreSQL stops; the host keeps accepting into memory for the outage; the host is killed; both start again.</summary>
    private static async Task<FaultWindow> HostKillDuringPostgresOutageAsync(FaultContext context)
    {
        var start = DateTimeOffset.UtcNow;
        await context.Rig.Postgres.StopFastAsync(context.CancellationToken);
        context.Progress("PostgreSQL stopped (fast)");
        await Task.Delay(context.Plan.Outage, context.CancellationToken);
        await context.Rig.Host.KillAsync();
        context.Progress("host killed (SIGKILL) while PostgreSQL is down");
        await context.Rig.Postgres.StartAsync(context.CancellationToken);
        context.Progress("PostgreSQL started");
        await context.Rig.Host.StartAsync(context.CancellationToken);
        context.Progress("host started");
        return new FaultWindow(start, DateTimeOffset.UtcNow);
    }
}
