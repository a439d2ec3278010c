using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

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
}
