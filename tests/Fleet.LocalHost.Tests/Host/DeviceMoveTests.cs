using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// A device reports for one vehicle, and moving it is asked for (issue 18): creating a vehicle with a device another of
/// the company's vehicles holds once moved the device silently, freezing the first vehicle.
/// </summary>
public sealed class DeviceMoveTests : IAsyncLifetime
{
    private LocalHostRig _host = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
        _admin = await _host.ClientAsync("acme-admin-devices", "c-acme", "admin");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_device_another_vehicle_holds_is_a_409_naming_that_vehicle_and_stays_where_it_is()
    {
        using var first = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.van-1", name = "Van 1", device_id = "dev-move-1" });
        using var second = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.van-2", name = "Van 2", device_id = "dev-move-1" });
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("'c-acme.van-1' (Van 1)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("move_device", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["dev-move-1"], await DevicesOfAsync("c-acme.van-1"));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/api/vehicles/c-acme.van-2")).StatusCode);
    }

    [Fact]
    public async Task Asked_for_the_device_moves_and_the_vehicle_it_left_reports_through_none()
    {
        using var first = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.van-3", name = "Van 3", device_id = "dev-move-3" });
        using var moved = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.van-4", name = "Van 4", device_id = "dev-move-3", move_device = true });

        Assert.Equal(HttpStatusCode.Created, moved.StatusCode);
        Assert.Equal(["dev-move-3"], await DevicesOfAsync("c-acme.van-4"));
        Assert.Empty(await DevicesOfAsync("c-acme.van-3"));
    }

    [Fact]
    public async Task Saving_a_vehicle_with_the_device_it_already_holds_needs_no_move()
    {
        using var created = await _admin.PostAsJsonAsync("/api/vehicles", new { vehicle_id = "c-acme.van-5", name = "Van 5", device_id = "dev-move-5" });
        using var renamed = await _admin.PutAsJsonAsync("/api/vehicles/c-acme.van-5", new { name = "Van five", device_id = "dev-move-5" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
    }

    private async Task<IReadOnlyList<string?>> DevicesOfAsync(string vehicleId)
    {
        var vehicle = await _admin.GetFromJsonAsync<JsonElement>($"/api/vehicles/{vehicleId}");
        return [.. vehicle.GetProperty("device_ids").EnumerateArray().Select(device => device.GetString())];
    }
}
