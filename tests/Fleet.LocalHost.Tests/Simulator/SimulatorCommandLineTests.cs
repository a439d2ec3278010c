using System.Diagnostics;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class SimulatorCommandLineTests
{
    [Fact]
    public void No_arguments_give_the_documented_defaults()
    {
        var options = Parsed();

        Assert.Equal(new Uri("http://127.0.0.1:7071"), options.Endpoint);
        Assert.Equal("telemetry", options.EventHub);
        Assert.Equal("RootManageSharedAccessKey", options.KeyName);
        Assert.Equal("fleet-local-dev-key", options.Key);
        Assert.Equal(10, options.Vehicles);
        Assert.Equal("sim-", options.DevicePrefix);
        Assert.Equal((25.0330, 121.5654, 8.0), (options.CenterLatitude, options.CenterLongitude, options.RadiusKm));
        Assert.Equal(TimeSpan.FromSeconds(5), options.ReportInterval);
        Assert.Null(options.Duration);
        Assert.Equal(1, options.Speedup);
        Assert.Equal(100, options.BatchSize);
        Assert.Null(options.Seed);
        Assert.False(options.PerDevicePublisher);
        Assert.Empty(options.Scenarios);
        Assert.False(options.SendsOverAmqp);
        Assert.Null(options.EventHubsNamespace);
        Assert.Null(options.EventHubsConnectionString);
    }

    [Fact]
    public void A_namespace_sends_over_amqp_to_the_hub_given_or_telemetry()
    {
        var options = Parsed("--namespace", "fleet-ehns.servicebus.windows.net", "--hub=positions", "--vehicles", "5");
        var defaultHub = Parsed("--namespace=fleet-ehns.servicebus.windows.net");

        Assert.True(options.SendsOverAmqp);
        Assert.Equal(("fleet-ehns.servicebus.windows.net", "positions", 5), (options.EventHubsNamespace, options.EventHub, options.Vehicles));
        Assert.Null(options.EventHubsConnectionString);
        Assert.Equal("telemetry", defaultHub.EventHub);
    }

    [Theory]
    [InlineData("", "telemetry")]
    [InlineData(";EntityPath=positions", "positions")]
    public void A_connection_string_sends_over_amqp_to_its_entity_path_or_else_telemetry(string entityPath, string hub)
    {
        var connectionString = NamespaceConnectionString + entityPath;

        var options = Parsed("--connection-string", connectionString);

        Assert.True(options.SendsOverAmqp);
        Assert.Equal((connectionString, hub), (options.EventHubsConnectionString, options.EventHub));
        Assert.Null(options.EventHubsNamespace);
    }

    [Fact]
    public void The_event_hubs_emulators_connection_string_is_taken()
    {
        const string Emulator =
            "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";

        var options = Parsed("--hub", "telemetry", "--connection-string", Emulator);

        Assert.Equal((Emulator, "telemetry"), (options.EventHubsConnectionString, options.EventHub));
    }

    [Fact]
    public void With_a_connection_string_without_entity_path_hub_names_the_hub_and_with_one_it_may_repeat_it()
    {
        Assert.Equal("positions", Parsed("--hub", "positions", "--connection-string", NamespaceConnectionString).EventHub);
        Assert.Equal("positions", Parsed("--hub", "positions", "--connection-string", NamespaceConnectionString + ";EntityPath=positions").EventHub);
    }

    [Fact]
    public void A_refused_connection_string_is_never_repeated_back()
    {
        const string Key = "c2VjcmV0LWtleS12YWx1ZQ==";

        foreach (var connectionString in new[]
        {
            $"SharedAccessKeyName=send;SharedAccessKey={Key}",
            $"Endpoint=sb://a.servicebus.windows.net/;SharedAccessKey={Key}",
            $"{NamespaceConnectionString};SharedAccessSignature=SharedAccessSignature sr=x&sig={Key}",
        })
        {
            var error = SimulatorCommandLine.Parse(["--connection-string", connectionString]).Error;

            Assert.NotNull(error);
            Assert.StartsWith("--connection-string must be an Event Hubs connection string", error, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_option_is_read_in_either_form()
    {
        var options = Parsed(
            "--endpoint", "https://fleet.servicebus.windows.net", "--hub=positions", "--key-name", "send", "--key=k=1", "--vehicles", "250",
            "--device-prefix", "van-", "--latitude", "52.37", "--longitude=4.9", "--radius-km", "12.5", "--interval-seconds", "2.5",
            "--duration-seconds", "600", "--speedup", "20", "--batch-size", "500", "--seed", "-42", "--per-device-publisher",
            "--scenario", "speeding:3,geofence:10-12+20,silent:5%,fuel-theft");

        Assert.Equal(new Uri("https://fleet.servicebus.windows.net"), options.Endpoint);
        Assert.Equal(("positions", "send", "k=1"), (options.EventHub, options.KeyName, options.Key));
        Assert.Equal((250, "van-"), (options.Vehicles, options.DevicePrefix));
        Assert.Equal((52.37, 4.9, 12.5), (options.CenterLatitude, options.CenterLongitude, options.RadiusKm));
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.ReportInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Duration);
        Assert.Equal((20.0, 500, -42), (options.Speedup, options.BatchSize, options.Seed));
        Assert.True(options.PerDevicePublisher);
        Assert.Collection(
            options.Scenarios,
            speeding =>
            {
                Assert.Equal((ScenarioKind.Speeding, (double?)null), (speeding.Scenario, speeding.Share));
                Assert.Equal([3], speeding.VehicleNumbers.ToArray());
            },
            geofence =>
            {
                Assert.Equal(ScenarioKind.Geofence, geofence.Scenario);
                Assert.Equal([10, 11, 12, 20], geofence.VehicleNumbers.ToArray());
            },
            silent => Assert.Equal((ScenarioKind.Silent, (double?)0.05), (silent.Scenario, silent.Share)),
            theft => Assert.Equal((ScenarioKind.FuelTheft, (double?)0.1), (theft.Scenario, theft.Share)));
    }

    [Theory]
    [InlineData("--vehicles abc", "--vehicles")]
    [InlineData("--vehicles 0", "--vehicles")]
    [InlineData("--vehicles", "--vehicles needs a value")]
    [InlineData("--endpoint ftp://example.com", "--endpoint")]
    [InlineData("--endpoint not-a-uri", "--endpoint")]
    [InlineData("--hub a/b", "--hub")]
    [InlineData("--interval-seconds 0", "--interval-seconds")]
    [InlineData("--duration-seconds -5", "--duration-seconds")]
    [InlineData("--speedup nope", "--speedup")]
    [InlineData("--batch-size 0", "--batch-size")]
    [InlineData("--latitude 95", "--latitude")]
    [InlineData("--radius-km 0.1", "--radius-km")]
    [InlineData("--device-prefix a/b", "--device-prefix")]
    [InlineData("--scenario teleport", "--scenario: unknown scenario 'teleport'")]
    [InlineData("--scenario speeding:11", "--scenario names vehicle 11")]
    [InlineData("--scenario speeding:5-2", "--scenario")]
    [InlineData("--scenario speeding:x%", "--scenario")]
    [InlineData("--scenario speeding:0%", "--scenario")]
    [InlineData("--per-device-publisher=yes", "--per-device-publisher takes no value")]
    [InlineData("--colour red", "unknown option '--colour'")]
    [InlineData("--seed 1 --seed 2", "--seed is given more than once")]
    [InlineData("vehicles", "unexpected argument 'vehicles'")]
    [InlineData("--namespace fleet-ehns", "--namespace must be the namespace's host name")]
    [InlineData("--namespace https://fleet-ehns.servicebus.windows.net/", "--namespace must be the namespace's host name")]
    [InlineData("--namespace fleet-ehns.servicebus.windows.net:5671", "--namespace must be the namespace's host name")]
    [InlineData("--namespace=", "--namespace must be the namespace's host name")]
    [InlineData("--connection-string fleet-ehns.servicebus.windows.net", "--connection-string must be an Event Hubs connection string")]
    [InlineData("--connection-string Endpoint=sb://fleet-ehns.servicebus.windows.net/", "--connection-string must be an Event Hubs connection string")]
    [InlineData("--connection-string Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send", "--connection-string must be")]
    [InlineData("--connection-string=", "--connection-string must be an Event Hubs connection string")]
    [InlineData("--namespace a.servicebus.windows.net --connection-string Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=s;SharedAccessKey=k",
        "--namespace and --connection-string are two ways to reach Event Hubs over AMQP: give one")]
    [InlineData("--hub positions --connection-string Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=s;SharedAccessKey=k;EntityPath=telemetry",
        "--hub is 'positions' but the --connection-string's EntityPath is 'telemetry'")]
    [InlineData("--namespace a.servicebus.windows.net --per-device-publisher", "--per-device-publisher sends to HTTPS publisher paths")]
    [InlineData("--namespace a.servicebus.windows.net --key k", "--key is for HTTPS with SAS: it cannot be combined with --namespace")]
    [InlineData("--endpoint https://a.servicebus.windows.net --namespace a.servicebus.windows.net", "--endpoint is for HTTPS with SAS")]
    [InlineData("--key-name send --connection-string Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=s;SharedAccessKey=k",
        "--key-name is for HTTPS with SAS: it cannot be combined with --connection-string")]
    [InlineData("--mint-sas sim-001 --namespace a.servicebus.windows.net", "--mint-sas is for HTTPS with SAS")]
    [InlineData("--namespace a.servicebus.windows.net --namespace b.servicebus.windows.net", "--namespace is given more than once")]
    public void A_bad_option_is_refused_with_a_message_naming_it(string arguments, string expected)
    {
        var commandLine = SimulatorCommandLine.Parse(arguments.Split(' '));

        Assert.Null(commandLine.Options);
        Assert.False(commandLine.ShowHelp);
        Assert.NotNull(commandLine.Error);
        Assert.Contains(expected, commandLine.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', commandLine.Error);
    }

    [Fact]
    public void Help_is_asked_for_with_help_or_h_and_documents_every_option_and_scenario()
    {
        Assert.True(SimulatorCommandLine.Parse(["--vehicles", "3", "--help"]).ShowHelp);
        Assert.True(SimulatorCommandLine.Parse(["-h"]).ShowHelp);
        foreach (var option in new[]
        {
            "--endpoint", "--hub", "--key-name", "--key", "--per-device-publisher", "--namespace", "--connection-string", "--vehicles",
            "--device-prefix", "--latitude", "--longitude", "--radius-km", "--interval-seconds", "--duration-seconds", "--speedup", "--batch-size", "--seed", "--scenario",
            "speeding", "geofence", "harsh-braking", "fuel-theft", "silent",
        })
        {
            Assert.Contains(option, SimulatorCommandLine.Usage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_program_exits_with_code_2_and_one_line_on_stderr_for_a_bad_option()
    {
        var start = new ProcessStartInfo("dotnet", [typeof(FleetSimulator).Assembly.Location, "--batch-size", "many"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("fleet-simulator: --batch-size must be a whole number, got 'many'", error.Trim());
    }

    private const string NamespaceConnectionString =
        "Endpoint=sb://fleet-ehns.servicebus.windows.net/;SharedAccessKeyName=simulator-send;SharedAccessKey=c2VjcmV0LWtleQ==";

    private static SimulatorOptions Parsed(params string[] arguments)
    {
        var commandLine = SimulatorCommandLine.Parse(arguments);
        Assert.Null(commandLine.Error);
        return Assert.IsType<SimulatorOptions>(commandLine.Options);
    }
}
