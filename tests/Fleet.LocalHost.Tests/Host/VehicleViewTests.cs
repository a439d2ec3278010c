using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Core.Timers;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>What the API says of a vehicle that is driving (issue 18).</summary>
public sealed class VehicleViewTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Changing_a_driving_vehicle_answers_where_it_is_and_its_odometer_to_the_metre()
    {
        await using var host = await LocalHostRig.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);

        // Odd steps east at 40 km/h: the odometer sums segments whose lengths carry float noise.
        using (var sent = await host.SendBatchAsync(Enumerable.Range(0, 30).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.1, 121.5 + i * 0.000537, 40))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await host.WaitUntilProcessedAsync(Wait);
        using var admin = await host.ClientAsync("acme-admin-view", "c-acme", "admin");
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/vehicles/v-001");

        using var changed = await admin.PutAsJsonAsync("/api/vehicles/v-001", new { name = "Van one", device_id = "sim-001" });
        var view = await changed.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("Van one", view.GetProperty("name").GetString());
        Assert.NotEqual("offline", view.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("status").GetString(), view.GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("latitude").GetDouble(), view.GetProperty("latitude").GetDouble());
        Assert.Equal(before.GetProperty("last_seen").GetString(), view.GetProperty("last_seen").GetString());
        var odometer = view.GetProperty("odometer_km");
        Assert.True(odometer.GetDouble() > 0);
        Assert.Equal(before.GetProperty("odometer_km").GetDouble(), odometer.GetDouble());
        var decimals = odometer.GetRawText().Split('.').ElementAtOrDefault(1)?.Length ?? 0;
        Assert.True(decimals <= 3, $"odometer_km {odometer.GetRawText()} has {decimals} decimals");
        Assert.Equal(Math.Round(odometer.GetDouble(), 3), double.Parse(odometer.GetRawText(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_vehicle_silent_for_a_minute_reads_no_recent_data_without_a_speed_long_before_it_goes_offline()
    {
        // The host's clock, moved on by hand: silence is measured from when the host received the last event.
        var clock = new ShiftedClock();
        await using var host = await LocalHostRig.StartAsync(HostStores.InMemory, clock);
        using var dispatcher = await host.ClientAsync("acme-dispatcher-silence", "c-acme", "dispatcher");

        // Issue 18: east at 35 km/h, a fix every 10 s for 100 s (97 m apart), then nothing.
        var start = clock.GetUtcNow().AddSeconds(-101);
        using (var sent = await host.SendBatchAsync(Enumerable.Range(0, 11).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(10 * i), 25.1, 121.5 + i * 0.000965, 35))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await host.WaitUntilProcessedAsync(Wait);
        var driving = await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles/v-001");
        Assert.Equal(("moving", 35.0, false), (driving.GetProperty("status").GetString(), driving.GetProperty("speed_kmh").GetDouble(), driving.GetProperty("no_recent_data").GetBoolean()));
        Assert.Equal(10, driving.GetProperty("report_interval_seconds").GetDouble());
        Assert.Equal(1, (await dispatcher.GetFromJsonAsync<JsonElement>("/api/dashboard")).GetProperty("moving_vehicles").GetInt32());

        // A minute of silence: six missed reports. What it last said, moving at 35 km/h, is no longer known to hold.
        clock.Shift(TimeSpan.FromSeconds(60));
        var silent = await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles/v-001");

        Assert.True(silent.GetProperty("no_recent_data").GetBoolean());
        Assert.Equal(JsonValueKind.Null, silent.GetProperty("speed_kmh").ValueKind);
        Assert.Equal(driving.GetProperty("last_seen").GetString(), silent.GetProperty("last_seen").GetString());
        Assert.Equal(driving.GetProperty("latitude").GetDouble(), silent.GetProperty("latitude").GetDouble());
        var listed = Assert.Single((await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles")).EnumerateArray(), vehicle => vehicle.GetProperty("vehicle_id").GetString() == "v-001");
        Assert.True(listed.GetProperty("no_recent_data").GetBoolean());
        Assert.Equal(0, (await dispatcher.GetFromJsonAsync<JsonElement>("/api/dashboard")).GetProperty("moving_vehicles").GetInt32());

        // The offline sweep, run now, leaves it online: offline comes after five minutes.
        var sweeps = host.Services.GetRequiredService<OfflineSweepHandler>();
        Assert.Equal(0, (await sweeps.SweepAsync(CancellationToken.None)).VehiclesMarkedOffline);
        Assert.Equal("moving", (await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles/v-001")).GetProperty("status").GetString());

        clock.Shift(TimeSpan.FromMinutes(5));
        Assert.Equal(1, (await sweeps.SweepAsync(CancellationToken.None)).VehiclesMarkedOffline);
        var offline = await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles/v-001");

        Assert.Equal("offline", offline.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, offline.GetProperty("speed_kmh").ValueKind);
        Assert.Equal(driving.GetProperty("latitude").GetDouble(), offline.GetProperty("latitude").GetDouble());
    }
}
