using System.Globalization;
using System.Net;
using System.Text;
using Fleet.LocalHost.Tests.Support;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

/// <summary>
/// <c>--mint-sas DEVICE</c>: a device's own send access where a fleet enables SAS, checked against the local host's
/// Event Hubs endpoint, which validates SAS as Event Hubs does.
/// </summary>
public sealed class SasMintingTests
{
    [Fact]
    public async Task A_minted_token_sends_to_its_devices_publisher_only_and_expires_when_asked()
    {
        await using var host = await LocalHostRig.StartAsync();
        var parsed = SimulatorCommandLine.Parse(["--mint-sas", "sim-001", "--valid-days", "30", "--endpoint", host.BaseAddress.ToString(), "--key", LocalHostRig.SasKey]);
        var now = DateTimeOffset.UtcNow;

        var (token, sendTo) = SasMinting.Mint(parsed.Options!, "sim-001", now);
        using var own = await PostAsync(host, sendTo, token, LocalHostRig.Fix("sim-001", now.AddSeconds(-5), 25.0, 121.5, 10));
        using var other = await PostAsync(host, new Uri(host.BaseAddress, "telemetry/publishers/sim-003/messages"), token, LocalHostRig.Fix("sim-003", now.AddSeconds(-5), 25.0, 121.5, 10));

        Assert.Equal(new Uri(host.BaseAddress, "telemetry/publishers/sim-001/messages"), sendTo);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(token.Split("se=")[1].Split('&')[0], CultureInfo.InvariantCulture));
        Assert.InRange(expiry, now.AddDays(30).AddSeconds(-2), now.AddDays(30).AddSeconds(2));
    }

    [Fact]
    public void A_validity_that_cannot_be_meant_is_refused()
    {
        Assert.Equal("--valid-days must be above 0 and at most 3650", SimulatorCommandLine.Parse(["--mint-sas", "d", "--valid-days", "0"]).Error);
    }

    private static async Task<HttpResponseMessage> PostAsync(LocalHostRig host, Uri to, string token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, to) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return await host.Http.SendAsync(request);
    }
}
