using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// A trip under way, as the API shows it (issue 18): a reviewer saw 21 open trips summing to 1.57 km against 146 km on
/// the odometers, with frozen top speeds and durations.
/// </summary>
public sealed class OpenTripTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_trip_under_way_answers_its_distance_top_speed_and_duration_so_far()
    {
        await using var host = await LocalHostRig.StartAsync();
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);

        // 40 km/h east for 145 s, then 60 km/h for 60 s: about 2.6 km, none of it stopped.
        var fixes = Enumerable.Range(0, 30).Select(i => (Time: start.AddSeconds(5 * i), Longitude: 121.5 + (i * 0.000537), Speed: 40.0))
            .Concat(Enumerable.Range(1, 12).Select(i => (Time: start.AddSeconds(145 + (5 * i)), Longitude: 121.5 + (29 * 0.000537) + (i * 0.000806), Speed: 60.0)))
            .ToList();
        using (var sent = await host.SendBatchAsync(fixes.Select(fix => LocalHostRig.Fix("sim-001", fix.Time, 25.1, fix.Longitude, fix.Speed))))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        }

        await host.WaitUntilProcessedAsync(Wait);
        using var dispatcher = await host.ClientAsync("acme-dispatcher-trips", "c-acme", "dispatcher");
        var vehicle = await dispatcher.GetFromJsonAsync<JsonElement>("/api/vehicles/v-001");
        var from = Uri.EscapeDataString(start.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        var trips = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/vehicles/v-001/trips?from={from}&to={to}");

        var trip = Assert.Single(trips.EnumerateArray());
        Assert.Equal("started", trip.GetProperty("status").GetString());
        var startTime = trip.GetProperty("start_time").GetDateTimeOffset();
        Assert.Equal((fixes[^1].Time - startTime).TotalSeconds, trip.GetProperty("duration_seconds").GetDouble(), 0);
        Assert.Equal(60, trip.GetProperty("max_speed_kmh").GetDouble());
        var distanceKm = trip.GetProperty("distance_km").GetDouble();
        Assert.InRange(distanceKm, 2.3, vehicle.GetProperty("odometer_km").GetDouble());
        Assert.InRange(trip.GetProperty("average_speed_kmh").GetDouble(), 40, 50);

        var single = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/trips/{trip.GetProperty("trip_id").GetString()}");
        Assert.Equal(distanceKm, single.GetProperty("distance_km").GetDouble());
    }
}
