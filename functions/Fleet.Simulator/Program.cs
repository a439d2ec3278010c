namespace Fleet.Simulator;

/// <remarks>
/// A named class rather than top-level statements: the local host references this project, and two global
/// <c>Program</c> types would collide in anything that sees the internals of both (its tests do).
/// </remarks>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
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

        if (options.MintSasFor is { } device)
        {
            var (token, sendTo) = SasMinting.Mint(options, device, DateTimeOffset.UtcNow);
            Console.Out.WriteLine($"POST {sendTo}");
            Console.Out.WriteLine($"Authorization: {token}");
            return 0;
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
    }
}
