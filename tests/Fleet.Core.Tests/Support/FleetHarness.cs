using System.Globalization;
using System.Text;
using Fleet.Adapters.InMemory;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.Telemetry;

namespace Fleet.Core.Tests.Support;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Keeps every message published, in order.</summary>
internal sealed class RecordingPublisher : IRealtimePublisher
{
    private readonly object _lock = new();
    private readonly List<RealtimeMessage> _messages = [];

    public IReadOnlyList<RealtimeMessage> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _messages.AddRange(messages);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The batch handler wired to the in-memory adapters: the same composition the local host's default mode uses.
/// </summary>
internal sealed class FleetHarness
{
    public FleetHarness()
    {
        Handler = new TelemetryBatchHandler(Directory, Directory, Store, Alerts, Store, Store, Publisher, Followers, Clock);
    }

    public InMemoryFleetDirectory Directory { get; } = new();

    public InMemoryTelemetryStore Store { get; } = new();

    public InMemoryAlertStore Alerts { get; } = new();

    public RecordingPublisher Publisher { get; } = new();

    public InMemoryVehicleFollowers Followers { get; } = new();

    public FrozenClock Clock { get; } = new(FixStream.Start.AddHours(1));

    public TelemetryBatchHandler Handler { get; }

    /// <summary>A company with one vehicle per device id; vehicle ids are the device ids with "dev-" replaced by "v-".</summary>
    public FleetHarness WithCompany(string companyId, params string[] deviceIds)
    {
        Directory.AddCompany(companyId, companyId);
        foreach (var deviceId in deviceIds)
        {
            Directory.AddVehicle(TestFleet.Vehicle(VehicleOf(deviceId), companyId), deviceId);
        }

        return this;
    }

    public FleetHarness WithGeofence(Geofence fence)
    {
        Directory.AddGeofence(fence);
        return this;
    }

    public static string VehicleOf(string deviceId) => deviceId.Replace("dev-", "v-", StringComparison.Ordinal);

    public Task<BatchResult> SendAsync(IReadOnlyList<TelemetryEvent> events) => Handler.HandleAsync(events, CancellationToken.None);
}

/// <summary>Telemetry as devices send it: JSON bodies with the broker's metadata.</summary>
internal static class TelemetryJson
{
    public static TelemetryEvent Event(string json, long sequenceNumber, DateTimeOffset? enqueuedTime = null, string partitionId = "0") =>
        Event(Encoding.UTF8.GetBytes(json), sequenceNumber, enqueuedTime, partitionId);

    public static TelemetryEvent Event(byte[] body, long sequenceNumber, DateTimeOffset? enqueuedTime = null, string partitionId = "0") =>
        new(body, new EventMetadata(partitionId, sequenceNumber, enqueuedTime ?? FixStream.Start.AddMinutes(10)));

    /// <summary>The body of one fix in the snake_case form of DESIGN 3.1.</summary>
    public static string Fix(string deviceId, TelemetryFix fix) => Fix(
        deviceId, fix.FixTime, fix.Position.Latitude, fix.Position.Longitude, fix.SpeedKmh, fix.FuelLevelPercent, fix.Ignition);

    public static string Fix(
        string deviceId, DateTimeOffset time, double latitude, double longitude, double? speedKmh = null, double? fuelLevelPercent = null,
        bool? ignition = null)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $$"""{"device_id":"{{deviceId}}","timestamp":"{{time:yyyy-MM-ddTHH:mm:ss.fffZ}}","latitude":{{latitude:R}},"longitude":{{longitude:R}}""");
        if (speedKmh is { } speed)
        {
            builder.Append(CultureInfo.InvariantCulture, $",\"speed\":{speed:R}");
        }

        if (fuelLevelPercent is { } fuel)
        {
            builder.Append(CultureInfo.InvariantCulture, $",\"fuel_level\":{fuel:R}");
        }

        if (ignition is { } on)
        {
            builder.Append(on ? ",\"ignition\":true" : ",\"ignition\":false");
        }

        return builder.Append('}').ToString();
    }

    /// <summary>Fixes as the events of one partition, enqueued a second after their fix time.</summary>
    public static List<TelemetryEvent> Events(string deviceId, IEnumerable<TelemetryFix> fixes, long firstSequenceNumber = 1, string partitionId = "0") =>
        [.. fixes.Select((fix, index) => Event(Fix(deviceId, fix), firstSequenceNumber + index, fix.FixTime.AddSeconds(1), partitionId))];
}

internal static class AlertStoreExtensions
{
    /// <summary>Every unexpired alert of a company as of the fixes' day, newest first (in-memory stores answer at once).</summary>
    public static IReadOnlyList<Fleet.Core.Alerts.StoredAlert> AllOf(this IAlertStore store, string companyId) =>
        store.ListAsync(companyId, new AlertQuery(AlertQuery.MaxLimit, false, FixStream.Start), CancellationToken.None).GetAwaiter().GetResult().Items;
}

/// <summary>Whole-history reads for assertions (in-memory stores answer at once).</summary>
internal static class FleetHistoryExtensions
{
    public static IReadOnlyList<Fleet.Core.State.VehicleState> StatesOf(this IFleetHistory history, string companyId) =>
        history.StatesOfAsync(companyId, CancellationToken.None).GetAwaiter().GetResult();

    public static IReadOnlyList<PositionRecord> PositionsOf(this IFleetHistory history, string companyId, string vehicleId) =>
        history.PositionsAsync(companyId, vehicleId, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, int.MaxValue, CancellationToken.None)
            .GetAwaiter().GetResult();

    public static IReadOnlyList<Fleet.Core.Trips.TripRecord> TripsOf(this IFleetHistory history, string companyId, string vehicleId)
    {
        var trips = new List<Fleet.Core.Trips.TripRecord>();
        OldestFirstCursor? after = null;
        while (true)
        {
            var page = history.TripsAsync(companyId, vehicleId, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, after, 100, CancellationToken.None).GetAwaiter().GetResult();
            trips.AddRange(page.Items);
            if (!page.More)
            {
                return trips;
            }

            after = new OldestFirstCursor(page.Items[^1].StartTime, page.Items[^1].TripId);
        }
    }

    public static IReadOnlyList<Fleet.Core.Kpis.DailyStats> StatsOf(this IFleetHistory history, string companyId) =>
        history.DailyStatsAsync(companyId, DateOnly.MinValue, DateOnly.MaxValue, CancellationToken.None).GetAwaiter().GetResult();

    public static IReadOnlyList<DeadLetter> DeadLetters(this IFleetHistory history) =>
        history.DeadLettersAsync(null, int.MaxValue, CancellationToken.None).GetAwaiter().GetResult();
}
