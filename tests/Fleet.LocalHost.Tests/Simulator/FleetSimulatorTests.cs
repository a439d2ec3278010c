using Fleet.Simulator;

namespace Fleet.LocalHost.Tests.Simulator;

public sealed class FleetSimulatorTests
{
    [Fact]
    public async Task A_speeded_up_run_sends_every_fleet_fix_in_order_stamped_up_to_now_and_sums_up()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        using var output = new StringWriter();
        var options = new SimulatorOptions
        {
            Endpoint = hub.Endpoint, Vehicles = 3, Duration = TimeSpan.FromSeconds(1.5), Speedup = 40, BatchSize = 10, Seed = 3,
        };

        var summary = await new FleetSimulator(options, http, TimeProvider.System, output).RunAsync(CancellationToken.None);
        var finishedAt = DateTimeOffset.UtcNow;

        var events = hub.Requests.SelectMany(request => request.Events()).Select(e => e.Event).ToList();
        Assert.All(hub.Requests, request =>
        {
            Assert.Equal("/telemetry/messages", request.Path);
            Assert.True(request.Sas.Succeeded, request.Sas.Reason);
            Assert.InRange(request.Events().Count, 1, 10);
        });

        // 60 simulated seconds of 3 devices reporting every 4 to 6 s.
        Assert.InRange(events.Count, 3 * 9, 3 * 16);
        Assert.Equal((events.Count, events.Count, 0L, 0L), (summary.Sent, summary.Accepted, summary.Rejected, summary.ThrottledResponses));
        Assert.Equal(["sim-001", "sim-002", "sim-003"], events.Select(e => e.GetProperty("device_id").GetString()).Distinct().Order());
        foreach (var device in events.GroupBy(e => e.GetProperty("device_id").GetString()))
        {
            Assert.Equal(Enumerable.Range(1, device.Count()).Select(seq => (long)seq), device.Select(e => e.GetProperty("seq").GetInt64()));
            var times = device.Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToList();
            Assert.Equal(times.Order(), times);
            Assert.True(times[^1] <= finishedAt, "A fix is stamped in the future.");
            Assert.True(finishedAt - times[0] > TimeSpan.FromSeconds(50), "The run did not start in the past.");
        }

        var text = output.ToString();
        Assert.Contains("Simulating 3 vehicles (sim-001..sim-003)", text, StringComparison.Ordinal);
        Assert.Contains("seed 3", text, StringComparison.Ordinal);
        Assert.Contains($"Done: sent {events.Count}, accepted {events.Count}, rejected 0, throttled 0", text, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeEventHub.Key, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amqp_run_keys_each_batch_by_its_device_keeps_each_devices_order_sums_up_alike_and_closes_the_producer()
    {
        var producer = new RecordingProducer();
        using var output = new StringWriter();
        var options = new SimulatorOptions
        {
            EventHubsNamespace = "fleet-ehns.servicebus.windows.net", Vehicles = 3, Duration = TimeSpan.FromSeconds(1.5), Speedup = 40,
            BatchSize = 10, Seed = 3,
        };

        var summary = await new FleetSimulator(options, text => new EventHubsAmqpSender(producer, options, text), TimeProvider.System, output)
            .RunAsync(CancellationToken.None);

        var events = producer.Sent.SelectMany(batch => batch.Telemetry).ToList();
        Assert.All(producer.Sent, batch =>
        {
            Assert.InRange(batch.Events.Count, 1, 10);
            Assert.All(batch.Telemetry, e => Assert.Equal(batch.PartitionKey, e.GetProperty("device_id").GetString()));
        });
        Assert.Equal(["sim-001", "sim-002", "sim-003"], producer.Sent.Select(batch => batch.PartitionKey).Distinct().Order());
        foreach (var device in events.GroupBy(e => e.GetProperty("device_id").GetString()))
        {
            Assert.Equal(Enumerable.Range(1, device.Count()).Select(seq => (long)seq), device.Select(e => e.GetProperty("seq").GetInt64()));
        }

        Assert.Equal((events.Count, events.Count, 0L, 0L), (summary.Sent, summary.Accepted, summary.Rejected, summary.ThrottledResponses));
        Assert.True(producer.Disposed, "The run did not close its producer.");
        var text = output.ToString();
        Assert.Contains(
            "to telemetry on fleet-ehns.servicebus.windows.net over AMQP as the Entra identity DefaultAzureCredential finds.",
            text,
            StringComparison.Ordinal);
        Assert.Contains($"Done: sent {events.Count}, accepted {events.Count}, rejected 0, throttled 0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Per_device_publisher_mode_sends_each_device_to_its_own_publisher_with_a_token_for_it()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        var options = new SimulatorOptions
        {
            Endpoint = hub.Endpoint, Vehicles = 2, DevicePrefix = "van-", Duration = TimeSpan.FromSeconds(1), Speedup = 30,
            PerDevicePublisher = true,
        };

        var summary = await new FleetSimulator(options, http, TimeProvider.System, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.NotEmpty(hub.Requests);
        Assert.All(hub.Requests, request =>
        {
            Assert.True(request.Sas.Succeeded, request.Sas.Reason);
            Assert.Equal($"/telemetry/publishers/{request.Sas.Publisher}/messages", request.Path);
            Assert.All(request.Events(), e => Assert.Equal(request.Sas.Publisher, e.Event.GetProperty("device_id").GetString()));
        });
        Assert.Equal(["van-001", "van-002"], hub.Requests.Select(request => request.Sas.Publisher).Distinct().Order());
        Assert.Equal(hub.Requests.Sum(request => request.Events().Count), summary.Accepted);
    }

    [Fact]
    public async Task Cancelling_a_run_without_a_duration_ends_it_with_a_summary()
    {
        await using var hub = await FakeEventHub.StartAsync();
        using var http = new HttpClient();
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        var options = new SimulatorOptions { Endpoint = hub.Endpoint, Vehicles = 20, ReportInterval = TimeSpan.FromSeconds(0.5) };

        var summary = await new FleetSimulator(options, http, TimeProvider.System, output).RunAsync(stop.Token);

        Assert.InRange(summary.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(10));
        Assert.True(summary.Accepted > 20, $"Only {summary.Accepted} events were accepted.");
        Assert.True(summary.EventsPerSecond > 0);
        Assert.Contains("Done: sent", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejections_are_counted_in_the_summary()
    {
        await using var hub = await FakeEventHub.StartAsync(key: "another-key");
        using var http = new HttpClient();
        var options = new SimulatorOptions { Endpoint = hub.Endpoint, Vehicles = 2, Duration = TimeSpan.FromSeconds(1), Speedup = 20 };

        var summary = await new FleetSimulator(options, http, TimeProvider.System, TextWriter.Null).RunAsync(CancellationToken.None);

        Assert.True(summary.Sent > 0);
        Assert.Equal((summary.Sent, 0L), (summary.Rejected, summary.Accepted));
    }

    [Fact]
    public void Options_with_a_problem_are_refused_with_the_option_named()
    {
        using var http = new HttpClient();

        var refused = Assert.Throws<ArgumentException>(
            () => new FleetSimulator(new SimulatorOptions { Vehicles = 0 }, http, TimeProvider.System, TextWriter.Null));

        Assert.Contains("--vehicles", refused.Message, StringComparison.Ordinal);
    }
}
