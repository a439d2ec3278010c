using System.Net;
using System.Text;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>The Event Hubs send API's answers: SAS, sizes, envelopes and backpressure.</summary>
public abstract class IngestionTests
{
    protected abstract HostStores Stores { get; }

    private static string AFix => LocalHostRig.Fix("sim-001", DateTimeOffset.UtcNow.AddSeconds(-1), 25.05, 121.55, 30);

    [Fact]
    public async Task Sends_with_a_wrong_or_expired_or_missing_SAS_are_unauthorised()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);

        using var wrongKey = await host.SendBatchAsync([AFix], host.SasToken(key: "not-the-key"));
        using var expired = await host.SendBatchAsync([AFix], host.SasToken(validFor: TimeSpan.FromMinutes(-1)));
        using var garbage = await host.SendBatchAsync([AFix], "SharedAccessSignature nonsense");
        using var good = await host.SendBatchAsync([AFix]);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
    }

    [Fact]
    public async Task An_event_over_64_KB_or_a_batch_over_1_MB_is_too_large()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);

        using var bigEvent = await host.SendBatchAsync([AFix.Replace("}", ",\"padding\":\"" + new string('x', 64 * 1024) + "\"}", StringComparison.Ordinal)]);
        using var bigBatch = await host.SendBatchAsync(Enumerable.Repeat(AFix.Replace("}", ",\"padding\":\"" + new string('x', 30_000) + "\"}", StringComparison.Ordinal), 40));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigEvent.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bigBatch.StatusCode);
    }

    [Fact]
    public async Task A_malformed_envelope_is_a_bad_request()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telemetry/messages")
        {
            Content = new StringContent("""[{"NotBody": 1}]""", Encoding.UTF8, "application/vnd.microsoft.servicebus.json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", host.SasToken());

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Full_partition_queues_answer_503_with_Retry_After_and_keep_nothing_of_the_refused_batch()
    {
        await using var host = await LocalHostRig.StartAsync(Stores, "--Fleet:LocalHost:Partitions=1", "--Fleet:LocalHost:PartitionQueueCapacity=2");

        using var response = await host.SendBatchAsync([AFix, AFix, AFix]);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_publisher_scoped_token_is_accepted_only_on_its_own_publisher_path()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);

        using var own = await SendAsPublisherAsync(host, "sim-001", host.SasToken(publisher: "sim-001"));
        using var other = await SendAsPublisherAsync(host, "sim-003", host.SasToken(publisher: "sim-001"));
        using var onHubPath = await host.SendBatchAsync([AFix], host.SasToken(publisher: "sim-001"));

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, onHubPath.StatusCode);
    }

    [Fact]
    public async Task A_publisher_over_its_request_rate_gets_429_with_Retry_After()
    {
        await using var host = await LocalHostRig.StartAsync(Stores, "--Fleet:LocalHost:PublisherRequestsPerSecond=1");
        var token = host.SasToken(publisher: "sim-001");

        var statuses = new List<HttpStatusCode>();
        var sending = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            using var response = await SendAsPublisherAsync(host, "sim-001", token);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        // A bucket of twice the rate: two pass at once, then one more per second at most, however slow this machine is.
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created], statuses.Take(2));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(status => status == HttpStatusCode.Created), 2, 2 + (int)Math.Ceiling(sending.Elapsed.TotalSeconds));
        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.Created, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task Another_spelling_of_the_publisher_path_shares_its_rate_and_a_blank_publisher_is_not_found()
    {
        await using var host = await LocalHostRig.StartAsync(Stores, "--Fleet:LocalHost:PublisherRequestsPerSecond=1");
        var token = host.SasToken(publisher: "sim-001");

        var statuses = new List<HttpStatusCode>();
        foreach (var spelling in new[] { "sim-001", "SIM-001", "Sim-001", "sIm-001" })
        {
            using var response = await SendAsPublisherAsync(host, spelling, token);
            statuses.Add(response.StatusCode);
        }

        using var blank = await SendAsPublisherAsync(host, "%20", host.SasToken());

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.NotFound, blank.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsPublisherAsync(LocalHostRig host, string publisher, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/telemetry/publishers/{publisher}/messages")
        {
            Content = new StringContent(AFix, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", token);
        return await host.Http.SendAsync(request);
    }
}

public sealed class IngestionTestsInMemory : IngestionTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class IngestionTestsOnServers : IngestionTests
{
    protected override HostStores Stores => HostStores.Servers;
}
