using System.Globalization;

namespace Fleet.Reliability.Processes;

/// <summary>
/// The built local host (<c>dotnet functions/Fleet.LocalHost/bin/Release/net10.0/Fleet.LocalHost.dll</c>) on a free
/// loopback port, in Development (for the development token), on the run's PostgreSQL and Azurite, without the demo
/// fleet. Restarting it keeps the port, as a restarted service keeps its address.
/// </summary>
internal sealed class LocalHostProcess
{
    private readonly string _dll;
    private readonly string _log;
    private readonly string _directory;
    private readonly string[] _arguments;
    private readonly Cleanup _cleanup;
    private ChildProcess? _process;

    private LocalHostProcess(string dll, string directory, string postgres, string tables, Cleanup cleanup)
    {
        _dll = dll;
        _directory = directory;
        _log = Path.Combine(directory, "localhost.log");
        _cleanup = cleanup;
        Port = Commands.FreePort();
        BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));
        _arguments =
        [
            _dll,
            "--urls", BaseAddress.AbsoluteUri.TrimEnd('/'),
            "--environment", "Development",
            "--ConnectionStrings:Fleet=" + postgres,
            "--ConnectionStrings:FleetTables=" + tables,
            "--Fleet:Demo:Enabled=false",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Fleet=Warning",
        ];
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string LogPath => _log;

    /// <summary>The process now running, or null between a kill and the next start.</summary>
    public ChildProcess? Current => _process is { HasExited: false } running ? running : null;

    public static string FindDll(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, "functions", "Fleet.LocalHost", "bin", "Release", "net10.0", "Fleet.LocalHost.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build Release first (tests/reliability/run.sh does).");
    }

    public static async Task<LocalHostProcess> StartAsync(string dll, string directory, string postgres, string tables, Cleanup cleanup, CancellationToken cancellationToken)
    {
        var host = new LocalHostProcess(dll, directory, postgres, tables, cleanup);
        cleanup.Add("stop the local host", () => host.Current?.KillAsync() ?? Task.CompletedTask);
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>Starts the host and waits until <c>/api/health</c> answers (any status: a store may be down on purpose).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _process = ChildProcess.Start("dotnet", _arguments, _log, _directory, _dll + " --urls " + BaseAddress.AbsoluteUri.TrimEnd('/'), _cleanup);
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The local host exited at start-up; see {_log}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The local host did not answer /api/health within 90 s; see {_log}.");
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>SIGKILL, as a crash or an out-of-memory kill: nothing is flushed, nothing is handed over.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    public long? ResidentBytes() => Current?.ResidentBytes();
}
