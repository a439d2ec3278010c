using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fleet.Reliability.Workload;

/// <summary>One simulated device and the vehicle it is registered to.</summary>
internal sealed record Device(int Number, string DeviceId, string VehicleId);

/// <summary>
/// The fleet an experiment drives, made through the host's own HTTP API as a company admin would: a development token
/// (Development only; it creates the company and the admin's membership), then one vehicle per device.
/// </summary>
internal static class FleetSetup
{
    public const string CompanyId = "reliability";

    public static async Task<IReadOnlyList<Device>> CreateAsync(HttpClient http, int devices, CancellationToken cancellationToken)
    {
        var token = await DevTokenAsync(http, "reliability-admin", "admin", cancellationToken);
        var fleet = Enumerable.Range(1, devices)
            .Select(number => new Device(
                number,
                string.Create(CultureInfo.InvariantCulture, $"rel-d{number:0000}"),
                string.Create(CultureInfo.InvariantCulture, $"{CompanyId}.v{number:0000}")))
            .ToList();
        await Parallel.ForEachAsync(fleet, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (device, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/vehicles", UriKind.Relative))
            {
                Content = JsonContent.Create(new Dictionary<string, object>
                {
                    ["vehicle_id"] = device.VehicleId,
                    ["name"] = "Reliability " + device.Number.ToString(CultureInfo.InvariantCulture),
                    ["device_id"] = device.DeviceId,
                    ["expected_report_interval_seconds"] = 5,
                }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"Creating vehicle {device.VehicleId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        return fleet;
    }

    /// <summary>A development token of the user with the role in the harness's company (created on first use).</summary>
    public static async Task<string> DevTokenAsync(HttpClient http, string userId, string role, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            new Uri("/api/dev/token", UriKind.Relative), new Dictionary<string, string> { ["user_id"] = userId, ["company_id"] = CompanyId, ["role"] = role }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"/api/dev/token answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}

/// <summary>
/// A shared access signature for the event hub, written from the service's definition ("Generate SAS token"): the
/// URL-encoded resource URI and the expiry in Unix seconds, joined by a newline and signed with HMAC-SHA256 under the
/// UTF-8 bytes of the key.
/// </summary>
internal static class SharedAccessSignature
{
    /// <summary>The local host's development key (appsettings.Development.json: Fleet:LocalEventHubs).</summary>
    public const string KeyName = "RootManageSharedAccessKey";

    public const string Key = "fleet-local-dev-key";

    public const string Hub = "telemetry";

    public static string ForHub(Uri hostBase, DateTimeOffset expiresAt)
    {
        var resource = Uri.EscapeDataString(hostBase.AbsoluteUri.TrimEnd('/') + "/" + Hub);
        var expiry = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(resource + "\n" + expiry)));
        return $"SharedAccessSignature sr={resource}&sig={Uri.EscapeDataString(signature)}&se={expiry}&skn={KeyName}";
    }
}
