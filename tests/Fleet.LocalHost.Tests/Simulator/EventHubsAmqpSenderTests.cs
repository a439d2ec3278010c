using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class EventHubsAmqpSenderTests
{
    private const string ConnectionString =
        "Endpoint=sb://fleet-ehns.servicebus.windows.net/;SharedAccessKeyName=simulator-send;SharedAccessKey=c2VjcmV0LWtleQ==";

    private static readonly SimulatorOptions Amqp = new() { EventHubsNamespace = "fleet-ehns.servicebus.windows.net" };

    private static readonly List<TelemetryFix> Fixes = SimulatedTelemetry
        .Drive(new SimulatorOptions { Vehicles = 3 }, TimeSpan.FromMinutes(1))
        .SelectMany(vehicle => vehicle)
        .OrderBy(fix => fix.Timestamp)
        .ToList();

    [Fact]
    public async Task Each_device_goes_in_a_batch_of_its_own_keyed_by_its_id_with_the_rest_senders_json_as_bodies()
    {
        var producer = new RecordingProducer();
        var sender = new EventHubsAmqpSender(producer, Amqp, TextWriter.Null);

        await sender.SendAsync(Fixes, CancellationToken.None);

        Assert.Equal(Fixes.Select(fix => fix.DeviceId).Distinct(), producer.Sent.Select(batch => batch.PartitionKey));
        foreach (var batch in producer.Sent)
        {
            var own = Fixes.Where(fix => fix.DeviceId == batch.PartitionKey).ToList();
            Assert.Equal(own.Select(fix => Encoding.UTF8.GetString(TelemetryJson.Serialize(fix))), batch.Bodies);
        }

        // What the REST sender posts for the same fixes, body for body.
        var restBodies = EventHubsBatch.Encode(Fixes, SimulatorOptions.MaxBatchSize).SelectMany(RestBodies);
        Assert.Equal(restBodies.Order(StringComparer.Ordinal), producer.Sent.SelectMany(batch => batch.Bodies).Order(StringComparer.Ordinal));
        Assert.Equal((Fixes.Count, Fixes.Count, 0L, 0L), Counts(sender));
    }

    [Fact]
    public async Task A_device_whose_fixes_outgrow_a_batch_goes_in_several_in_order_each_keyed_by_the_device()
    {
        var fixSize = TelemetryJson.Serialize(Fixes[0]).Length;
        var producer = new RecordingProducer(maxBatchBytes: fixSize * 3);
        var sender = new EventHubsAmqpSender(producer, Amqp, TextWriter.Null);

        await sender.SendAsync(Fixes, CancellationToken.None);

        foreach (var device in Fixes.GroupBy(fix => fix.DeviceId))
        {
            var batches = producer.Sent.Where(batch => batch.PartitionKey == device.Key).ToList();
            Assert.True(batches.Count > 1, $"All {device.Count()} fixes of {device.Key} went in one batch.");
            Assert.All(batches, batch => Assert.InRange(Bytes(batch.Events), 1, fixSize * 3));
            Assert.All(batches, batch => Assert.All(batch.Telemetry, fix => Assert.Equal(device.Key, fix.GetProperty("device_id").GetString())));
            Assert.Equal(device.Select(fix => fix.Seq), batches.SelectMany(batch => batch.Telemetry).Select(fix => fix.GetProperty("seq").GetInt64()));

            // Each batch was filled: the event that opened the next one did not fit.
            foreach (var (full, next) in batches.Zip(batches.Skip(1)))
            {
                Assert.True(Bytes(full.Events) + Bytes([next.Events[0]]) > fixSize * 3, "A batch was sent before it was full.");
            }
        }

        Assert.Equal((Fixes.Count, Fixes.Count, 0L, 0L), Counts(sender));
    }

    [Fact]
    public async Task No_batch_holds_more_events_than_the_batch_size()
    {
        var producer = new RecordingProducer();
        var sender = new EventHubsAmqpSender(producer, Amqp with { BatchSize = 4 }, TextWriter.Null);

        await sender.SendAsync(Fixes, CancellationToken.None);

        Assert.All(producer.Sent, batch => Assert.InRange(batch.Events.Count, 1, 4));
        Assert.Contains(producer.Sent, batch => batch.Events.Count == 4);
        Assert.Equal(Fixes.Count, producer.Sent.Sum(batch => batch.Events.Count));
    }

    [Fact]
    public async Task A_fix_that_fits_no_empty_batch_is_an_error_naming_the_device()
    {
        var producer = new RecordingProducer(maxBatchBytes: 100);
        var sender = new EventHubsAmqpSender(producer, Amqp, TextWriter.Null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => sender.SendAsync(Fixes, CancellationToken.None));

        Assert.Contains($"device {Fixes[0].DeviceId}", error.Message, StringComparison.Ordinal);
        Assert.Contains("100 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(producer.Sent);
    }

    [Fact]
    public async Task A_refused_batch_is_counted_as_rejected_with_its_reason_printed_and_the_others_still_sent()
    {
        var producer = new RecordingProducer()
            .ThenFailSending(new EventHubsException(
                false, "telemetry", "The messaging entity could not be found.", EventHubsException.FailureReason.ResourceNotFound))
            .ThenFailSending(new UnauthorizedAccessException("Unauthorized access. 'Send' claim(s) are required to perform this operation."));
        using var output = new StringWriter();
        var sender = new EventHubsAmqpSender(producer, Amqp, output);

        await sender.SendAsync(Fixes, CancellationToken.None);

        var refused = Fixes.Count - producer.Sent.Sum(batch => batch.Events.Count);
        Assert.Single(producer.Sent);
        Assert.Equal((Fixes.Count, Fixes.Count - refused, refused, 0L), Counts(sender));
        var printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, printed.Length);
        Assert.StartsWith("rejected: ResourceNotFound: The messaging entity could not be found.", printed[0], StringComparison.Ordinal);
        Assert.StartsWith("rejected: Unauthorized access. 'Send' claim(s) are required", printed[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_identity_to_send_as_the_devices_fixes_are_rejected_not_thrown()
    {
        var producer = new RecordingProducer()
            .ThenFailCreatingBatch(new CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token."));
        using var output = new StringWriter();
        var sender = new EventHubsAmqpSender(producer, Amqp, output);
        var own = Fixes.Where(fix => fix.DeviceId == Fixes[0].DeviceId).ToList();

        await sender.SendAsync(own, CancellationToken.None);

        Assert.Empty(producer.Sent);
        Assert.Equal((own.Count, 0L, own.Count, 0L), Counts(sender));
        Assert.Equal("rejected: DefaultAzureCredential failed to retrieve a token.", output.ToString().Trim());
    }

    [Fact]
    public async Task An_unreachable_namespace_is_no_answer_for_that_device_and_the_next_device_is_tried()
    {
        var producer = new RecordingProducer().ThenFailCreatingBatch(new SocketException((int)SocketError.HostNotFound));
        using var output = new StringWriter();
        var sender = new EventHubsAmqpSender(producer, Amqp, output);

        await sender.SendAsync(Fixes, CancellationToken.None);

        var first = Fixes.Count(fix => fix.DeviceId == Fixes[0].DeviceId);
        Assert.DoesNotContain(producer.Sent, batch => batch.PartitionKey == Fixes[0].DeviceId);
        Assert.Equal(2, producer.Sent.Count);
        Assert.Equal((Fixes.Count, Fixes.Count - first, first, 0L), Counts(sender));
        Assert.StartsWith("rejected: no answer from fleet-ehns.servicebus.windows.net: ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_refused_batch_the_rest_of_that_devices_fixes_are_rejected_with_it_not_sent_out_of_turn()
    {
        var producer = new RecordingProducer().ThenFailSending(
            new EventHubsException(true, "telemetry", "The service was unable to process the request.", EventHubsException.FailureReason.ServiceBusy));
        var sender = new EventHubsAmqpSender(producer, Amqp with { BatchSize = 2 }, TextWriter.Null);

        await sender.SendAsync(Fixes, CancellationToken.None);

        var first = Fixes.Count(fix => fix.DeviceId == Fixes[0].DeviceId);
        Assert.True(first > 2, "The first device needs more than one batch for this test.");
        Assert.DoesNotContain(producer.Sent, batch => batch.PartitionKey == Fixes[0].DeviceId);
        Assert.Equal((Fixes.Count, Fixes.Count - first, first, 0L), Counts(sender));
    }

    [Fact]
    public async Task Cancelling_a_send_ends_it_rather_than_counting_a_rejection()
    {
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();
        var producer = new RecordingProducer().ThenFailSending(new OperationCanceledException(stop.Token));
        var sender = new EventHubsAmqpSender(producer, Amqp, TextWriter.Null);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender.SendAsync(Fixes, stop.Token));

        Assert.Equal(0, sender.Counters.Rejected);
    }

    [Fact]
    public async Task Disposing_the_sender_disposes_the_producer()
    {
        var producer = new RecordingProducer();

        await new EventHubsAmqpSender(producer, Amqp, TextWriter.Null).DisposeAsync();

        Assert.True(producer.Disposed);
    }

    [Fact]
    public async Task The_producer_reaches_the_namespace_and_hub_the_options_name()
    {
        await using var byIdentity = EventHubsAmqpSender.CreateProducer(Amqp with { EventHub = "positions" });
        await using var byKey = EventHubsAmqpSender.CreateProducer(new SimulatorOptions { EventHubsConnectionString = ConnectionString });
        await using var byKeyForItsHub = EventHubsAmqpSender.CreateProducer(
            new SimulatorOptions { EventHubsConnectionString = ConnectionString + ";EntityPath=positions", EventHub = "positions" });

        Assert.Equal(("fleet-ehns.servicebus.windows.net", "positions"), (byIdentity.FullyQualifiedNamespace, byIdentity.EventHubName));
        Assert.Equal(("fleet-ehns.servicebus.windows.net", "telemetry"), (byKey.FullyQualifiedNamespace, byKey.EventHubName));
        Assert.Equal("positions", byKeyForItsHub.EventHubName);
    }

    [Fact]
    public void The_destination_names_the_hub_namespace_and_identity_but_never_the_key()
    {
        var byIdentity = new EventHubsAmqpSender(new RecordingProducer(), Amqp, TextWriter.Null);
        var byKey = new EventHubsAmqpSender(
            new RecordingProducer(), new SimulatorOptions { EventHubsConnectionString = ConnectionString }, TextWriter.Null);

        Assert.Equal(
            "telemetry on fleet-ehns.servicebus.windows.net over AMQP as the Entra identity DefaultAzureCredential finds",
            byIdentity.Destination);
        Assert.Equal("telemetry on fleet-ehns.servicebus.windows.net over AMQP as simulator-send", byKey.Destination);
    }

    private static int Bytes(IEnumerable<EventData> events) => events.Sum(e => e.EventBody.ToMemory().Length);

    private static IEnumerable<string> RestBodies(EncodedBatch batch)
    {
        using var json = JsonDocument.Parse(batch.Body);
        return [.. json.RootElement.EnumerateArray().Select(item => item.GetProperty("Body").GetString()!)];
    }

    private static (long Sent, long Accepted, long Rejected, long Throttled) Counts(EventHubsAmqpSender sender) =>
        (sender.Counters.Sent, sender.Counters.Accepted, sender.Counters.Rejected, sender.Counters.ThrottledResponses);
}
