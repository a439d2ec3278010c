using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>What a device is told when it sends too much, or when the stream cannot take its events: when to come back.</summary>
public sealed class DeviceGatewayLimitsTests
{
    [Fact]
    public async Task A_device_over_its_event_rate_is_told_to_wait()
    {
        await using var host = await LocalHostRig.StartAsync("--Fleet:Gateway:EventsPerSecondPerDevice=1", "--Fleet:Gateway:EventBurstPerDevice=3");
        var token = await CredentialAsync(host);
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);
        var threeEvents = $"[{string.Join(',', Enumerable.Range(0, 3).Select(i => LocalHostRig.Fix("sim-001", now.AddSeconds(i), 25.0, 121.5, 10)))}]";

        using var withinBurst = await SendAsync(host, token, threeEvents);
        using var overRate = await SendAsync(host, token, LocalHostRig.Fix("sim-001", now.AddSeconds(5), 25.0, 121.5, 10));

        Assert.Equal(HttpStatusCode.OK, withinBurst.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, overRate.StatusCode);
        Assert.True(overRate.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task When_the_stream_cannot_take_the_events_nothing_is_reported_accepted_and_the_device_is_told_when_to_retry()
    {
        await using var host = await LocalHostRig.StartAsync("--Fleet:LocalHost:Partitions=1", "--Fleet:LocalHost:PartitionQueueCapacity=1");
        var token = await CredentialAsync(host);
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);

        using var refused = await SendAsync(host, token, $"[{LocalHostRig.Fix("sim-001", now, 25.0, 121.5, 10)},{LocalHostRig.Fix("sim-001", now.AddSeconds(1), 25.0, 121.5, 10)}]");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("The telemetry stream is not accepting events; nothing of this request was taken.", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        await host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(5));
        using var admin = await host.ClientAsync("acme-admin-limits", "c-acme", "admin");
        var locations = await admin.GetFromJsonAsync<JsonElement>(
            $"/api/vehicles/v-001/locations?from={Uri.EscapeDataString(now.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}");
        Assert.Empty(locations.GetProperty("items").EnumerateArray());
    }

    private static async Task<string> CredentialAsync(LocalHostRig host)
    {
        using var admin = await host.ClientAsync("acme-admin-limits", "c-acme", "admin");
        using var created = await admin.PostAsJsonAsync("/api/devices/sim-001/credentials", new { label = "limits" });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(LocalHostRig host, string token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telemetry") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Http.SendAsync(request);
    }
}
