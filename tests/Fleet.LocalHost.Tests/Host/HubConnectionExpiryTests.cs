using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>A hub connection ends when its client token does (issue 15): the client must negotiate again, and is checked again.</summary>
public sealed class HubConnectionExpiryTests
{
    [Fact]
    public async Task The_hub_closes_a_connection_whose_client_token_has_expired()
    {
        await using var host = await LocalHostRig.StartAsync("--Fleet:LocalHost:SignalRTokenLifetime=00:00:03");
        await using var client = await host.ConnectAsync("short-lived", "c-acme");

        await client.WaitForCloseAsync(TimeSpan.FromSeconds(20));

        Assert.True(client.IsClosed);
    }
}
