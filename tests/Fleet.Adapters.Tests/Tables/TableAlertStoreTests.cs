using Azure.Data.Tables;
using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>What the Table store must get right beyond the shared contract: its layout and exact round trips.</summary>
public sealed class TableAlertStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly string _tableName = AzuriteTables.NewTableName();
    private readonly TableAlertStore _store;

    public TableAlertStoreTests()
    {
        _store = new TableAlertStore(AzuriteTables.CreateServiceClient(), new TableAlertStoreOptions { TableName = _tableName });
    }

    [Fact]
    public async Task Every_value_round_trips_exactly_with_ticks_offsets_and_doubles()
    {
        var alert = Alert("a-1", Now.AddTicks(-1)) with
        {
            CreatedAt = new DateTimeOffset(2026, 11, 21, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567),
            ExpiresAt = Now.AddDays(1).AddTicks(7),
            VehicleId = "v'1",
            DriverId = "d-1",
            UserId = "u-1",
            Details = new AlertDetails
            {
                Latitude = 25.033_012_345_678_9,
                Longitude = 0.1 + 0.2,
                SpeedKmh = double.Epsilon,
                DurationSeconds = 1e300,
                EpisodeOpen = false,
                GeofenceName = "Depot \"north\" – gate's",
                LastSeen = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.FromHours(-5)).AddTicks(9),
            },
        };

        await _store.UpsertAsync([alert], CancellationToken.None);
        var stored = await _store.GetAsync(alert.CompanyId, alert.Id, CancellationToken.None);

        Assert.Equal(new StoredAlert(alert, Read: false), stored);
        Assert.Equal(TimeSpan.FromHours(-5), stored!.Alert.Details!.LastSeen!.Value.Offset);
    }

    [Fact]
    public async Task Rows_are_keyed_by_their_layouts_mark_inverted_raised_ticks_and_id_and_hold_the_codes()
    {
        var alert = Alert("a-1", Now);

        await _store.UpsertAsync([alert], CancellationToken.None);

        var table = AzuriteTables.CreateServiceClient().GetTableClient(_tableName);
        var invertedTicks = DateTimeOffset.MaxValue.UtcTicks - alert.CreatedAt.UtcTicks;
        var rowKey = "r" + invertedTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "_a-1";
        var found = await table.GetEntityIfExistsAsync<TableEntity>(alert.CompanyId, rowKey);
        Assert.True(found.HasValue);
        var entity = found.Value!;
        Assert.Equal(("fuel_theft", "high"), (entity.GetString("Type"), entity.GetString("Severity")));
        Assert.Equal(Now.AddDays(1), entity.GetDateTimeOffset("ExpiresAt"));
        Assert.Null(entity.GetBoolean("Read"));
        Assert.Contains("\"fuel_drop_liters\":40.5", entity.GetString("Data"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_final_version_clears_what_an_earlier_version_had_but_keeps_it_read()
    {
        var earlier = Alert("a-1", Now) with { DriverId = "d-1", UserId = "u-1" };
        var final = earlier with { DriverId = null, UserId = null, Details = null };
        await _store.UpsertAsync([earlier], CancellationToken.None);
        await _store.MarkReadAsync(earlier.CompanyId, earlier.Id, CancellationToken.None);

        await _store.UpsertAsync([final], CancellationToken.None);

        Assert.Equal(new StoredAlert(final, Read: true), await _store.GetAsync(final.CompanyId, final.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Versions_of_one_alert_in_one_call_apply_in_order()
    {
        var open = Alert("a-1", Now) with { Final = false, Message = "open" };
        var closed = open with { Final = true, Message = "closed" };
        var rewritten = closed with { Message = "rewritten" };

        await _store.UpsertAsync([open, closed, rewritten, open], CancellationToken.None);

        Assert.Equal(rewritten, (await _store.GetAsync(open.CompanyId, open.Id, CancellationToken.None))!.Alert);
    }

    [Fact]
    public async Task An_unread_list_looks_past_read_alerts_to_fill_its_limit()
    {
        var alerts = Enumerable.Range(1, 6).Select(minutes => Alert($"a-{minutes}", Now.AddMinutes(-minutes))).ToList();
        await _store.UpsertAsync(alerts, CancellationToken.None);
        foreach (var read in alerts.Take(3))
        {
            Assert.True(await _store.MarkReadAsync(read.CompanyId, read.Id, CancellationToken.None));
        }

        var listed = (await _store.ListAsync(alerts[0].CompanyId, new AlertQuery(2, UnreadOnly: true, Now), CancellationToken.None)).Items;

        Assert.Equal(["a-4", "a-5"], listed.Select(stored => stored.Alert.Id));
    }

    [Fact]
    public async Task The_expiry_sweep_counts_what_it_deleted_across_companies()
    {
        var expired = Enumerable.Range(1, 5)
            .Select(index => Alert($"x-{index}", Now) with { CompanyId = $"c-{index}", ExpiresAt = Now })
            .ToList();
        var live = Alert("live", Now) with { ExpiresAt = Now.AddTicks(1) };
        await _store.UpsertAsync([.. expired, live], CancellationToken.None);

        Assert.Equal(expired.Count, await _store.DeleteExpiredAsync(Now, CancellationToken.None));
        Assert.Equal(0, await _store.DeleteExpiredAsync(Now, CancellationToken.None));
        Assert.NotNull(await _store.GetAsync(live.CompanyId, live.Id, CancellationToken.None));
    }

    private static Alert Alert(string id, DateTimeOffset eventTime) => new(
        id,
        "c-" + nameof(TableAlertStoreTests),
        AlertType.FuelTheft,
        AlertSeverity.High,
        "Fuel drop: Truck 7",
        "Truck 7 lost 40.5 l while parked.",
        eventTime,
        eventTime.AddSeconds(30),
        Now.AddDays(1),
        VehicleId: "v-7",
        Details: new AlertDetails { FuelDropLiters = 40.5, FuelDropPercent = 0.1 + 0.7 });
}
