using System.Globalization;
using Azure.Messaging.EventHubs;

namespace Fleet.Simulator;

/// <summary>
/// What to simulate and where to send it. The defaults drive 10 vehicles around Taipei against the local host's
/// Event Hubs endpoint with its documented development key, over HTTPS; a namespace or a connection string sends over
/// AMQP instead. Problems name the matching command-line option.
/// </summary>
public sealed record SimulatorOptions
{
    public const int MaxVehicles = 100_000;
    public const int MaxBatchSize = 10_000;
    public const double MaxSpeedup = 10_000;

    public Uri Endpoint { get; init; } = new("http://127.0.0.1:7071");

    /// <summary>The event hub; with a connection string that names one (<c>EntityPath</c>), that same hub.</summary>
    public string EventHub { get; init; } = "telemetry";

    public string KeyName { get; init; } = "RootManageSharedAccessKey";

    public string Key { get; init; } = "fleet-local-dev-key";

    /// <summary>
    /// Send over AMQP to this namespace (<c>{name}.servicebus.windows.net</c>) as the Entra identity
    /// <c>DefaultAzureCredential</c> finds, instead of over HTTPS to <see cref="Endpoint"/>.
    /// </summary>
    public string? EventHubsNamespace { get; init; }

    /// <summary>
    /// Send over AMQP with this connection string (a shared access key), instead of over HTTPS to <see cref="Endpoint"/>.
    /// </summary>
    public string? EventHubsConnectionString { get; init; }

    /// <summary>Whether telemetry goes over AMQP with the Event Hubs SDK rather than over HTTPS REST.</summary>
    public bool SendsOverAmqp => EventHubsNamespace is not null || EventHubsConnectionString is not null;

    /// <summary>The parts of <see cref="EventHubsConnectionString"/>; null when there is none or it is not a connection string.</summary>
    internal EventHubsConnectionStringProperties? ConnectionStringParts
    {
        get
        {
            if (string.IsNullOrWhiteSpace(EventHubsConnectionString))
            {
                return null;
            }

            try
            {
                return EventHubsConnectionStringProperties.Parse(EventHubsConnectionString);
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>Send each device's fixes to <c>/{hub}/publishers/{device}/messages</c> with a token for that publisher.</summary>
    public bool PerDevicePublisher { get; init; }

    /// <summary>Instead of simulating: print a SAS token scoped to this device's publisher, for a device sending directly.</summary>
    public string? MintSasFor { get; init; }

    /// <summary>How long a minted token is valid.</summary>
    public TimeSpan SasValidity { get; init; } = TimeSpan.FromDays(365);

    public int Vehicles { get; init; } = 10;

    /// <summary>Vehicle i (1-based) is device <c>{prefix}{i:000}</c> driven by <c>drv-{prefix}{i:000}</c>.</summary>
    public string DevicePrefix { get; init; } = "sim-";

    public double CenterLatitude { get; init; } = 25.0330;

    public double CenterLongitude { get; init; } = 121.5654;

    public double RadiusKm { get; init; } = 8;

    /// <summary>Simulated time between a device's reports, jittered by up to 20 % either way.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Wall-clock time to run; null runs until cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>
    /// How many times faster simulated time runs than the wall clock; fix timestamps follow simulated time. With a
    /// duration, a speeded-up run starts that much in the past so that its last fixes are stamped about now (the
    /// backend refuses fixes more than 5 minutes in the future or older than 7 days); without one, timestamps run ahead.
    /// </summary>
    public double Speedup { get; init; } = 1;

    /// <summary>The most events in one request.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Makes routes and scenarios repeat run after run; null picks one (and the run prints it).</summary>
    public int? Seed { get; init; }

    public IReadOnlyList<ScenarioAssignment> Scenarios { get; init; } = [];

    /// <summary>
    /// Whether the simulator plays the dispatcher too, giving each idle delivery vehicle a new delivery nearby; without
    /// it, delivery vehicles wait for the jobs someone assigns to them.
    /// </summary>
    public bool DispatchDeliveries { get; init; }

    public string DeviceId(int vehicleNumber) => string.Create(CultureInfo.InvariantCulture, $"{DevicePrefix}{vehicleNumber:000}");

    public string DriverId(int vehicleNumber) => "drv-" + DeviceId(vehicleNumber);

    /// <summary>The first thing wrong with these options, naming the command-line option; null when they are usable.</summary>
    public string? FindProblem()
    {
        (bool Wrong, string Problem)[] checks =
        [
            (Endpoint is null || !Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https") ||
                Endpoint.Query.Length > 0 || Endpoint.Fragment.Length > 0,
                "--endpoint must be an absolute http or https URI without a query, such as http://127.0.0.1:7071"),
            (string.IsNullOrWhiteSpace(EventHub) || EventHub.Contains('/', StringComparison.Ordinal),
                "--hub must be an event hub name (one path segment)"),
            (string.IsNullOrWhiteSpace(KeyName), "--key-name must not be empty"),
            (string.IsNullOrEmpty(Key), "--key must not be empty"),
            (Vehicles is < 1 or > MaxVehicles, Invariant($"--vehicles must be from 1 to {MaxVehicles}")),
            (DevicePrefix is null || !DevicePrefix.All(IsDeviceIdCharacter),
                "--device-prefix may hold only letters, digits, '-', '_' and '.'"),
            (!double.IsFinite(CenterLatitude) || Math.Abs(CenterLatitude) > 85, "--latitude must be from -85 to 85"),
            (!double.IsFinite(CenterLongitude) || Math.Abs(CenterLongitude) > 180, "--longitude must be from -180 to 180"),
            (!double.IsFinite(RadiusKm) || RadiusKm is < 0.5 or > 100, "--radius-km must be from 0.5 to 100"),
            (ReportInterval < TimeSpan.FromSeconds(0.5) || ReportInterval > TimeSpan.FromHours(1),
                "--interval-seconds must be from 0.5 to 3600"),
            (Duration <= TimeSpan.Zero, "--duration-seconds must be above 0"),
            (!double.IsFinite(Speedup) || Speedup is <= 0 or > MaxSpeedup,
                Invariant($"--speedup must be above 0 and at most {MaxSpeedup}")),
            (BatchSize is < 1 or > MaxBatchSize, Invariant($"--batch-size must be from 1 to {MaxBatchSize}")),
        ];
        return FirstProblem(checks) ?? FindAmqpProblem() ?? FindScenarioProblem();
    }

    /// <remarks>Never quotes the connection string: it holds a key.</remarks>
    private string? FindAmqpProblem()
    {
        if (!SendsOverAmqp)
        {
            return null;
        }

        var connection = ConnectionStringParts;
        var entityPath = string.IsNullOrEmpty(connection?.EventHubName) ? null : connection.EventHubName;
        (bool Wrong, string Problem)[] checks =
        [
            (EventHubsNamespace is not null && EventHubsConnectionString is not null,
                "--namespace and --connection-string are two ways to reach Event Hubs over AMQP: give one"),
            (EventHubsNamespace is not null && (Uri.CheckHostName(EventHubsNamespace) != UriHostNameType.Dns ||
                !EventHubsNamespace.Contains('.', StringComparison.Ordinal)),
                "--namespace must be the namespace's host name, such as fleet-ehns.servicebus.windows.net"),
            (EventHubsConnectionString is not null && (connection?.Endpoint is null || !HasOneCredential(connection)),
                "--connection-string must be an Event Hubs connection string: " +
                "Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=NAME;SharedAccessKey=KEY[;EntityPath=HUB]"),
            // Event Hubs names are case-insensitive, and so is the SDK's comparison of the two.
            (entityPath is not null && !string.Equals(entityPath, EventHub, StringComparison.OrdinalIgnoreCase),
                $"--hub is '{EventHub}' but the --connection-string's EntityPath is '{entityPath}': give one, or the same"),
            (PerDevicePublisher,
                "--per-device-publisher sends to HTTPS publisher paths: it cannot be combined with --namespace or --connection-string"),
        ];
        return FirstProblem(checks);
    }

    private string? FindScenarioProblem()
    {
        foreach (var assignment in Scenarios ?? [])
        {
            if (assignment.Share is { } share && (!double.IsFinite(share) || share is <= 0 or > 1))
            {
                return "--scenario shares must be above 0% and at most 100%";
            }

            if (assignment.Share is null && assignment.VehicleNumbers.IsDefaultOrEmpty)
            {
                return "--scenario needs vehicle numbers or a share for each scenario";
            }

            foreach (var number in assignment.VehicleNumbers)
            {
                if (number < 1 || number > Vehicles)
                {
                    return Invariant($"--scenario names vehicle {number}, but --vehicles is {Vehicles}");
                }
            }
        }

        return null;
    }

    private static string? FirstProblem((bool Wrong, string Problem)[] checks) =>
        checks.Where(check => check.Wrong).Select(check => check.Problem).FirstOrDefault();

    /// <summary>A key with its name, or a shared access signature: what the SDK can sign in with.</summary>
    private static bool HasOneCredential(EventHubsConnectionStringProperties connection) =>
        string.IsNullOrEmpty(connection.SharedAccessSignature)
            ? !string.IsNullOrEmpty(connection.SharedAccessKeyName) && !string.IsNullOrEmpty(connection.SharedAccessKey)
            : string.IsNullOrEmpty(connection.SharedAccessKeyName) && string.IsNullOrEmpty(connection.SharedAccessKey);

    private static bool IsDeviceIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
