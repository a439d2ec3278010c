using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>Jobs made and moved through the API, as a dispatcher or driver would, for a test to act on or a page to show.</summary>
internal static class TestJobs
{
    /// <summary>A job from the demo depot to the drop-off; answers its id.</summary>
    public static async Task<string> CreateAsync(
        HttpClient dispatcher, string kind, double dropoffLatitude, double dropoffLongitude, string dropoffAddress,
        string? reference = null, string? vehicleId = null, string? driverId = null)
    {
        using var created = await dispatcher.PostAsJsonAsync("/api/jobs", new
        {
            kind,
            pickup = new { latitude = 25.033, longitude = 121.565, address = "Depot" },
            dropoff = new { latitude = dropoffLatitude, longitude = dropoffLongitude, address = dropoffAddress },
            customer_reference = reference,
            vehicle_id = vehicleId,
            driver_id = driverId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetString()!;
    }

    /// <summary>Moves the job on as <paramref name="caller"/>, a dispatcher or the job's driver, who must be allowed to.</summary>
    public static async Task MoveAsync(HttpClient caller, string jobId, string status)
    {
        using var moved = await caller.PostAsJsonAsync($"/api/jobs/{jobId}/status", new { status });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }
}
