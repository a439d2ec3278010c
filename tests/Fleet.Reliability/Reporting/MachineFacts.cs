using System.Globalization;
using System.Runtime.InteropServices;
using Fleet.Reliability.Processes;

namespace Fleet.Reliability.Reporting;

/// <summary>The machine and versions a run happened on, read when the run ends.</summary>
internal static class MachineFacts
{
    public static async Task<RunFacts> ReadAsync(Toolbox tools, RunOptions options, DateTimeOffset startedAt, TimeSpan duration)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var commit = await TryAsync("git", ["-C", tools.RepositoryRoot, "rev-parse", "--short=12", "HEAD"], timeout.Token);
        var dirty = await TryAsync("git", ["-C", tools.RepositoryRoot, "status", "--porcelain", "--untracked-files=no"], timeout.Token);
        var postgres = await TryAsync(Path.Combine(tools.PostgresBin, "postgres"), ["--version"], timeout.Token);
        var azurite = await TryAsync(tools.AzuriteExecutable, ["--version"], timeout.Token);
        var machine = string.Create(
            CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores (nproc), {MemoryGigabytes():0.0} GB memory, {OperatingSystemName()}, {RuntimeInformation.OSArchitecture}");
        return new RunFacts(
            startedAt,
            duration,
            commit.Length == 0 ? "(unknown commit)" : $"commit {commit}{(dirty.Length > 0 ? " with uncommitted changes" : "")}",
            machine,
            postgres.Length == 0 ? "PostgreSQL (version unknown)" : postgres.Replace("postgres (PostgreSQL)", "PostgreSQL", StringComparison.Ordinal),
            azurite.Length == 0 ? "(version unknown)" : azurite,
            RuntimeInformation.FrameworkDescription,
            options.Describe());
    }

    private static async Task<string> TryAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            var (exitCode, output) = await Commands.RunAsync(fileName, arguments, cancellationToken);
            return exitCode == 0 ? output.Trim() : "";
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            return "";
        }
    }

    private static double MemoryGigabytes()
    {
        var total = File.ReadLines("/proc/meminfo").FirstOrDefault(line => line.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kilobytes = total?["MemTotal:".Length..].Trim().Split(' ')[0];
        return kilobytes is null ? 0 : long.Parse(kilobytes, CultureInfo.InvariantCulture) / 1048576.0;
    }

    private static string OperatingSystemName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            : null;
        return pretty is null ? RuntimeInformation.OSDescription : pretty["PRETTY_NAME=".Length..].Trim('"') + ", kernel " + Environment.OSVersion.Version;
    }
}
