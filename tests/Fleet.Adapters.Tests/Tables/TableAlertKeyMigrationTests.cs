using System.Globalization;
using Azure.Data.Tables;
using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>
/// A deployed table still holds rows of the earlier layout, keyed by event time, and an instance of the earlier version
/// may write more while a deployment rolls: each alert is still one entity, listed once, by when it was raised, with its
/// read mark and its final version.
/// </summary>
public sealed class TableAlertKeyMigrationTests
{
    private const string Company = "c-" + nameof(TableAlertKeyMigrationTests);
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private static readonly AlertQuery Everything = new(AlertQuery.MaxLimit, UnreadOnly: false, Now);
    private static readonly CancellationToken Token = CancellationToken.None;

    private readonly string _tableName = AzuriteTables.NewTableName();
    private readonly TableClient _table;

    public TableAlertKeyMigrationTests()
    {
        _table = AzuriteTables.CreateServiceClient().GetTableClient(_tableName);
    }

    [Fact]
    public async Task Rows_of_the_earlier_layout_are_moved_at_first_use_listed_once_newest_raised_first_and_kept_read()
    {
        await _table.CreateAsync(Token);
        var fuelDrop = FuelDrop("a-fuel", minutesAgo: 1);
        var offline = Offline("a-offline");
        await _table.AddEntityAsync(EarlierRow(fuelDrop, read: true), Token);
        await _table.AddEntityAsync(EarlierRow(offline), Token);
        var store = NewStore();

        var listed = (await store.ListAsync(Company, Everything, Token)).Items;

        // The outbox writes each delivered alert once more a minute later: it must land on the moved entity.
        await store.UpsertAsync([fuelDrop, offline], Token);
        Assert.Equal([new StoredAlert(offline, Read: false), new StoredAlert(fuelDrop, Read: true)], listed);
        Assert.Equal(listed, (await store.ListAsync(Company, Everything, Token)).Items);
        Assert.Equal([CurrentKey(offline), CurrentKey(fuelDrop)], await RowKeysAsync());
    }

    [Fact]
    public async Task Rows_an_earlier_version_writes_after_the_move_are_never_listed_twice_and_the_expiry_sweep_moves_them()
    {
        var store = NewStore();
        var fuelDrop = FuelDrop("a-fuel", minutesAgo: 1);
        await store.UpsertAsync([fuelDrop], Token);

        // An instance of the earlier version, still running while the deployment rolls, replays one alert and raises another.
        var offline = Offline("a-offline");
        await _table.UpsertEntityAsync(EarlierRow(fuelDrop), TableUpdateMode.Merge, Token);
        await _table.UpsertEntityAsync(EarlierRow(offline), TableUpdateMode.Merge, Token);
        var meanwhile = (await store.ListAsync(Company, Everything, Token)).Items;

        Assert.Equal(0, await store.DeleteExpiredAsync(Now, Token));

        Assert.Equal([fuelDrop.Id], meanwhile.Select(stored => stored.Alert.Id));
        Assert.Equal([offline.Id, fuelDrop.Id], (await store.ListAsync(Company, Everything, Token)).Items.Select(stored => stored.Alert.Id));
        Assert.Equal([CurrentKey(offline), CurrentKey(fuelDrop)], await RowKeysAsync());
    }

    [Fact]
    public async Task A_moved_row_gives_way_to_the_current_one_unless_only_it_is_final_and_a_read_mark_of_either_stays()
    {
        var store = NewStore();
        var closed = FuelDrop("a-closed", minutesAgo: 2) with { Message = "closed" };
        var fuelDrop = FuelDrop("a-fuel", minutesAgo: 1);
        await store.UpsertAsync([closed with { Final = false, Message = "open" }, fuelDrop], Token);

        // The earlier version closed the one and, for the other, holds an older text; users marked both read there.
        await _table.UpsertEntityAsync(EarlierRow(closed, read: true), TableUpdateMode.Merge, Token);
        await _table.UpsertEntityAsync(EarlierRow(fuelDrop with { Message = "older" }, read: true), TableUpdateMode.Merge, Token);
        await store.DeleteExpiredAsync(Now, Token);

        Assert.Equal(new StoredAlert(closed, Read: true), await store.GetAsync(Company, closed.Id, Token));
        Assert.Equal(new StoredAlert(fuelDrop, Read: true), await store.GetAsync(Company, fuelDrop.Id, Token));
        Assert.Equal([CurrentKey(fuelDrop), CurrentKey(closed)], await RowKeysAsync());
    }

    [Fact]
    public async Task Deleting_an_alert_removes_a_row_an_earlier_version_wrote_of_it_so_no_sweep_brings_it_back()
    {
        var store = NewStore();
        var fuelDrop = FuelDrop("a-fuel", minutesAgo: 1);
        await store.UpsertAsync([fuelDrop], Token);
        await _table.UpsertEntityAsync(EarlierRow(fuelDrop), TableUpdateMode.Merge, Token);

        Assert.True(await store.DeleteAsync(Company, fuelDrop.Id, Token));
        await store.DeleteExpiredAsync(Now, Token);

        Assert.Null(await store.GetAsync(Company, fuelDrop.Id, Token));
        Assert.Empty(await RowKeysAsync());
    }

    private TableAlertStore NewStore() => new(AzuriteTables.CreateServiceClient(), new TableAlertStoreOptions { TableName = _tableName });

    private async Task<List<string>> RowKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: Token))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }

    /// <summary>An alert's row as the earlier version wrote it: the same properties, keyed by inverted event ticks and id.</summary>
    private static TableEntity EarlierRow(Alert alert, bool read = false)
    {
        var row = AlertEntity.From(alert);
        row.RowKey = Inverted(alert.EventTime) + "_" + alert.Id;
        if (read)
        {
            row[AlertEntity.Read] = true;
        }

        return row;
    }

    private static string CurrentKey(Alert alert) => "r" + Inverted(alert.CreatedAt) + "_" + alert.Id;

    private static string Inverted(DateTimeOffset time) =>
        (DateTimeOffset.MaxValue.UtcTicks - time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>Raised <paramref name="minutesAgo"/>, at the fix that showed it.</summary>
    private static Alert FuelDrop(string id, int minutesAgo) => new(
        id,
        Company,
        AlertType.FuelTheft,
        AlertSeverity.Critical,
        "Fuel drop: Truck 7",
        "Truck 7 lost 40.5 l while parked.",
        Now.AddMinutes(-minutesAgo),
        Now.AddMinutes(-minutesAgo),
        Now.AddDays(1),
        VehicleId: "v-7");

    /// <summary>Raised now, about a vehicle last seen five minutes ago.</summary>
    private static Alert Offline(string id) => new(
        id,
        Company,
        AlertType.VehicleOffline,
        AlertSeverity.Medium,
        "Offline: Truck 9",
        "Truck 9 has sent nothing for 5 min.",
        Now.AddMinutes(-5),
        Now,
        Now.AddDays(1),
        VehicleId: "v-9");
}
