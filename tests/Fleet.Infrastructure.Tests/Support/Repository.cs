namespace Fleet.Infrastructure.Tests.Support;

/// <summary>The repository's own files, as checked out: the tests read the real ones, never copies.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <param name="relativePath">A path from the repository root, with <c>/</c> separators.</param>
    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public static string Read(string relativePath) => File.ReadAllText(PathOf(relativePath));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FleetFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("FleetFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
