using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Adapters.EventHubs;
using Fleet.Adapters.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>Where the host under test keeps its data: its embedded in-memory stores, or PostgreSQL and Azurite.</summary>
public enum HostStores
{
    InMemory,
    Servers,
}

/// <summary>The real local host on Kestrel, on a free loopback port, with its embedded defaults plus the given settings.</summary>
public sealed class LocalHostRig : IAsyncDisposable
{
    public const string SasKeyName = "RootManageSharedAccessKey";
    public const string SasKey = "fleet-local-dev-key";
    public const string Hub = "telemetry";

    private readonly WebApplication _app;
    private readonly PostgresDatabase? _database;

    // Where this host keeps its data: what a second instance over the same stores is started with.
    private readonly string[] _storeSettings;

    private LocalHostRig(WebApplication app, Uri baseAddress, PostgresDatabase? database, string[] storeSettings)
    {
        _app = app;
        _database = database;
        _storeSettings = storeSettings;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The host's own database, when it runs on the servers.</summary>
    public PostgresDatabase? Database => _database;

    /// <summary>Stops the host and keeps its stores, for another instance to start over them.</summary>
    public Task StopAsync() => _app.StopAsync();

    // Timers on the wall clock would drop dashboards and sweeps into assertions about exact messages; the timer tests
    // drive them under a fake clock instead. Once a year, at a time no test runs.
    private static readonly string[] QuietTimers =
    [
        "--DashboardSchedule=0 0 0 1 1 *",
        "--AlertExpirySchedule=0 0 0 1 1 *",
        "--OfflineSweepSchedule=0 0 0 1 1 *",
        "--AlertOutboxSchedule=0 0 0 1 1 *",
    ];

    /// <summary>
    /// A Production start with secrets of its own, as an operator must configure it: outside Development the host
    /// refuses the committed development keys, and loads none of them.
    /// </summary>
    public static string[] ProductionSettings { get; } =
    [
        "--environment=Production",
        "--Fleet:Auth:Issuer=https://fleet.test/production",
        "--Fleet:Auth:Audience=fleet-api",
        "--Fleet:Auth:SigningKey=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        "--Fleet:LocalEventHubs:SharedAccessKey=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        "--Fleet:LocalHost:SignalRAccessKey=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
    ];

    public static Task<LocalHostRig> StartAsync(params string[] settings) => StartAsync(HostStores.InMemory, settings);

    public static Task<LocalHostRig> StartAsync(HostStores stores, params string[] settings) => StartAsync(stores, null, settings);

    /// <summary>On the servers, each host gets a database and an alert table of its own.</summary>
    public static async Task<LocalHostRig> StartAsync(HostStores stores, TimeProvider? clock, params string[] settings)
    {
        PostgresDatabase? database = null;
        string[] storeSettings = [];
        if (stores == HostStores.Servers)
        {
            database = new PostgresDatabase();
            await database.InitializeAsync();
            storeSettings =
            [
                "--ConnectionStrings:Fleet=" + database.ConnectionString,
                "--ConnectionStrings:FleetTables=" + TestServers.TablesConnectionString,
                "--Fleet:Tables:TableName=t" + Guid.NewGuid().ToString("N"),
            ];
        }

        return await StartOnAsync(storeSettings, database, clock, settings);
    }

    /// <summary>
    /// A second instance over the same PostgreSQL database and alert table as <paramref name="first"/>, as a second
    /// Function instance would run; it owns neither.
    /// </summary>
    public static Task<LocalHostRig> StartBesideAsync(LocalHostRig first, TimeProvider? clock, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(first);
        if (first._database is null)
        {
            throw new InvalidOperationException("Only a host on the servers has stores another instance can share.");
        }

        return StartOnAsync(first._storeSettings, database: null, clock, settings);
    }

    private static async Task<LocalHostRig> StartOnAsync(string[] storeSettings, PostgresDatabase? database, TimeProvider? clock, string[] settings)
    {
        var app = LocalHostApp.Build(["--Urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. QuietTimers, .. storeSettings, .. settings], clock);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalHostRig(app, new Uri(address + "/"), database, storeSettings);
    }

    public async Task<string> TokenAsync(string userId, string companyId, string role, params string[] vehicleIds)
    {
        using var response = await Http.PostAsJsonAsync("/api/dev/token", new { user_id = userId, company_id = companyId, role, vehicle_ids = vehicleIds });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>An HTTP client signed in as a new user of the company with the role (and vehicles, for drivers and viewers).</summary>
    public async Task<HttpClient> ClientAsync(string userId, string companyId, string role, params string[] vehicleIds) =>
        Client(await TokenAsync(userId, companyId, role, vehicleIds));

    /// <summary>
    /// An HTTP client with a development token of the user alone, as an identity provider issues one: it names no
    /// company, so what it may do is the user's memberships (and the operator list of the development settings).
    /// </summary>
    public async Task<HttpClient> IdentityClientAsync(string userId) => Client(await IdentityTokenAsync(userId));

    /// <summary>A development token of the user alone (no company named, no membership made).</summary>
    public async Task<string> IdentityTokenAsync(string userId)
    {
        using var response = await Http.PostAsJsonAsync("/api/dev/token", new { user_id = userId });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>An HTTP client of this host that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient Client(string token)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Reads <paramref name="path"/> until <paramref name="done"/> holds or the time is up, and answers the last read.</summary>
    public static async Task<JsonElement> EventuallyAsync(HttpClient http, string path, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var json = await http.GetFromJsonAsync<JsonElement>(path);
            if (done(json) || DateTime.UtcNow > deadline)
            {
                return json;
            }

            await Task.Delay(50);
        }
    }

    public async Task<HttpResponseMessage> NegotiateAsync(string? userToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/negotiate");
        if (userToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Negotiates as a new user of the company with the role, and connects to the hub.</summary>
    public async Task<SignalRTestClient> ConnectAsync(string userId, string companyId, string role = "dispatcher", params string[] vehicleIds) =>
        await ConnectNegotiatedAsync(await NegotiateAsync(await TokenAsync(userId, companyId, role, vehicleIds)));

    /// <summary>Connects to the hub with what a successful negotiate answered (and disposes of that answer).</summary>
    public static async Task<SignalRTestClient> ConnectNegotiatedAsync(HttpResponseMessage negotiated)
    {
        ArgumentNullException.ThrowIfNull(negotiated);
        using (negotiated)
        {
            negotiated.EnsureSuccessStatusCode();
            using var json = JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync());
            return await SignalRTestClient.ConnectAsync(
                new Uri(json.RootElement.GetProperty("url").GetString()!), json.RootElement.GetProperty("accessToken").GetString()!, CancellationToken.None);
        }
    }

    public string SasToken(string? publisher = null, string key = SasKey, TimeSpan? validFor = null) =>
        EventHubsSas.Create(new EventHubsResource(BaseAddress, Hub, publisher).ResourceUri, SasKeyName, key, DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromHours(1)));

    /// <summary>A batch send as the Event Hubs REST API takes it, each body keyed by its device.</summary>
    public async Task<HttpResponseMessage> SendBatchAsync(IEnumerable<string> bodies, string? sasToken = null)
    {
        var items = bodies.Select(body => new Dictionary<string, object> { ["Body"] = body });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/{Hub}/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(items), Encoding.UTF8, "application/vnd.microsoft.servicebus.json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", sasToken ?? SasToken());
        return await Http.SendAsync(request);
    }

    /// <summary>Waits until every accepted event has been handled, as the health endpoint reports it.</summary>
    public async Task WaitUntilProcessedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var health = JsonDocument.Parse(await Http.GetStringAsync("/api/health"));
            if (health.RootElement.GetProperty("queued_events").GetInt32() == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Events still queued after {timeout}: {health.RootElement}");
            }

            await Task.Delay(20);
        }
    }

    public static string Fix(string deviceId, DateTimeOffset time, double latitude, double longitude, double speedKmh) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"device_id":"{{deviceId}}","timestamp":"{{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}","latitude":{{latitude}},"longitude":{{longitude}},"speed":{{speedKmh}},"heading":90,"ignition":true}""");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
