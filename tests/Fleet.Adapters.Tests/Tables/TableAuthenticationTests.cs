using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Tables;

public sealed class TableAuthenticationTests
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string NoonRfc1123 = "Sat, 21 Nov 2026 12:00:00 GMT";
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri CloudEndpoint = new("https://fleet.table.core.windows.net");

    [Fact]
    public async Task SharedKeyLite_against_azurite_signs_the_date_and_the_account_twice_then_the_escaped_path()
    {
        var handler = new FakeTableHandler().Then(HttpStatusCode.NotFound, errorCode: TableErrorCode.ResourceNotFound);
        using var http = new HttpClient(handler);
        var options = new TableClientOptions { TimeProvider = new RecordingTimeProvider(Noon) };
        var table = new TableServiceClient("UseDevelopmentStorage=true", http, options).GetTableClient("fleet1");

        Assert.Null(await table.GetEntityIfExistsAsync("p", "it's"));

        var sent = Assert.Single(handler.Sent);
        const string Path = "/devstoreaccount1/fleet1(PartitionKey='p',RowKey='it%27%27s')";
        Assert.Equal(Path, sent.Uri.AbsolutePath);
        Assert.Equal(NoonRfc1123, sent.Headers["x-ms-date"]);
        Assert.False(sent.Headers.ContainsKey("Date"));
        Assert.Equal(
            "SharedKeyLite devstoreaccount1:" + Signature(AzuriteKey, NoonRfc1123 + "\n/devstoreaccount1" + Path),
            sent.Headers["Authorization"]);
        Assert.Equal("2019-02-02", sent.Headers["x-ms-version"]);
        Assert.Equal("3.0", sent.Headers["DataServiceVersion"]);
        Assert.Contains("odata=minimalmetadata", sent.Headers["Accept"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedKeyLite_against_the_cloud_signs_the_account_once_and_leaves_the_query_out()
    {
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a key of any length works"));
        var handler = new FakeTableHandler().Then(HttpStatusCode.OK, """{"value":[]}""");
        using var http = new HttpClient(handler);
        var options = new TableClientOptions { TimeProvider = new RecordingTimeProvider(Noon) };
        var table = new TableClient(CloudEndpoint, "alerts", new TableSharedKeyCredential("fleet", key), http, options);

        await foreach (var entity in table.QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {"c 1"}"), maxPerPage: 5))
        {
            Assert.Fail($"No entity was scripted, got {entity.RowKey}.");
        }

        var sent = Assert.Single(handler.Sent);
        Assert.Equal("?$filter=PartitionKey%20eq%20%27c%201%27&$top=5", sent.Uri.Query);
        Assert.Equal("SharedKeyLite fleet:" + Signature(key, NoonRfc1123 + "\n/fleet/alerts()"), sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_bearer_token_for_storage_is_fetched_once_and_reused_until_shortly_before_it_expires()
    {
        var clock = new RecordingTimeProvider(Noon);
        var credential = new FakeTokenCredential(clock, TimeSpan.FromHours(1));
        var handler = new FakeTableHandler { Otherwise = _ => NotFound() };
        using var http = new HttpClient(handler);
        var table = new TableClient(CloudEndpoint, "alerts", credential, http, new TableClientOptions { TimeProvider = clock });

        await table.GetEntityIfExistsAsync("p", "r1");
        clock.Advance(TimeSpan.FromMinutes(50));
        await table.GetEntityIfExistsAsync("p", "r2");
        clock.Advance(TimeSpan.FromMinutes(6));
        await table.GetEntityIfExistsAsync("p", "r3");

        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], handler.Sent.Select(sent => sent.Headers["Authorization"]));
        Assert.All(handler.Sent, sent => Assert.True(sent.Headers.ContainsKey("x-ms-date")));
        Assert.Equal(2, credential.Issued);
        Assert.All(credential.Scopes, scopes => Assert.Equal(["https://storage.azure.com/.default"], scopes));
    }

    [Fact]
    public async Task Concurrent_requests_share_one_token_fetch()
    {
        const int Requests = 8;
        var clock = new RecordingTimeProvider(Noon);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var credential = new FakeTokenCredential(clock, TimeSpan.FromHours(1)) { Gate = release.Task };
        var handler = new FakeTableHandler { Otherwise = _ => NotFound() };
        using var http = new HttpClient(handler);
        var table = new TableClient(CloudEndpoint, "alerts", credential, http, new TableClientOptions { TimeProvider = clock });

        var gets = Enumerable.Range(0, Requests).Select(index => table.GetEntityIfExistsAsync("p", $"r{index}")).ToList();
        release.SetResult();
        await Task.WhenAll(gets);

        Assert.Equal(1, credential.Issued);
        Assert.Equal(Requests, handler.Sent.Count(sent => sent.Headers["Authorization"] == "Bearer token-1"));
    }

    [Fact]
    public void A_bearer_token_is_never_sent_over_plain_http()
    {
        using var http = new HttpClient(new FakeTableHandler());
        var credential = new FakeTokenCredential(TimeProvider.System, TimeSpan.FromHours(1));

        var failure = Assert.Throws<ArgumentException>(
            () => new TableServiceClient(new Uri("http://127.0.0.1:10002/devstoreaccount1"), credential, http));

        Assert.Contains("https", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_never_carry_the_account_key_or_the_token()
    {
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("the account key"));
        var clock = new RecordingTimeProvider(Noon);
        var handler = new FakeTableHandler
        {
            Otherwise = request => FakeTableHandler.Response(
                HttpStatusCode.Forbidden,
                FakeTableHandler.ErrorBody("AuthenticationFailed", "Server failed to authenticate the request."),
                "AuthenticationFailed"),
        };
        using var http = new HttpClient(handler);
        var withKey = new TableClient(CloudEndpoint, "alerts", new TableSharedKeyCredential("fleet", key), http);
        var withToken = new TableClient(CloudEndpoint, "alerts", new FakeTokenCredential(clock, TimeSpan.FromHours(1)), http);

        var keyFailure = await Assert.ThrowsAsync<TableRequestFailedException>(() => withKey.DeleteEntityAsync("p", "r"));
        var tokenFailure = await Assert.ThrowsAsync<TableRequestFailedException>(() => withToken.DeleteEntityAsync("p", "r"));

        foreach (var failure in new[] { keyFailure, tokenFailure })
        {
            Assert.Equal(403, failure.Status);
            Assert.Equal("AuthenticationFailed", failure.ErrorCode);
            var everything = failure.ToString();
            Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
            Assert.DoesNotContain("the account key", everything, StringComparison.Ordinal);
            Assert.DoesNotContain("token-1", everything, StringComparison.Ordinal);
            Assert.DoesNotContain(handler.Sent[0].Headers["Authorization"], everything, StringComparison.Ordinal);
        }
    }

    private static HttpResponseMessage NotFound() =>
        FakeTableHandler.Response(HttpStatusCode.NotFound, errorCode: TableErrorCode.ResourceNotFound);

    private static string Signature(string base64Key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(base64Key), Encoding.UTF8.GetBytes(stringToSign)));
}
