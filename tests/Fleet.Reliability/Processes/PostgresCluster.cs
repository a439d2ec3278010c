using System.Globalization;

namespace Fleet.Reliability.Processes;

/// <summary>
/// A PostgreSQL cluster of the harness's own, as tests/servers.sh makes one (initdb with trust auth, loopback only, a
/// free port, the socket in the run's directory, owned by the postgres user when the harness runs as root, since the
/// server refuses to run as root) but with production durability: fsync, synchronous_commit and full_page_writes on.
/// </summary>
internal sealed class PostgresCluster
{
    private const string Durability = "-c fsync=on -c synchronous_commit=on -c full_page_writes=on";

    private readonly string _bin;
    private readonly string _directory;
    private readonly string _data;
    private readonly string _socket;
    private readonly string _log;

    private PostgresCluster(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        _data = Path.Combine(directory, "data");
        _socket = Path.Combine(directory, "socket");
        _log = Path.Combine(directory, "postgres.log");
        Port = port;
    }

    public int Port { get; }

    /// <summary>What the host is given: as tests/servers.sh exports it, with Npgsql's defaults for everything else.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres");

    public string LogPath => _log;

    /// <summary>The newest <c>/usr/lib/postgresql/*/bin</c>, or <c>FLEET_PG_BIN</c> (run.sh sets it after installing PostgreSQL).</summary>
    public static string FindBin() =>
        Environment.GetEnvironmentVariable("FLEET_PG_BIN") is { Length: > 0 } given ? given
        : Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")))
                .OrderBy(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0)
                .LastOrDefault() ?? throw new InvalidOperationException("No PostgreSQL under /usr/lib/postgresql: run tests/reliability/run.sh, which installs it.")
            : throw new InvalidOperationException("No PostgreSQL under /usr/lib/postgresql: run tests/reliability/run.sh, which installs it.");

    public static async Task<PostgresCluster> CreateAsync(string bin, string directory, Cleanup cleanup, CancellationToken cancellationToken)
    {
        var cluster = new PostgresCluster(bin, directory, Commands.FreePort());
        Directory.CreateDirectory(cluster._socket);
        if (Commands.IsRoot)
        {
            await Commands.RunCheckedAsync("chown", ["-R", "postgres:postgres", directory], cancellationToken);
        }

        await cluster.PgAsync("initdb", ["-D", cluster._data, "-U", "postgres", "--auth=trust", "-E", "UTF8"], cancellationToken);
        cleanup.Add("stop PostgreSQL", () => cluster.StopImmediatelyAsync());
        await cluster.StartAsync(cancellationToken);
        return cluster;
    }

    public async Task<string> VersionAsync(CancellationToken cancellationToken) =>
        (await Commands.RunCheckedAsync(Path.Combine(_bin, "postgres"), ["--version"], cancellationToken)).Trim();

    /// <summary>
    /// Starts the server and waits until it accepts connections. After a crash, the old backends can hold the shared
    /// memory for a moment and the first attempts are refused; it tries again for up to a minute.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = string.Create(CultureInfo.InvariantCulture, $"-k {_socket} -p {Port} -h 127.0.0.1 {Durability} -c max_connections=200");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var (exitCode, output) = await PgRunAsync("pg_ctl", ["-D", _data, "-l", _log, "-w", "-t", "60", "-o", options, "start"], cancellationToken);
            if (exitCode == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"PostgreSQL did not start: {output.Trim()} (log: {_log})");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary><c>pg_ctl stop -m fast</c>: clients are disconnected, open transactions rolled back, a clean shutdown.</summary>
    public Task StopFastAsync(CancellationToken cancellationToken) =>
        PgAsync("pg_ctl", ["-D", _data, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken);

    /// <summary>
    /// <c>pg_ctl restart</c>: fast shutdown, then a start with the server options it last started with. The log file
    /// is pg_ctl's own option and is given again, or the new server would write to the harness's pipe.
    /// </summary>
    public Task RestartAsync(CancellationToken cancellationToken) =>
        PgAsync("pg_ctl", ["-D", _data, "-l", _log, "-m", "fast", "-w", "-t", "60", "restart"], cancellationToken);

    /// <summary>SIGKILL to the postmaster (the first line of postmaster.pid): the crash the server recovers from by WAL replay.</summary>
    public async Task KillPostmasterAsync(CancellationToken cancellationToken)
    {
        var pid = PostmasterPid() ?? throw new InvalidOperationException("PostgreSQL is not running (no postmaster.pid).");
        await Commands.RunCheckedAsync("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        while (Directory.Exists($"/proc/{pid}"))
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private int? PostmasterPid()
    {
        var file = Path.Combine(_data, "postmaster.pid");
        try
        {
            var first = File.ReadLines(file).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private async Task StopImmediatelyAsync()
    {
        if (PostmasterPid() is { } pid && Directory.Exists($"/proc/{pid}"))
        {
            await PgRunAsync("pg_ctl", ["-D", _data, "-m", "immediate", "-w", "-t", "20", "stop"], CancellationToken.None);
        }
    }

    private async Task PgAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await PgRunAsync(tool, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {exitCode}: {output.Trim()} (log: {_log})");
        }
    }

    /// <summary>As the postgres user when the harness is root (runuser), else as the harness's own user.</summary>
    private Task<(int ExitCode, string Output)> PgRunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_bin, tool);
        return Commands.IsRoot
            ? Commands.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken)
            : Commands.RunAsync(path, arguments, cancellationToken);
    }
}
