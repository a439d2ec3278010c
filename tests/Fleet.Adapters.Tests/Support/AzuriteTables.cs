using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.Tests.Support;

/// <summary>Clients for the Azurite Table service of <see cref="TestServers"/>, and table names no other test uses.</summary>
internal static partial class AzuriteTables
{
    public static TableServiceClient CreateServiceClient()
    {
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        return new TableServiceClient(TestServers.TablesConnectionString, options);
    }

    /// <summary>
    /// A client of Azurite's account at a loopback port nobody listens on: Table Storage down, every request refused at
    /// once. The options are the composition's with retries a few milliseconds apart, so an outage costs a test little.
    /// </summary>
    public static TableServiceClient CreateUnreachableServiceClient(ILogger logger)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = FleetComposition.TablesClientOptions(logger);
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(10);
        var azurite = TestServers.TablesConnectionString;
        if (!TableEndpoint().IsMatch(azurite))
        {
            throw new InvalidOperationException("FLEET_TEST_TABLES names no loopback TableEndpoint to move to a closed port.");
        }

        return new TableServiceClient(TableEndpoint().Replace(azurite, $"TableEndpoint=http://127.0.0.1:{closedPort}/"), options);
    }

    /// <summary>Letters and digits starting with a letter, as table names must be.</summary>
    public static string NewTableName() => "t" + Guid.NewGuid().ToString("N");

    [GeneratedRegex(@"TableEndpoint=http://127\.0\.0\.1:\d+/")]
    private static partial Regex TableEndpoint();
}
