namespace Fleet.Reliability.Processes;

/// <summary>
/// Azurite's table service (node_modules/.bin/azurite-table, as tests/servers.sh runs it) on a free loopback port, its
/// data in a directory that outlives a kill, so a restart finds the tables again. Azurite itself writes its in-memory
/// database to that directory every few seconds (LokiJS autosave), so writes it acknowledged just before a SIGKILL can
/// be lost by Azurite alone: the harness reports missing alerts from that window apart.
/// </summary>
internal sealed class AzuriteServer
{
    /// <summary>Azurite 3's table store autosave interval (LokiTableMetadataStore: autosaveInterval 5000 ms).</summary>
    public static readonly TimeSpan AutosaveInterval = TimeSpan.FromSeconds(5);

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _executable;
    private readonly string _location;
    private readonly string _log;
    private readonly Cleanup _cleanup;
    private ChildProcess? _process;

    private AzuriteServer(string executable, string directory, Cleanup cleanup)
    {
        _executable = executable;
        _location = Path.Combine(directory, "azurite");
        _log = Path.Combine(directory, "azurite.log");
        _cleanup = cleanup;
        Port = Commands.FreePort();
    }

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static string FindExecutable(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, "node_modules", ".bin", "azurite-table");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run tests/reliability/run.sh, which runs npm ci.");
    }

    public static async Task<AzuriteServer> StartAsync(string executable, string directory, Cleanup cleanup, CancellationToken cancellationToken)
    {
        var server = new AzuriteServer(executable, directory, cleanup);
        Directory.CreateDirectory(server._location);
        cleanup.Add("stop Azurite", () => server._process is { HasExited: false } running ? running.KillAsync() : Task.CompletedTask);
        await server.StartAsync(cancellationToken);
        return server;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _process = ChildProcess.Start(
            _executable,
            ["--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", _location,
                "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
            _log,
            Path.GetDirectoryName(_location)!,
            _location,
            _cleanup);
        await Commands.WaitForPortAsync(Port, TimeSpan.FromSeconds(30), "Azurite", cancellationToken);
    }

    /// <summary>SIGKILL, as a crash: no final save of its database.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    public async Task<string> VersionAsync(CancellationToken cancellationToken) =>
        (await Commands.RunAsync(_executable, ["--version"], cancellationToken)).Output.Trim();
}
