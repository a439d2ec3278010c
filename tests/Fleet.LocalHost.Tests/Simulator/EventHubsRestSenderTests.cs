using Fleet.Adapters.EventHubs;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class EventHubsRestSenderTests
{
    private static readonly List<TelemetryFix> Fixes = SimulatedTelemetry
        .Drive(new SimulatorOptions { Vehicles = 3 }, TimeSpan.FromSeconds(20))
        .SelectMany(vehicle => vehicle)
        .OrderBy(fix => fix.Timestamp)
        .ToList();

    [Fact]
    public async Task A_batch_is_posted_to_the_hub_with_the_batch_content_type_and_a_token_for_the_hub_uri()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        var sender = Sender(hub, http, new InstantDelays());

        await sender.SendAsync(Fixes, CancellationToken.None);

        var request = Assert.Single(hub.Requests);
        Assert.Equal("/telemetry/messages", request.Path);
        Assert.Equal("application/vnd.microsoft.servicebus.json", request.ContentType);
        Assert.True(request.Sas.Succeeded, request.Sas.Reason);
        Assert.Null(request.Sas.Publisher);
        Assert.StartsWith("SharedAccessSignature sr=", request.Authorization, StringComparison.Ordinal);
        var hubUri = hub.Endpoint.AbsoluteUri + "telemetry";
        Assert.Contains($"sr={Uri.EscapeDataString(hubUri)}&", request.Authorization, StringComparison.Ordinal);
        Assert.Contains("&skn=RootManageSharedAccessKey", request.Authorization, StringComparison.Ordinal);
        Assert.Equal(
            Fixes.Select(fix => (fix.DeviceId, fix.Seq)),
            request.Events().Select(e => (e.Event.GetProperty("device_id").GetString()!, e.Event.GetProperty("seq").GetInt64())));
        Assert.All(request.Events(), e => Assert.Equal(e.Event.GetProperty("device_id").GetString(), e.PartitionKey));
        Assert.Equal((Fixes.Count, Fixes.Count, 0L, 0L), Counts(sender));
        Assert.Equal($"{hub.Endpoint.AbsoluteUri}telemetry/messages as RootManageSharedAccessKey", sender.Destination);
    }

    [Fact]
    public async Task Per_device_publisher_mode_sends_each_device_to_its_publisher_path_with_a_token_scoped_to_it()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        var options = new SimulatorOptions { Endpoint = hub.Endpoint, PerDevicePublisher = true };
        var sender = new EventHubsRestSender(http, options, new InstantDelays(), TextWriter.Null);

        await sender.SendAsync(Fixes, CancellationToken.None);

        Assert.Equal(Fixes.Select(fix => fix.DeviceId).Distinct(), hub.Requests.Select(request => request.Sas.Publisher));
        Assert.Equal(3, hub.Requests.Count);
        Assert.All(hub.Requests, request =>
        {
            Assert.Equal($"/telemetry/publishers/{request.Sas.Publisher}/messages", request.Path);
            Assert.True(request.Sas.Succeeded, request.Sas.Reason);
            Assert.Equal(
                Fixes.Where(fix => fix.DeviceId == request.Sas.Publisher).Select(fix => fix.Seq),
                request.Events().Select(e => e.Event.GetProperty("seq").GetInt64()));
        });
        Assert.Equal($"{hub.Endpoint.AbsoluteUri}telemetry/publishers/{{device}}/messages as RootManageSharedAccessKey", sender.Destination);
    }

    [Fact]
    public async Task A_503_with_retry_after_is_waited_out_and_the_same_batch_sent_again()
    {
        await using var hub = await FakeEventHub.StartAsync();
        hub.ThenAnswer(503, retryAfter: "7");
        using var http = new HttpClient();
        var delays = new InstantDelays();
        var sender = Sender(hub, http, delays);

        await sender.SendAsync(Fixes, CancellationToken.None);

        Assert.Equal(2, hub.Requests.Count);
        Assert.Equal(hub.Requests[0].Body, hub.Requests[1].Body);
        Assert.Equal([TimeSpan.FromSeconds(7)], delays.Waits);
        Assert.Equal((Fixes.Count, Fixes.Count, 0L, 1L), Counts(sender));
    }

    [Fact]
    public async Task A_429_with_a_retry_date_or_none_is_waited_out_too()
    {
        await using var hub = await FakeEventHub.StartAsync();
        var delays = new InstantDelays();
        hub.ThenAnswer(429, retryAfter: (delays.GetUtcNow() + TimeSpan.FromSeconds(30)).ToString("R")).ThenAnswer(429);
        using var http = new HttpClient();
        var sender = Sender(hub, http, delays);

        await sender.SendAsync(Fixes, CancellationToken.None);

        Assert.Equal(3, hub.Requests.Count);
        Assert.InRange(delays.Waits[0], TimeSpan.FromSeconds(27), TimeSpan.FromSeconds(30));
        Assert.True(delays.Waits[1] > TimeSpan.Zero);
        Assert.Equal((Fixes.Count, Fixes.Count, 0L, 2L), Counts(sender));
    }

    [Fact]
    public async Task A_401_is_counted_as_rejected_not_retried_and_its_problem_printed_without_the_token()
    {
        await using var hub = await FakeEventHub.StartAsync(key: "another-key");
        using var http = new HttpClient();
        using var output = new StringWriter();
        var sender = Sender(hub, http, new InstantDelays(), output);

        await sender.SendAsync(Fixes, CancellationToken.None);

        var request = Assert.Single(hub.Requests);
        Assert.Equal(SasFailure.BadSignature, request.Sas.Failure);
        Assert.Equal((Fixes.Count, 0L, Fixes.Count, 0L), Counts(sender));
        Assert.Contains(
            "rejected: 401 Unauthorized: Unauthorized: The token's signature does not match.", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_refusals_are_rejected_with_their_status_and_only_the_first_few_printed()
    {
        await using var hub = await FakeEventHub.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            hub.ThenAnswer(i % 2 == 0 ? 413 : 400, problemDetail: $"refusal {i}");
        }

        using var http = new HttpClient();
        using var output = new StringWriter();
        var sender = Sender(hub, http, new InstantDelays(), output);

        foreach (var fix in Fixes.Take(8))
        {
            await sender.SendAsync([fix], CancellationToken.None);
        }

        Assert.Equal((8L, 1L, 7L, 0L), Counts(sender));
        var printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, printed.Length);
        Assert.StartsWith("rejected: 413 Payload Too Large: ", printed[0], StringComparison.Ordinal);
        Assert.EndsWith("refusal 0", printed[0].TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("rejected: 400 Bad Request: ", printed[1], StringComparison.Ordinal);
        Assert.Contains("not printed", printed[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_is_reused_until_shortly_before_it_expires_then_renewed()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        var clock = new InstantDelays();
        var sender = Sender(hub, http, clock);

        await sender.SendAsync(Fixes.Take(1).ToList(), CancellationToken.None);
        clock.MoveForward(EventHubsRestSender.TokenLifetime - EventHubsRestSender.TokenRenewalMargin - TimeSpan.FromSeconds(1));
        await sender.SendAsync(Fixes.Take(1).ToList(), CancellationToken.None);
        clock.MoveForward(TimeSpan.FromSeconds(2));
        await sender.SendAsync(Fixes.Take(1).ToList(), CancellationToken.None);

        var tokens = hub.Requests.Select(request => request.Authorization).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
        Assert.All(hub.Requests, request => Assert.True(request.Sas.Succeeded, request.Sas.Reason));
    }

    [Fact]
    public async Task A_batch_over_the_batch_size_goes_in_several_requests()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        var options = new SimulatorOptions { Endpoint = hub.Endpoint, BatchSize = 4 };
        var sender = new EventHubsRestSender(http, options, new InstantDelays(), TextWriter.Null);

        await sender.SendAsync(Fixes, CancellationToken.None);

        Assert.Equal((Fixes.Count + 3) / 4, hub.Requests.Count);
        Assert.All(hub.Requests, request => Assert.InRange(request.Events().Count, 1, 4));
        Assert.Equal(Fixes.Count, sender.Counters.Accepted);
    }

    private static EventHubsRestSender Sender(FakeEventHub hub, HttpClient http, TimeProvider time, TextWriter? output = null) =>
        new(http, new SimulatorOptions { Endpoint = hub.Endpoint }, time, output ?? TextWriter.Null);

    private static (long Sent, long Accepted, long Rejected, long Throttled) Counts(EventHubsRestSender sender) =>
        (sender.Counters.Sent, sender.Counters.Accepted, sender.Counters.Rejected, sender.Counters.ThrottledResponses);
}
