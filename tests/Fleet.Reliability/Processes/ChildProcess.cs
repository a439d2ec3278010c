using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Reliability.Processes;

/// <summary>
/// A long-running process of the harness (Azurite, the local host), its output appended to a log file. It is ended
/// with SIGKILL, as a crash would end it, by its own pid and never by name.
/// </summary>
internal sealed class ChildProcess
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Cleanup _cleanup;

    private ChildProcess(Process process, StreamWriter log, Cleanup cleanup)
    {
        _process = process;
        _log = log;
        _cleanup = cleanup;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="marker">A text of the command line by which a leftover process is recognised (see <see cref="Cleanup"/>).</param>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logPath, string workingDirectory, string marker, Cleanup cleanup)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"==== {DateTimeOffset.UtcNow:O} {fileName} {string.Join(' ', start.ArgumentList)}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        cleanup.Track(process.Id, marker);
        var child = new ChildProcess(process, log, cleanup);
        process.Exited += (_, _) => cleanup.Untrack(child.Pid);
        return child;
    }

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync();
        _cleanup.Untrack(_process.Id);
        Write(_log, $"==== {DateTimeOffset.UtcNow:O} ended (SIGKILL) by the harness");
    }

    /// <summary>Resident memory of the process now (VmRSS), or null once it has gone.</summary>
    public long? ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Gone meanwhile.
        }

        return null;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}

/// <summary>Short commands run to completion, and the small facts about the machine the harness needs.</summary>
internal static class Commands
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(reading.Token);
        var error = process.StandardError.ReadToEndAsync(reading.Token);
        await process.WaitForExitAsync(cancellationToken);

        // A server the command started in the background may have inherited the pipes: do not wait for it to close them.
        await Task.WhenAny(Task.WhenAll(output, error), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        var text = (output.IsCompletedSuccessfully ? output.Result : "") + (error.IsCompletedSuccessfully ? error.Result : "");
        await reading.CancelAsync();
        return (process.ExitCode, text);
    }

    public static async Task<string> RunCheckedAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var list = arguments.ToList();
        var (exitCode, output) = await RunAsync(fileName, list, cancellationToken);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', list)} exited with {exitCode}: {output.Trim()}");
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>A loopback port nobody listens on now (the kernel's choice, released at once).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> PortAnswersAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await PortAnswersAsync(port, cancellationToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not listen on port {port} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
