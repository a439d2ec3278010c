using Fleet.Simulator;

var commandLine = SimulatorCommandLine.Parse(args);
if (commandLine.ShowHelp)
{
    Console.Out.Write(SimulatorCommandLine.Usage);
    return 0;
}

if (commandLine.Options is not { } options)
{
    Console.Error.WriteLine($"fleet-simulator: {commandLine.Error}");
    return CommandLine.BadUsageExitCode;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Stop cleanly so the summary is printed; the process ends once the run returns.
    e.Cancel = true;
    stop.Cancel();
};

using var http = new HttpClient();
await new FleetSimulator(options, http, TimeProvider.System, Console.Out).RunAsync(stop.Token);
return 0;
