namespace Fleet.Reliability.Processes;

/// <summary>Where the harness finds what it runs: the repository's built host, Azurite and PostgreSQL's binaries.</summary>
internal sealed record Toolbox(string RepositoryRoot, string HostDll, string AzuriteExecutable, string PostgresBin)
{
    public static Toolbox Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FleetFunctions.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? throw new InvalidOperationException("FleetFunctions.sln not found above " + AppContext.BaseDirectory);
        return new Toolbox(root, LocalHostProcess.FindDll(root), AzuriteServer.FindExecutable(root), PostgresCluster.FindBin());
    }
}

/// <summary>
/// One experiment's servers, fresh each time so that experiments do not see each other's data: a PostgreSQL cluster,
/// Azurite and the local host on both, in a directory of their own under the run's directory. The logs stay there.
/// </summary>
internal sealed class Rig
{
    private Rig(string directory, PostgresCluster postgres, AzuriteServer azurite, LocalHostProcess host)
    {
        Directory = directory;
        Postgres = postgres;
        Azurite = azurite;
        Host = host;
    }

    public string Directory { get; }

    public PostgresCluster Postgres { get; }

    public AzuriteServer Azurite { get; }

    public LocalHostProcess Host { get; }

    public static async Task<Rig> StartAsync(Toolbox tools, string directory, Cleanup cleanup, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var postgres = await PostgresCluster.CreateAsync(tools.PostgresBin, Path.Combine(directory, "postgres"), cleanup, cancellationToken);
        var azurite = await AzuriteServer.StartAsync(tools.AzuriteExecutable, directory, cleanup, cancellationToken);
        var host = await LocalHostProcess.StartAsync(tools.HostDll, directory, postgres.ConnectionString, azurite.ConnectionString, cleanup, cancellationToken);
        return new Rig(directory, postgres, azurite, host);
    }
}
