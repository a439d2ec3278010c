using System.Globalization;

namespace Fleet.Simulator;

/// <summary>The outcome of reading the command line: options to run with, a request for help, or what is wrong.</summary>
internal sealed record CommandLine(SimulatorOptions? Options, bool ShowHelp, string? Error)
{
    public const int BadUsageExitCode = 2;
}

/// <summary>Reads <c>--name value</c> and <c>--name=value</c> options into <see cref="SimulatorOptions"/>.</summary>
internal static class SimulatorCommandLine
{
    private const double DefaultScenarioShare = 0.1;

    // A year: longer is surely a typo, and would overflow what TimeSpan holds once multiplied by the speedup.
    private const double MaxSeconds = 31_536_000;

    private static readonly string[] AmqpOptions = ["--namespace", "--connection-string"];

    // Options of HTTPS with SAS that AMQP would silently ignore. They are refused here, not by the options' own check: a
    // default there looks the same as a value given, and --mint-sas never reaches a run.
    private static readonly string[] HttpsOptions = ["--endpoint", "--key-name", "--key", "--mint-sas", "--valid-days"];

    private static readonly Dictionary<string, ScenarioKind> ScenarioNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["speeding"] = ScenarioKind.Speeding,
        ["geofence"] = ScenarioKind.Geofence,
        ["harsh-braking"] = ScenarioKind.HarshBraking,
        ["fuel-theft"] = ScenarioKind.FuelTheft,
        ["silent"] = ScenarioKind.Silent,
    };

    public const string Usage = """
        Fleet simulator: vehicles driving a street grid around a city, sending telemetry to Event Hubs over HTTPS
        with SAS (the local host, or a namespace that allows local auth), or over AMQP with the Event Hubs SDK.

        Usage: dotnet run --project functions/Fleet.Simulator -- [options]

          --endpoint URI            Event Hubs endpoint: the local host or https://{namespace}.servicebus.windows.net
                                    (default http://127.0.0.1:7071)
          --hub NAME                event hub (default telemetry; with --connection-string, its EntityPath if it has one)
          --key-name NAME           SAS key name (default RootManageSharedAccessKey)
          --key KEY                 SAS key (default fleet-local-dev-key, the local host's development key)
          --per-device-publisher    send each device's fixes to /{hub}/publishers/{device}/messages with a token
                                    scoped to that publisher, instead of batches to /{hub}/messages
          --namespace HOST          send over AMQP instead, to the namespace HOST ({name}.servicebus.windows.net) as
                                    the Entra identity DefaultAzureCredential finds (az login, environment variables,
                                    managed identity): works with local auth disabled; needs the role Azure Event Hubs
                                    Data Sender on the hub
          --connection-string TEXT  send over AMQP instead, with a shared access key; TEXT is
                                    Endpoint=sb://{name}.servicebus.windows.net/;SharedAccessKeyName=NAME;
                                    SharedAccessKey=KEY[;EntityPath=HUB], quoted for the shell.
                                    Over AMQP each device's fixes go in batches of their own with the device id as
                                    partition key, sized by the SDK, which retries busy answers itself (throttled stays
                                    0); --endpoint, --key-name, --key, --per-device-publisher and --mint-sas do not apply
          --vehicles N              vehicles (default 10)
          --device-prefix TEXT      vehicle i is device {prefix}{i:000}, driver drv-{prefix}{i:000} (default sim-)
          --latitude DEGREES        city centre (default 25.0330, Taipei)
          --longitude DEGREES       city centre (default 121.5654)
          --radius-km KM            how far from the centre vehicles drive (default 8)
          --interval-seconds S      simulated seconds between a device's reports, jittered +-20% (default 5)
          --duration-seconds S      wall-clock seconds to run (default: until Ctrl+C)
          --speedup N               simulated time runs N times faster than the wall clock (default 1); with
                                    --duration-seconds the run starts that much in the past so the last fixes are
                                    stamped about now; without it timestamps run ahead of the clock, and the backend
                                    dead-letters fixes more than 5 minutes in the future
          --batch-size N            most events per request or AMQP batch (default 100; HTTPS bodies stay under 1 MB
                                    and AMQP batches within the hub's limit either way)
          --seed N                  repeat the same routes and scenarios (default: random, printed at start)
          --scenario LIST           comma-separated NAME or NAME:WHICH, where WHICH is a share of the fleet (25%)
                                    or vehicle numbers: 3, 2-5, or several joined with '+' (1+4+9-12); a bare NAME
                                    applies to 10% of the vehicles (at least one). Shares take consecutive vehicles,
                                    each shared scenario starting where the previous one stopped. Scenarios repeat
                                    every few minutes. Names:
                                      speeding       about 140 km/h for 90 s or more (one speeding alert each time)
                                      geofence       drives into the city centre, stops 90 s in the depot, leaves
                                      harsh-braking  sudden braking at 6.5 m/s^2, flagged and shown by fixes < 3 s apart
                                      fuel-theft     parks with the ignition off while fuel drops 15% in 2.5 minutes
                                      silent         stops reporting after 3 to 4 minutes, for offline detection
          --mint-sas DEVICE         do not simulate: print a SAS token scoped to DEVICE's publisher, signed with
                                    --key-name/--key (in Azure the send-only rule devices-send of a namespace deployed
                                    with eventHubsDisableLocalAuth=false), and the URL the device posts to
          --valid-days N            how long a minted token is valid (default 365)
          --help, -h                this text

        Example: --vehicles 50 --scenario speeding:2,geofence:3-4,harsh-braking:10%,fuel-theft:5,silent:6
        Over AMQP, after az login: --namespace fleet-ehns.servicebus.windows.net --hub telemetry --vehicles 50

        Progress is printed every 5 s and a summary at the end (also on Ctrl+C). Bad options exit with code 2.
        """;

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SimulatorOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (argument is "--help" or "-h")
            {
                return new CommandLine(null, ShowHelp: true, null);
            }

            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                return Fail($"unexpected argument '{argument}'");
            }

            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? argument : argument[..separator];
            var inline = separator < 0 ? null : argument[(separator + 1)..];
            if (!seen.Add(name))
            {
                return Fail($"{name} is given more than once");
            }

            if (name == "--per-device-publisher")
            {
                if (inline is not null)
                {
                    return Fail($"{name} takes no value");
                }

                options = options with { PerDevicePublisher = true };
                continue;
            }

            if (!IsKnown(name))
            {
                return Fail($"unknown option '{name}' (see --help)");
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null)
            {
                return Fail($"{name} needs a value");
            }

            var (next, error) = Apply(options, name, value);
            if (error is not null)
            {
                return Fail(error);
            }

            options = next;
        }

        if (AmqpOptions.FirstOrDefault(seen.Contains) is { } amqp && HttpsOptions.FirstOrDefault(seen.Contains) is { } https)
        {
            return Fail($"{https} is for HTTPS with SAS: it cannot be combined with {amqp}");
        }

        // A connection string that names its hub names it for --hub too; a --hub given as well must agree with it.
        if (!seen.Contains("--hub") && options.ConnectionStringParts?.EventHubName is { Length: > 0 } entityPath)
        {
            options = options with { EventHub = entityPath };
        }

        return options.FindProblem() is { } problem ? Fail(problem) : new CommandLine(options, ShowHelp: false, null);
    }

    private static bool IsKnown(string name) => name is "--endpoint" or "--hub" or "--key-name" or "--key" or "--namespace"
        or "--connection-string" or "--vehicles" or "--device-prefix" or "--latitude" or "--longitude" or "--radius-km"
        or "--interval-seconds" or "--duration-seconds" or "--speedup" or "--batch-size" or "--seed" or "--scenario"
        or "--mint-sas" or "--valid-days";

    private static (SimulatorOptions Options, string? Error) Apply(SimulatorOptions options, string name, string value)
    {
        switch (name)
        {
            case "--endpoint":
                return Uri.TryCreate(value, UriKind.Absolute, out var endpoint)
                    ? (options with { Endpoint = endpoint }, null)
                    : (options, $"--endpoint must be an absolute URI, got '{value}'");
            case "--hub":
                return (options with { EventHub = value }, null);
            case "--key-name":
                return (options with { KeyName = value }, null);
            case "--key":
                return (options with { Key = value }, null);
            case "--namespace":
                return (options with { EventHubsNamespace = value }, null);
            case "--connection-string":
                return (options with { EventHubsConnectionString = value }, null);
            case "--device-prefix":
                return (options with { DevicePrefix = value }, null);
            case "--mint-sas":
                return string.IsNullOrWhiteSpace(value) ? (options, "--mint-sas needs a device id") : (options with { MintSasFor = value }, null);
            case "--scenario":
                var (scenarios, error) = ParseScenarios(value);
                return (options with { Scenarios = scenarios }, error);
            case "--vehicles" or "--batch-size" or "--seed":
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    return (options, $"{name} must be a whole number, got '{value}'");
                }

                return name switch
                {
                    "--vehicles" => (options with { Vehicles = whole }, null),
                    "--batch-size" => (options with { BatchSize = whole }, null),
                    _ => (options with { Seed = whole }, null),
                };
            default:
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    return (options, $"{name} must be a number, got '{value}'");
                }

                return name switch
                {
                    "--latitude" => (options with { CenterLatitude = number }, null),
                    "--longitude" => (options with { CenterLongitude = number }, null),
                    "--radius-km" => (options with { RadiusKm = number }, null),
                    "--interval-seconds" => Seconds(options, name, number, seconds => options with { ReportInterval = seconds }),
                    "--duration-seconds" => Seconds(options, name, number, seconds => options with { Duration = seconds }),
                    "--valid-days" => number is > 0 and <= 3650
                        ? (options with { SasValidity = TimeSpan.FromDays(number) }, null)
                        : (options, "--valid-days must be above 0 and at most 3650"),
                    _ => (options with { Speedup = number }, null),
                };
        }
    }

    private static (SimulatorOptions, string?) Seconds(
        SimulatorOptions options, string name, double seconds, Func<TimeSpan, SimulatorOptions> apply) =>
        seconds is > 0 and <= MaxSeconds
            ? (apply(TimeSpan.FromSeconds(seconds)), null)
            : (options, $"{name} must be above 0 and at most a year");

    /// <summary><c>NAME[:WHICH],...</c>, WHICH being <c>25%</c> or vehicle numbers and ranges joined by '+'.</summary>
    private static (IReadOnlyList<ScenarioAssignment> Scenarios, string? Error) ParseScenarios(string text)
    {
        var scenarios = new List<ScenarioAssignment>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? entry : entry[..colon];
            if (!ScenarioNames.TryGetValue(name, out var scenario))
            {
                return ([], $"--scenario: unknown scenario '{name}' (known: {string.Join(", ", ScenarioNames.Keys)})");
            }

            if (colon < 0)
            {
                scenarios.Add(ScenarioAssignment.ForShare(scenario, DefaultScenarioShare));
                continue;
            }

            var which = entry[(colon + 1)..];
            if (which.EndsWith('%'))
            {
                if (!double.TryParse(which[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent))
                {
                    return ([], $"--scenario: '{which}' is not a percentage");
                }

                scenarios.Add(ScenarioAssignment.ForShare(scenario, percent / 100));
                continue;
            }

            var numbers = new List<int>();
            foreach (var part in which.Split('+'))
            {
                var dash = part.IndexOf('-', StringComparison.Ordinal);
                if (!TryVehicleNumber(dash < 0 ? part : part[..dash], out var first) ||
                    !TryVehicleNumber(dash < 0 ? part : part[(dash + 1)..], out var last) || last < first)
                {
                    return ([], $"--scenario: '{which}' is not vehicle numbers (like 3, 2-5 or 1+4+9-12) or a share (like 25%)");
                }

                numbers.AddRange(Enumerable.Range(first, last - first + 1));
            }

            scenarios.Add(ScenarioAssignment.ForVehicles(scenario, numbers));
        }

        return (scenarios, null);
    }

    private static bool TryVehicleNumber(string text, out int number) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out number) &&
        number is >= 1 and <= SimulatorOptions.MaxVehicles;

    private static CommandLine Fail(string error) => new(null, ShowHelp: false, error);
}
