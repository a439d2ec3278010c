using System.Text;
using System.Text.Json;
using Fleet.Adapters.InMemory;
using Fleet.Adapters.Postgres;
using Azure.Data.Tables;
using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.Telemetry;
using Fleet.Core.Timers;
using Fleet.Core.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Adapters.Tests.Handler;

/// <summary>
/// The batch handler composed as a Function instance composes it: PostgreSQL for configuration, state and history,
/// Table Storage (Azurite) for alerts. Every rig has a database and an alert table of its own.
/// </summary>
internal sealed class ServersRig : IAsyncDisposable
{
    public const string CompanyId = "c-1";
    public static readonly string[] Devices = ["dev-1", "dev-2", "dev-3"];
    public static readonly Geofence Yard = new("g-yard", CompanyId, "Yard", new CircleShape(GeoMath.Offset(FixStream.Origin, 1_000, 90), 250));

    private static readonly HashSet<string> ServiceProperties = ["PartitionKey", "RowKey", "Timestamp", "odata.etag"];

    private readonly string _alertTable = AzuriteTables.NewTableName();

    private ServersRig(PostgresDatabase database, RecordingLogger<PostgresRetry> retryLog)
    {
        Database = database;
        RetryLog = retryLog;
        var retry = new PostgresRetry(retryLog);
        Directory = new PostgresFleetDirectory(database.DataSource, retry);
        Store = new PostgresTelemetryStore(database.DataSource, retry, NullLogger<PostgresTelemetryStore>.Instance);
        Alerts = new TableAlertStore(AzuriteTables.CreateServiceClient(), new TableAlertStoreOptions { TableName = _alertTable });
    }

    public PostgresDatabase Database { get; }

    public RecordingLogger<PostgresRetry> RetryLog { get; }

    public PostgresFleetDirectory Directory { get; }

    public PostgresTelemetryStore Store { get; }

    public TableAlertStore Alerts { get; }

    public static async Task<ServersRig> StartAsync()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        var rig = new ServersRig(database, new RecordingLogger<PostgresRetry>());
        await rig.Directory.SaveCompanyAsync(new CompanySettings(CompanyId, "Formosa Freight", RuleSettings.Default, TimeZoneInfo.Utc), CancellationToken.None);
        foreach (var device in Devices)
        {
            await rig.Directory.SaveVehicleAsync(TestFleet.Vehicle(FleetHarness.VehicleOf(device), CompanyId), [device], CancellationToken.None);
        }

        await rig.Directory.SaveGeofenceAsync(Yard, CancellationToken.None);
        return rig;
    }

    /// <summary>When the handlers run: an hour into the fixes.</summary>
    public static readonly DateTimeOffset Now = FixStream.Start.AddHours(1);

    /// <summary>
    /// A handler over the rig's stores, with the telemetry store optionally wrapped (to inject failures) and another
    /// alert sink optionally in place of the rig's table.
    /// </summary>
    public TelemetryBatchHandler Handler(Func<ITelemetryStore, ITelemetryStore>? wrapStore = null, IAlertSink? alertSink = null) => new(
        Directory,
        Directory,
        Store,
        alertSink ?? Alerts,
        wrapStore is null ? Store : wrapStore(Store),
        Store,
        new RecordingPublisher(),
        new InMemoryVehicleFollowers(),
        new FrozenClock(Now));

    /// <summary>The alert outbox's delivery into the rig's table, run once the batches' alerts are past its grace period.</summary>
    public AlertOutboxHandler AlertOutbox(RecordingPublisher publisher) =>
        new(Store, Alerts, publisher, new FrozenClock(Now + AlertOutboxHandler.GracePeriod + TimeSpan.FromSeconds(1)));

    /// <summary>The dump of a rig that handled the batch once, with nothing failing.</summary>
    public static async Task<string> CleanDumpAsync(IReadOnlyList<TelemetryEvent> batch)
    {
        await using var rig = await StartAsync();
        await rig.Handler().HandleAsync(batch, CancellationToken.None);
        return await rig.DumpAsync();
    }

    /// <summary>
    /// Three vehicles: a speeding drive through the yard with a trip, a vehicle parked idling, a vehicle that drives off;
    /// and three bad events (malformed, unknown device, null island) to dead-letter.
    /// </summary>
    public static List<TelemetryEvent> Batch()
    {
        var speeding = new FixStream("dev-1");
        var fixes = speeding.Park(0, 60, FixStream.Origin, fuelLevelPercent: 70, ignition: true);
        fixes.AddRange(speeding.Drive(65, 300, FixStream.Origin, 90, 110, fuelLevelPercent: 69));
        var idler = new FixStream("dev-2");
        var idling = idler.Park(0, 900, GeoMath.Offset(FixStream.Origin, 3_000, 0), intervalSeconds: 30, fuelLevelPercent: 40, ignition: true);
        var driver = new FixStream("dev-3");
        var driving = driver.Drive(0, 600, GeoMath.Offset(FixStream.Origin, 3_000, 180), 0, 50);

        // One partition interleaves the devices in arrival order and numbers the events as they arrive.
        var events = TelemetryJson.Events("dev-1", fixes)
            .Concat(TelemetryJson.Events("dev-2", idling))
            .Concat(TelemetryJson.Events("dev-3", driving))
            .OrderBy(item => item.Metadata.EnqueuedTime)
            .Select((item, index) => item with { Metadata = item.Metadata with { SequenceNumber = index + 1 } })
            .ToList();
        var next = events.Count + 1;
        events.Add(TelemetryJson.Event("{\"device_id\":\"dev-1\",", next++, FixStream.At(900)));
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-unknown", FixStream.At(70), 25.03, 121.56), next++, FixStream.At(900)));
        events.Add(TelemetryJson.Event(TelemetryJson.Fix("dev-1", FixStream.At(75), 0, 0), next, FixStream.At(900)));
        return events;
    }

    /// <summary>Every entity of the rig's alert table; none while the store has not yet created it.</summary>
    public async Task<IReadOnlyList<TableEntity>> AlertEntitiesAsync()
    {
        var entities = new List<TableEntity>();
        try
        {
            await foreach (var entity in AzuriteTables.CreateServiceClient().GetTableClient(_alertTable).QueryAsync<TableEntity>())
            {
                entities.Add(entity);
            }
        }
        catch (Azure.RequestFailedException exception) when (exception.Status == 404)
        {
            // The store creates its table at its first write: nothing was ever written.
        }

        return entities;
    }

    /// <summary>
    /// Every durable row and alert entity as text, in key order, without the columns the servers stamp with their own
    /// clock: two rigs that saw the same events compare equal.
    /// </summary>
    public async Task<string> DumpAsync()
    {
        var dump = new StringBuilder();
        foreach (var (table, order, row) in new[]
        {
            ("vehicle_state", "vehicle_id", "to_jsonb(t) - 'updated_at'"),
            ("positions", "vehicle_id, fix_time", "to_jsonb(t)"),
            ("trips", "trip_id", "to_jsonb(t)"),
            ("company_daily_stats", "company_id, day, vehicle_id", "to_jsonb(t)"),
            ("dead_letters", "partition_id, sequence_number, enqueued_time", "to_jsonb(t) - 'stored_at'"),
            ("company_sequences", "company_id", "to_jsonb(t)"),

            // Whether an alert was delivered, not when: a healed run delivers later than a clean one.
            ("alert_outbox", "alert_id", "to_jsonb(t) - 'delivered_at' || jsonb_build_object('delivered', t.delivered_at IS NOT NULL)"),
        })
        {
            await using var command = Database.DataSource.CreateCommand($"SELECT {row}::text FROM {table} t ORDER BY {order}");
            await using var reader = await command.ExecuteReaderAsync();
            dump.Append(table).Append('\n');
            while (await reader.ReadAsync())
            {
                dump.Append(reader.GetString(0)).Append('\n');
            }
        }

        dump.Append("alerts\n");
        foreach (var entity in await AlertEntitiesAsync())
        {
            // The stored properties only: not the keys, nor the service's timestamp and ETag, which differ run to run.
            var properties = entity.Where(property => !ServiceProperties.Contains(property.Key)).OrderBy(property => property.Key, StringComparer.Ordinal)
                .ToDictionary(property => property.Key, property => property.Value is byte[] bytes ? Convert.ToHexString(bytes) : property.Value);
            dump.Append(entity.PartitionKey).Append(' ').Append(entity.RowKey).Append(' ').Append(JsonSerializer.Serialize(properties)).Append('\n');
        }

        return dump.ToString();
    }

    // The alert table is left to Azurite, which tests/run.sh starts in a throwaway directory.
    public async ValueTask DisposeAsync() => await Database.DisposeAsync();
}

/// <summary>
/// Fails on purpose just before or just after the real commit, as a crashed or timed-out instance would, or cancels
/// the batch just after it, as a host shutting down would.
/// </summary>
internal sealed class FailingTelemetryStore(ITelemetryStore inner) : ITelemetryStore
{
    public bool FailBeforeCommit { get; set; }

    public bool FailAfterCommit { get; set; }

    public CancellationTokenSource? CancelAfterCommit { get; set; }

    public async Task<CommitResult> CommitAsync(TelemetryCommit commit, CancellationToken cancellationToken)
    {
        if (FailBeforeCommit)
        {
            throw new IOException("Injected failure before the commit.");
        }

        var result = await inner.CommitAsync(commit, cancellationToken);
        if (CancelAfterCommit is { } shutdown)
        {
            await shutdown.CancelAsync();
        }

        return FailAfterCommit ? throw new IOException("Injected failure after the commit.") : result;
    }
}

/// <summary>Keeps what was logged, to see that a failure was met and retried rather than never happening.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception), exception));
        }
    }
}
