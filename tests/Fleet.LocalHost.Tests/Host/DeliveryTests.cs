using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Fleet.Core.Ports;
using Fleet.Core.Telemetry;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>From a device's POST to a dispatcher's WebSocket, through the real ingestion, handler and hub.</summary>
public abstract class DeliveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected abstract HostStores Stores { get; }

    [Fact]
    public async Task A_device_post_reaches_its_company_dispatcher_and_no_one_else()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);
        await using var acme = await host.ConnectAsync("u-acme", "c-acme");
        await using var globex = await host.ConnectAsync("u-globex", "c-globex");

        // sim-001 drives v-001 of Acme (odd vehicle numbers are Acme's in the demo fleet).
        using var response = await host.SendBatchAsync([LocalHostRig.Fix("sim-001", DateTimeOffset.UtcNow.AddSeconds(-1), 25.05, 121.55, 30)]);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var update = await acme.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal("c-acme", update.Argument.GetProperty("company_id").GetString());
        var position = Assert.Single(update.Argument.GetProperty("data").EnumerateArray());
        Assert.Equal("v-001", position.GetProperty("vehicle_id").GetString());
        Assert.Equal(25.05, position.GetProperty("latitude").GetDouble(), 6);

        Assert.Empty(await globex.DrainAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_driver_receives_their_own_vehicle_from_negotiate_on_and_nothing_else_of_the_company()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);
        await using var driver = await host.ConnectAsync("u-driver", "c-acme", "driver", "v-001");
        var now = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var response = await host.SendBatchAsync(
            [LocalHostRig.Fix("sim-001", now, 25.05, 121.55, 30), LocalHostRig.Fix("sim-003", now, 25.06, 121.55, 30)]);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var update = await driver.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal(["v-001"], VehicleIdsIn(update.Argument));
        Assert.True(update.Argument.GetProperty("seq").ValueKind == JsonValueKind.Null, "a vehicle group sees part of the company's stream: no seq");
        Assert.All(await driver.DrainAsync(TimeSpan.FromMilliseconds(500)), message => Assert.Equal(["v-001"], VehicleIdsIn(message.Argument).Distinct()));
    }

    [Fact]
    public async Task The_timers_broadcast_each_company_its_dashboard_and_mark_a_silent_vehicle_offline_once()
    {
        // The host's own clock, moved on by hand: silence is measured from when the host received the last event.
        var clock = new ShiftedClock();
        await using var host = await LocalHostRig.StartAsync(Stores, clock, "--DashboardSchedule=* * * * * *", "--OfflineSweepSchedule=* * * * * *");
        await using var acme = await host.ConnectAsync("u-acme", "c-acme");
        await using var globex = await host.ConnectAsync("u-globex", "c-globex");
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await host.TokenAsync("u-acme", "c-acme", "dispatcher"));

        using var response = await host.SendBatchAsync([LocalHostRig.Fix("sim-003", clock.GetUtcNow().AddSeconds(-1), 25.05, 121.55, 0)]);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await host.WaitUntilProcessedAsync(Wait);

        // Ten minutes of silence (a vehicle reporting every 5 s is offline after five); the timers run every second.
        clock.Shift(TimeSpan.FromMinutes(10));

        var dashboard = await acme.NextAsync(Wait, "fleet_dashboard_update");
        Assert.Equal("c-acme", dashboard.Argument.GetProperty("company_id").GetString());
        var alert = await acme.NextAsync(Wait, "alert");
        Assert.Equal("vehicle_offline", alert.Argument.GetProperty("data").GetProperty("type").GetString());
        Assert.Equal("v-003", alert.Argument.GetProperty("data").GetProperty("vehicle_id").GetString());
        // Three more sweeps: still the one alert. Dashboards keep coming every second, so wait for an alert, not quiet.
        await Assert.ThrowsAsync<TimeoutException>(() => acme.NextAsync(TimeSpan.FromSeconds(3), "alert"));
        for (var i = 0; i < 3; i++)
        {
            var message = await globex.NextAsync(Wait);
            Assert.Equal("c-globex", message.Argument.GetProperty("company_id").GetString());
        }

        var current = await http.GetFromJsonAsync<JsonElement>("/api/dashboard");
        Assert.Equal("c-acme", current.GetProperty("company_id").GetString());
        Assert.Single(await http.GetFromJsonAsync<JsonElement[]>("/api/alerts") ?? []);
    }

    [Fact]
    public async Task Thousands_of_events_from_two_companies_never_reach_the_other_company()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);
        var acme = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => host.ConnectAsync($"u-acme-{i}", "c-acme")));
        var globex = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => host.ConnectAsync($"u-globex-{i}", "c-globex")));
        await using var rider = await host.ConnectAsync("u-rider", "c-acme", "viewer", "v-001");
        using (var follow = new HttpClient { BaseAddress = host.BaseAddress })
        {
            follow.DefaultRequestHeaders.Authorization = new("Bearer", await host.TokenAsync("u-rider", "c-acme", "viewer", "v-001"));
            using var followed = await follow.PostAsJsonAsync("/api/subscriptions", new { vehicle_id = "v-001" });
            Assert.Equal(HttpStatusCode.Created, followed.StatusCode);
        }

        // 20 vehicles (odd ones Acme's, even ones Globex's) x 100 fixes, 2 s apart at about 30 km/h, sent 100 per request.
        var start = DateTimeOffset.UtcNow.AddSeconds(-210);
        var fixes = Enumerable.Range(0, 100).SelectMany(step => Enumerable.Range(1, 20).Select(vehicle =>
            LocalHostRig.Fix($"sim-{vehicle:000}", start.AddSeconds(2 * step), 25.05 + vehicle * 0.001, 121.45 + step * 0.000165, 30))).ToList();
        foreach (var request in fixes.Chunk(100))
        {
            using var response = await host.SendBatchAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await host.WaitUntilProcessedAsync(Wait);
        var received = new List<(string Company, HubMessage Message)>();
        foreach (var (client, company) in acme.Select(client => (client, "c-acme")).Concat(globex.Select(client => (client, "c-globex"))))
        {
            var messages = await client.DrainAsync(TimeSpan.FromMilliseconds(500));
            Assert.NotEmpty(messages);
            received.AddRange(messages.Select(message => (company, message)));
        }

        Assert.All(received, item =>
        {
            Assert.Equal(item.Company, item.Message.Argument.GetProperty("company_id").GetString());
            Assert.All(VehicleIdsIn(item.Message.Argument), vehicleId => Assert.Equal(item.Company, CompanyOf(vehicleId)));
        });
        var riderMessages = await rider.DrainAsync(TimeSpan.FromMilliseconds(500));
        Assert.NotEmpty(riderMessages);
        Assert.All(riderMessages, message => Assert.Equal(["v-001"], VehicleIdsIn(message.Argument).Distinct()));

        using var globexApi = new HttpClient { BaseAddress = host.BaseAddress };
        globexApi.DefaultRequestHeaders.Authorization = new("Bearer", await host.TokenAsync("u-globex-api", "c-globex", "dispatcher"));
        var vehicles = await globexApi.GetFromJsonAsync<JsonElement>("/api/vehicles");
        Assert.Equal(10, vehicles.GetArrayLength());
        Assert.All(vehicles.EnumerateArray(), vehicle => Assert.Equal("c-globex", CompanyOf(vehicle.GetProperty("vehicle_id").GetString()!)));

        foreach (var client in acme.Concat(globex))
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_malformed_event_and_one_for_another_publisher_are_dead_lettered_while_their_neighbours_go_on()
    {
        await using var host = await LocalHostRig.StartAsync(Stores);
        await using var acme = await host.ConnectAsync("u-acme", "c-acme");
        var now = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var batch = await host.SendBatchAsync(["{\"device_id\": \"sim-001\", \"timestamp\": ", LocalHostRig.Fix("sim-001", now, 25.05, 121.55, 30)]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telemetry/publishers/sim-003/messages")
        {
            Content = new StringContent(LocalHostRig.Fix("sim-005", now, 25.06, 121.55, 30), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", host.SasToken(publisher: "sim-003"));
        using var impersonation = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, batch.StatusCode);
        Assert.Equal(HttpStatusCode.Created, impersonation.StatusCode);
        var update = await acme.NextAsync(Wait, "vehicle_location_update");
        Assert.Equal(["v-001"], VehicleIdsIn(update.Argument));
        await host.WaitUntilProcessedAsync(Wait);
        var deadLetters = await host.Services.GetRequiredService<IFleetHistory>().DeadLettersAsync(null, 10, CancellationToken.None);
        Assert.Equal([RejectionReason.MalformedJson, RejectionReason.PublisherMismatch], deadLetters.Select(letter => letter.Reason).Order());
        Assert.DoesNotContain(await acme.DrainAsync(TimeSpan.FromMilliseconds(300)), message => VehicleIdsIn(message.Argument).Contains("v-005"));
    }

    private static string CompanyOf(string vehicleId) =>
        int.Parse(vehicleId.AsSpan(2), CultureInfo.InvariantCulture) % 2 == 1 ? "c-acme" : "c-globex";

    private static List<string> VehicleIdsIn(JsonElement element)
    {
        var found = new List<string>();
        Collect(element);
        return found;

        void Collect(JsonElement node)
        {
            if (node.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "vehicle_id" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        found.Add(property.Value.GetString()!);
                    }

                    Collect(property.Value);
                }
            }
            else if (node.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in node.EnumerateArray())
                {
                    Collect(item);
                }
            }
        }
    }
}

public sealed class DeliveryTestsInMemory : DeliveryTests
{
    protected override HostStores Stores => HostStores.InMemory;
}

public sealed class DeliveryTestsOnServers : DeliveryTests
{
    protected override HostStores Stores => HostStores.Servers;
}
