using System.Net;
using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Tables;

public sealed class TableRetryTests
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(20);
    private readonly RecordingTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task A_transient_status_is_retried_after_a_jittered_backoff(HttpStatusCode status)
    {
        var handler = new FakeTableHandler().Then(status).Then(HttpStatusCode.NoContent);
        using var http = new HttpClient(handler);

        Assert.True(await Table(http).DeleteEntityAsync("p", "r"));

        Assert.Equal(2, handler.Sent.Count);
        var wait = Assert.Single(_clock.Waits);
        Assert.InRange(wait, RetryDelay * 0.8, RetryDelay * 1.2);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "InvalidInput")]
    [InlineData(HttpStatusCode.Forbidden, "AuthorizationFailure")]
    [InlineData(HttpStatusCode.Conflict, "TableBeingDeleted")]
    [InlineData(HttpStatusCode.NotImplemented, "NotImplemented")]
    public async Task Other_failures_are_not_retried_and_carry_status_code_and_message(HttpStatusCode status, string code)
    {
        var handler = new FakeTableHandler().Then(status, FakeTableHandler.ErrorBody(code, "What went wrong.\nRequestId:42"));
        using var http = new HttpClient(handler);

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => Table(http).UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }));

        Assert.Single(handler.Sent);
        Assert.Empty(_clock.Waits);
        Assert.Equal((int)status, failure.Status);
        Assert.Equal(code, failure.ErrorCode);
        Assert.Contains("What went wrong. RequestId:42", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Upsert on table 'alerts'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_after_is_honoured_up_to_the_maximum_delay()
    {
        var handler = new FakeTableHandler()
            .Then(_ => Throttled(TimeSpan.FromSeconds(7)))
            .Then(_ => Throttled(TimeSpan.FromHours(1)))
            .Then(HttpStatusCode.NoContent);
        using var http = new HttpClient(handler);

        await Table(http).DeleteEntityAsync("p", "r");

        Assert.Equal([TimeSpan.FromSeconds(7), MaxRetryDelay], _clock.Waits);
    }

    [Fact]
    public async Task Attempts_are_bounded_with_growing_waits_and_the_last_failure_carries_status_and_code()
    {
        const int MaxRetries = 3;
        var handler = new FakeTableHandler
        {
            Otherwise = _ => FakeTableHandler.Response(
                HttpStatusCode.ServiceUnavailable, FakeTableHandler.ErrorBody("ServerBusy", "The server is busy."), "ServerBusy"),
        };
        using var http = new HttpClient(handler);

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => Table(http, MaxRetries).GetEntityIfExistsAsync("p", "r"));

        Assert.Equal(MaxRetries + 1, handler.Sent.Count);
        Assert.Equal(503, failure.Status);
        Assert.Equal("ServerBusy", failure.ErrorCode);
        Assert.Equal(MaxRetries, _clock.Waits.Count);
        for (var retry = 0; retry < MaxRetries; retry++)
        {
            var exponential = RetryDelay * Math.Pow(2, retry);
            Assert.InRange(_clock.Waits[retry], exponential * 0.8, exponential * 1.2);
        }
    }

    [Fact]
    public async Task A_request_that_got_no_response_is_retried()
    {
        var handler = new FakeTableHandler()
            .ThenThrow(new HttpRequestException("Connection refused"))
            .Then(HttpStatusCode.OK, """{"PartitionKey":"p","RowKey":"r","A":"a"}""");
        using var http = new HttpClient(handler);

        var entity = await Table(http).GetEntityIfExistsAsync("p", "r");

        Assert.Equal("a", entity!.GetString("A"));
        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried()
    {
        var handler = new FakeTableHandler().ThenHang().Then(HttpStatusCode.NoContent);
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromMilliseconds(100) };

        Assert.True(await Table(http).DeleteEntityAsync("p", "r"));

        Assert.Equal(2, handler.Sent.Count);
    }

    [Fact]
    public async Task When_no_attempt_gets_a_response_the_failure_has_status_zero_and_the_cause()
    {
        var handler = new FakeTableHandler { Otherwise = _ => throw new HttpRequestException("Connection refused") };
        using var http = new HttpClient(handler);

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(() => Table(http, maxRetries: 2).DeleteEntityAsync("p", "r"));

        Assert.Equal(3, handler.Sent.Count);
        Assert.Equal(0, failure.Status);
        Assert.IsType<HttpRequestException>(failure.InnerException);
        Assert.Contains("3 attempts", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_insert_retried_into_a_conflict_is_reported_as_already_existing()
    {
        var handler = new FakeTableHandler()
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.Conflict, FakeTableHandler.ErrorBody(TableErrorCode.EntityAlreadyExists, "It already exists."));
        using var http = new HttpClient(handler);

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => Table(http).AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }));

        Assert.Equal([HttpMethod.Post, HttpMethod.Post], handler.Sent.Select(sent => sent.Method));
        Assert.Equal(409, failure.Status);
        Assert.Equal(TableErrorCode.EntityAlreadyExists, failure.ErrorCode);
        Assert.Contains("earlier attempt", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_retries()
    {
        using var cancellation = new CancellationTokenSource();
        var handler = new FakeTableHandler().Then(_ =>
        {
            cancellation.Cancel();
            return FakeTableHandler.Response(HttpStatusCode.ServiceUnavailable);
        });
        using var http = new HttpClient(handler);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Table(http).DeleteEntityAsync("p", "r", cancellationToken: cancellation.Token));

        Assert.Single(handler.Sent);
    }

    [Fact]
    public async Task An_error_code_comes_from_the_header_when_the_body_is_not_json()
    {
        var handler = new FakeTableHandler().Then(HttpStatusCode.BadRequest, "<html>Bad gateway config</html>", "OutOfRangeInput");
        using var http = new HttpClient(handler);

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(() => Table(http).DeleteEntityAsync("p", "r"));

        Assert.Equal(400, failure.Status);
        Assert.Equal("OutOfRangeInput", failure.ErrorCode);
    }

    [Theory]
    [InlineData(
        """{"odata.error":{"code":"EntityNotFound","message":{"lang":"en-US","value":"Gone.\nRequestId:1"}}}""",
        "EntityNotFound",
        "Gone. RequestId:1")]
    [InlineData("""{"odata.error":{"code":"InvalidInput","message":"Flat message."}}""", "InvalidInput", "Flat message.")]
    [InlineData("""{"value":[]}""", null, null)]
    [InlineData("""<?xml version="1.0"?><error/>""", null, null)]
    [InlineData("", null, null)]
    public void Error_bodies_give_their_code_and_message(string body, string? code, string? message)
    {
        Assert.Equal((code, message), TableResponse.ParseError(System.Text.Encoding.UTF8.GetBytes(body)));
    }

    private TableClient Table(HttpClient http, int maxRetries = 4) =>
        new(
            new Uri("https://fleet.table.core.windows.net"),
            "alerts",
            new TableSharedKeyCredential("fleet", Convert.ToBase64String("key"u8)),
            http,
            new TableClientOptions { MaxRetries = maxRetries, RetryDelay = RetryDelay, MaxRetryDelay = MaxRetryDelay, TimeProvider = _clock });

    private static HttpResponseMessage Throttled(TimeSpan retryAfter)
    {
        var response = FakeTableHandler.Response(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
        return response;
    }
}
