using System.Net;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>From a device's POST to a dispatcher's WebSocket, through the real ingestion, handler and hub.</summary>
public abstract class DeliveryTests
{
    protected abstract HostStores Stores { get; }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_device_post_reaches_its_company_dispatcher_and_no_one_else()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);
        await using var acme = await host.ConnectAsync("u-acme", "c-acme");
        await using var globex = await host.ConnectAsync("u-globex", "c-globex");

        // sim-001 drives v-001 of Acme (odd vehicle numbers are Acme's in the demo fleet).
        using var response = await host.SendBatchAsync([LocalHostRig.Fix("sim-001", DateTimeOffset.UtcNow.AddSeconds(-1), 25.05, 121.55, 30)]);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var update = await acme.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal("c-acme", update.Argument.GetProperty("company_id").GetString());
        var position = Assert.Single(update.Argument.GetProperty("data").EnumerateArray());
        Assert.Equal("v-001", position.GetProperty("vehicle_id").GetString());
        Assert.Equal(25.05, position.GetProperty("latitude").GetDouble(), 6);

        Assert.Empty(await globex.DrainAsync(TimeSpan.FromMilliseconds(500)));
    }
}

public sealed class DeliveryTestsInMemory : DeliveryTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class DeliveryTestsOnServers : DeliveryTests
{
    protected override HostStores Stores => HostStores.Servers;
}
