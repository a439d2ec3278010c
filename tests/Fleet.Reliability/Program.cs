using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Fleet.Reliability;
using Fleet.Reliability.Experiments;
using Fleet.Reliability.Processes;
using Fleet.Reliability.Reporting;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(RunOptions.Usage);
    return 0;
}

Toolbox tools;
RunOptions options;
try
{
    tools = Toolbox.Find();
    options = RunOptions.Parse(args, tools.RepositoryRoot);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(RunOptions.Usage);
    return 2;
}

// Ctrl-C, SIGTERM and SIGHUP stop the run in order: the experiment under way is cancelled and everything it started
// is ended and removed by its cleanup before the process exits.
using var interrupted = new CancellationTokenSource();
void Interrupt(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"{context.Signal}: stopping; cleaning up what was started");
    interrupted.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);

Directory.CreateDirectory(options.ResultsDirectory);
var work = Path.Combine(Path.GetTempPath(), "fleet-reliability-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Directory.CreateDirectory(work);
if (!OperatingSystem.IsWindows())
{
    // The PostgreSQL cluster belongs to the postgres user, who must reach it through this directory.
    File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
}

var started = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
Console.WriteLine($"Reliability run: {string.Join(", ", options.Experiments.Select(experiment => experiment.Name))}");
Console.WriteLine(options.Describe());
Console.WriteLine($"Results and logs: {options.ResultsDirectory}");

var results = new List<ExperimentResult>();
var runner = new ExperimentRunner(tools, options.Plan, work, options.ResultsDirectory);
try
{
    foreach (var experiment in options.Experiments)
    {
        if (interrupted.IsCancellationRequested)
        {
            break;
        }

        Console.WriteLine($"== {experiment.Name}: {experiment.Title}");
        try
        {
            results.Add(await runner.RunAsync(experiment, interrupted.Token));
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{experiment.Name}: interrupted");
            results.Add(ExperimentResult.Failed(experiment, Path.Combine(options.ResultsDirectory, experiment.Name), "interrupted"));
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

var facts = await MachineFacts.ReadAsync(tools, options, started, clock.Elapsed);
var report = ResultsReport.Write(facts, results);
var reportPath = Path.Combine(options.ResultsDirectory, "results.md");
await File.WriteAllTextAsync(reportPath, report);
Console.WriteLine();
Console.WriteLine(report);
Console.WriteLine($"Written to {reportPath}");
return interrupted.IsCancellationRequested ? 130 : results.Any(result => result.Error is not null) ? 1 : 0;
