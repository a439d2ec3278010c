using System.Text;
using Fleet.Core.Devices;
using Fleet.Core.Ports;

namespace Fleet.Core.Tests.Devices;

/// <summary>The device gateway (DESIGN 3.5): what it forwards, keyed by which device, and what it tells the device.</summary>
public sealed class DeviceGatewayHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DeviceCaller Caller = new("c-1", "dev-1", "dc-1");

    private readonly RecordingIngress _ingress = new();
    private readonly DeviceGatewayHandler _gateway;

    public DeviceGatewayHandlerTests() => _gateway = new DeviceGatewayHandler(_ingress);

    [Fact]
    public async Task Valid_events_of_the_credentials_device_are_forwarded_as_sent_keyed_by_that_device()
    {
        var first = Event("dev-1", 0);
        var second = Event("dev-1", 5);

        var result = await _gateway.SubmitAsync(Caller, [first, second], None);

        Assert.Equal(200, result.Status);
        Assert.Equal(2, result.Value!.Accepted);
        Assert.Empty(result.Value.Refused);
        var call = Assert.Single(_ingress.Calls);
        Assert.Equal(["dev-1", "dev-1"], call.Select(forwarded => forwarded.DeviceId));
        Assert.Equal([Text(first), Text(second)], call.Select(forwarded => Text(forwarded.Body)));
    }

    [Fact]
    public async Task An_event_naming_another_device_is_refused_with_its_index_and_its_neighbours_go_on()
    {
        var foreign = Event("dev-2", 5);
        var camel = Encoding.UTF8.GetBytes("""{"deviceId":"dev-2","timestamp":"2026-11-21T10:30:10Z","latitude":1,"longitude":2}""");

        var result = await _gateway.SubmitAsync(Caller, [Event("dev-1", 0), foreign, Event("dev-1", 10), camel], None);

        Assert.Equal(200, result.Status);
        Assert.Equal(2, result.Value!.Accepted);
        Assert.Equal([(1, "publisher_mismatch"), (3, "publisher_mismatch")], result.Value.Refused.Select(refused => (refused.Index, refused.Reason)));
        Assert.Contains("'dev-2'", result.Value.Refused[0].Detail, StringComparison.Ordinal);
        Assert.Contains("'dev-1'", result.Value.Refused[0].Detail, StringComparison.Ordinal);
        var call = Assert.Single(_ingress.Calls);
        Assert.Equal(2, call.Count);
        Assert.All(call, forwarded => Assert.Equal("dev-1", forwarded.DeviceId));
        Assert.DoesNotContain(call, forwarded => Text(forwarded.Body).Contains("dev-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_events_are_refused_with_the_parsers_reason_codes()
    {
        var result = await _gateway.SubmitAsync(
            Caller,
            [Bytes("{\"device_id\":\"dev-1\""), Bytes("""{"device_id":"dev-1","timestamp":"2026-11-21T10:30:00Z","latitude":1,"longitude":2,"speed":3000}"""), Event("dev-1", 0)],
            None);

        Assert.Equal(200, result.Status);
        Assert.Equal(1, result.Value!.Accepted);
        Assert.Equal([(0, "malformed_json"), (1, "invalid_field")], result.Value.Refused.Select(refused => (refused.Index, refused.Reason)));
        Assert.Single(Assert.Single(_ingress.Calls));
    }

    [Fact]
    public async Task A_position_that_is_no_coordinate_is_refused_at_the_gateway_not_forwarded_to_be_dead_lettered()
    {
        var result = await _gateway.SubmitAsync(
            Caller, [Bytes("""{"device_id":"dev-1","timestamp":"2026-11-21T10:30:00Z","latitude":91,"longitude":2}"""), Event("dev-1", 0)], None);

        var refused = Assert.Single(result.Value!.Refused);
        Assert.Equal((0, "invalid_coordinates"), (refused.Index, refused.Reason));
        Assert.Equal(1, result.Value.Accepted);
    }

    [Fact]
    public async Task A_single_refused_event_is_a_400_naming_event_and_nothing_is_forwarded()
    {
        var result = await _gateway.SubmitAsync(Caller, [Event("dev-2", 0)], None);

        Assert.Equal(400, result.Status);
        Assert.Null(result.Value);
        var error = Assert.Single(result.Problem!.Errors!);
        Assert.Equal("event", error.Key);
        Assert.StartsWith("publisher_mismatch: ", error.Value, StringComparison.Ordinal);
        Assert.Empty(_ingress.Calls);
    }

    [Fact]
    public async Task When_every_event_is_refused_the_400_names_each_by_its_index_and_nothing_is_forwarded()
    {
        var result = await _gateway.SubmitAsync(
            Caller, [Event("dev-2", 0), Bytes("""{"device_id":"dev-1","latitude":1,"longitude":2}"""), Bytes("[]")], None);

        Assert.Equal(400, result.Status);
        var errors = result.Problem!.Errors!;
        Assert.Equal(["events[0]", "events[1]", "events[2]"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("publisher_mismatch: ", errors["events[0]"], StringComparison.Ordinal);
        Assert.StartsWith("missing_field: ", errors["events[1]"], StringComparison.Ordinal);
        Assert.StartsWith("not_an_object: ", errors["events[2]"], StringComparison.Ordinal);
        Assert.Empty(_ingress.Calls);
    }

    [Fact]
    public async Task When_the_stream_refuses_the_answer_is_a_503_with_its_retry_after_and_nothing_reported_accepted()
    {
        _ingress.RetryAfter = TimeSpan.FromSeconds(7);

        var result = await _gateway.SubmitAsync(Caller, [Event("dev-1", 0), Event("dev-2", 5)], None);

        Assert.Equal(503, result.Status);
        Assert.Null(result.Value);
        Assert.Equal(TimeSpan.FromSeconds(7), result.Problem!.RetryAfter);
        Assert.Single(Assert.Single(_ingress.Calls));
    }

    [Fact]
    public async Task An_empty_request_is_a_400_and_nothing_is_forwarded()
    {
        var result = await _gateway.SubmitAsync(Caller, [], None);

        Assert.Equal(400, result.Status);
        Assert.Null(result.Value);
        Assert.Empty(_ingress.Calls);
    }

    private static ReadOnlyMemory<byte> Event(string deviceId, int seconds) =>
        Bytes($$"""{"device_id":"{{deviceId}}","timestamp":"2026-11-21T10:30:{{seconds:00}}Z","latitude":25.033,"longitude":121.5654,"speed":42}""");

    private static ReadOnlyMemory<byte> Bytes(string json) => Encoding.UTF8.GetBytes(json);

    private static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    /// <summary>Keeps every call's events; answers with <see cref="RetryAfter"/> (null: all taken).</summary>
    private sealed class RecordingIngress : ITelemetryIngress
    {
        private readonly List<IReadOnlyList<DeviceEvent>> _calls = [];

        public TimeSpan? RetryAfter { get; set; }

        public IReadOnlyList<IReadOnlyList<DeviceEvent>> Calls => _calls;

        public Task<TimeSpan?> EnqueueAsync(IReadOnlyList<DeviceEvent> events, CancellationToken cancellationToken)
        {
            _calls.Add([.. events]);
            return Task.FromResult(RetryAfter);
        }
    }
}
