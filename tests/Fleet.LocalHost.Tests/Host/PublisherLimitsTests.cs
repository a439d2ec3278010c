using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Devices sending on their Event Hubs publisher path are limited in events, not only in requests, and each in a bucket
/// of its own, however its id is spelled (issue 15).
/// </summary>
public sealed class PublisherLimitsTests
{
    [Fact]
    public async Task A_publisher_is_limited_in_events_and_one_spelled_differently_keeps_its_own_allowance()
    {
        await using var host = await LocalHostRig.StartAsync("--Fleet:Gateway:EventsPerSecondPerDevice=1", "--Fleet:Gateway:EventBurstPerDevice=5");
        var now = DateTimeOffset.UtcNow.AddSeconds(-30);

        using var fiveEvents = await SendAsync(host, "CaseDev", 5, now);
        using var overLimit = await SendAsync(host, "CaseDev", 1, now.AddSeconds(10));
        using var otherSpelling = await SendAsync(host, "casedev", 5, now);

        Assert.Equal(HttpStatusCode.Created, fiveEvents.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, overLimit.StatusCode);
        Assert.True(overLimit.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Created, otherSpelling.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(LocalHostRig host, string publisher, int events, DateTimeOffset from)
    {
        var items = Enumerable.Range(0, events).Select(i => new Dictionary<string, object> { ["Body"] = LocalHostRig.Fix(publisher, from.AddSeconds(i), 25.0, 121.5, 10) });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{LocalHostRig.Hub}/publishers/{publisher}/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(items), Encoding.UTF8, "application/vnd.microsoft.servicebus.json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", host.SasToken(publisher));
        return await host.Http.SendAsync(request);
    }
}
