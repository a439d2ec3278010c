using Azure;
using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Support;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>The Table client against Azurite, each test on a table of its own.</summary>
public sealed class TableClientTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Creating_a_table_twice_is_fine_and_says_which_call_created_it()
    {
        var table = AzuriteTables.CreateServiceClient().GetTableClient(AzuriteTables.NewTableName());

        Assert.True(await table.CreateIfNotExistsAsync());
        Assert.False(await table.CreateIfNotExistsAsync());
    }

    [Fact]
    public async Task Inserting_an_existing_entity_fails_with_EntityAlreadyExists()
    {
        var table = await AzuriteTables.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = "first" });

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = "second" }));

        Assert.Equal(409, failure.Status);
        Assert.Equal(TableErrorCode.EntityAlreadyExists, failure.ErrorCode);
        Assert.Equal("first", (await table.GetEntityIfExistsAsync("p", "r"))!.GetString("A"));
    }

    [Fact]
    public async Task Upsert_merge_keeps_properties_not_sent_and_upsert_replace_drops_them()
    {
        var table = await AzuriteTables.CreateTableAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = "a1", ["B"] = "b1" }, TableUpdateMode.Replace);

        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = "a2" }, TableUpdateMode.Merge);
        var merged = (await table.GetEntityIfExistsAsync("p", "r"))!;
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = "a3" }, TableUpdateMode.Replace);
        var replaced = (await table.GetEntityIfExistsAsync("p", "r"))!;

        Assert.Equal(("a2", "b1"), (merged.GetString("A"), merged.GetString("B")));
        Assert.Equal("a3", replaced.GetString("A"));
        Assert.Null(replaced.GetString("B"));
    }

    [Fact]
    public async Task A_conditional_merge_with_a_stale_etag_fails_with_412()
    {
        var table = await AzuriteTables.CreateTableAsync();
        var first = await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1 });
        var second = await table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 2 }, first);

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 3 }, first));

        Assert.NotEqual(first, second);
        Assert.Equal(412, failure.Status);
        Assert.Equal(TableErrorCode.UpdateConditionNotSatisfied, failure.ErrorCode);
        var stored = (await table.GetEntityIfExistsAsync("p", "r"))!;
        Assert.Equal(2, stored.GetInt32("A"));
        Assert.Equal(second, stored.ETag);
    }

    [Fact]
    public async Task An_update_of_a_missing_entity_fails_with_404_and_creates_nothing()
    {
        var table = await AzuriteTables.CreateTableAsync();

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => table.UpdateEntityAsync(new TableEntity("p", "r") { ["A"] = 1 }, ETag.All));

        Assert.Equal(404, failure.Status);
        Assert.Null(await table.GetEntityIfExistsAsync("p", "r"));
    }

    [Fact]
    public async Task Getting_a_missing_entity_returns_null_but_a_missing_table_fails()
    {
        var table = await AzuriteTables.CreateTableAsync();
        var missingTable = AzuriteTables.CreateServiceClient().GetTableClient(AzuriteTables.NewTableName());

        Assert.Null(await table.GetEntityIfExistsAsync("p", "nothing"));
        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(() => missingTable.GetEntityIfExistsAsync("p", "r"));
        Assert.Equal(TableErrorCode.TableNotFound, failure.ErrorCode);
    }

    [Fact]
    public async Task A_query_follows_continuation_pages_and_returns_every_entity_once()
    {
        const int EntityCount = 30;
        const int PageSize = 7;
        var table = await AzuriteTables.CreateTableAsync();
        await Task.WhenAll(Enumerable.Range(0, EntityCount).Select(index =>
            table.AddEntityAsync(new TableEntity(index % 2 == 0 ? "even" : "odd", $"r{index:D2}") { ["Index"] = index })));

        var pages = new List<TableQueryPage>();
        await foreach (var page in table.QueryPagesAsync(maxPerPage: PageSize))
        {
            pages.Add(page);
        }

        var indexes = pages.SelectMany(page => page.Entities).Select(entity => entity.GetInt32("Index")!.Value).ToList();
        Assert.Equal(Enumerable.Range(0, EntityCount), indexes.Order());
        Assert.True(pages.Count >= EntityCount / PageSize, $"{pages.Count} pages");
        Assert.All(pages, page => Assert.InRange(page.Entities.Count, 0, PageSize));
    }

    [Fact]
    public async Task Filters_compare_datetimes_int64s_bools_and_strings_with_quotes()
    {
        var table = await AzuriteTables.CreateTableAsync();
        const string QuotedKey = "O'Brien & Sons: 100% \"fleet\"";
        var entities = new[]
        {
            new TableEntity("p", "early") { ["At"] = Noon.AddHours(-1), ["Count"] = long.MaxValue - 10, ["Flag"] = true, ["Name"] = "it's" },
            new TableEntity("p", "late") { ["At"] = Noon.AddHours(1), ["Count"] = 5L, ["Flag"] = false, ["Name"] = "plain" },
            new TableEntity("p", QuotedKey) { ["At"] = Noon, ["Count"] = long.MaxValue, ["Flag"] = false, ["Name"] = QuotedKey },
        };
        foreach (var entity in entities)
        {
            await table.AddEntityAsync(entity);
        }

        Assert.Equal(["early"], await RowKeysAsync(table, TableClient.CreateQueryFilter($"At lt {Noon}")));
        Assert.Equal([QuotedKey, "late"], await RowKeysAsync(table, TableClient.CreateQueryFilter($"At ge {Noon}")));
        Assert.Equal([QuotedKey], await RowKeysAsync(table, TableClient.CreateQueryFilter($"Count gt {long.MaxValue - 1}")));
        Assert.Equal(["early"], await RowKeysAsync(table, TableClient.CreateQueryFilter($"Flag eq {true}")));
        Assert.Equal(["early"], await RowKeysAsync(table, TableClient.CreateQueryFilter($"Name eq {"it's"}")));
        Assert.Equal([QuotedKey], await RowKeysAsync(table, TableClient.CreateQueryFilter($"RowKey eq {QuotedKey} and Name eq {QuotedKey}")));
        Assert.Equal(QuotedKey, (await table.GetEntityIfExistsAsync("p", QuotedKey))!.GetString("Name"));
        Assert.True(await table.DeleteEntityAsync("p", QuotedKey));
        Assert.Null(await table.GetEntityIfExistsAsync("p", QuotedKey));
    }

    [Fact]
    public async Task Deleting_reports_whether_there_was_an_entity_and_honours_the_etag()
    {
        var table = await AzuriteTables.CreateTableAsync();
        var stale = await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = 1 });
        await table.UpsertEntityAsync(new TableEntity("p", "r") { ["A"] = 2 });

        var failure = await Assert.ThrowsAsync<TableRequestFailedException>(() => table.DeleteEntityAsync("p", "r", stale));

        Assert.Equal(412, failure.Status);
        Assert.True(await table.DeleteEntityAsync("p", "r"));
        Assert.False(await table.DeleteEntityAsync("p", "r"));
    }

    [Fact]
    public async Task Typed_properties_round_trip_exactly()
    {
        var table = await AzuriteTables.CreateTableAsync();
        var at = new DateTimeOffset(2026, 11, 21, 13, 14, 15, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var id = Guid.NewGuid();
        var written = new TableEntity("p", "r")
        {
            ["Text"] = "héllo \u2603 'quoted'",
            ["Flag"] = true,
            ["Small"] = int.MinValue,
            ["Big"] = long.MaxValue - 1,
            ["Negative"] = long.MinValue,
            ["Sum"] = 0.1 + 0.2,
            ["Whole"] = 5.0,
            ["Tiny"] = double.Epsilon,
            ["NotANumber"] = double.NaN,
            ["At"] = at,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
        };
        await table.AddEntityAsync(written);

        var read = (await table.GetEntityIfExistsAsync("p", "r"))!;
        var queried = await SingleAsync(table.QueryAsync(TableClient.CreateQueryFilter($"RowKey eq {"r"}")));

        foreach (var entity in new[] { read, queried })
        {
            Assert.Equal("héllo \u2603 'quoted'", entity.GetString("Text"));
            Assert.True(entity.GetBoolean("Flag"));
            Assert.Equal(int.MinValue, entity.GetInt32("Small"));
            Assert.Equal(long.MaxValue - 1, entity.GetInt64("Big"));
            Assert.Equal(long.MinValue, entity.GetInt64("Negative"));
            Assert.Equal(0.1 + 0.2, entity.GetDouble("Sum"));
            Assert.Equal(5.0, entity.GetDouble("Whole"));
            Assert.Equal(double.Epsilon, entity.GetDouble("Tiny"));
            Assert.True(double.IsNaN(entity.GetDouble("NotANumber")!.Value));
            Assert.Equal(at.UtcTicks, entity.GetDateTimeOffset("At")!.Value.UtcTicks);
            Assert.Equal(TimeSpan.Zero, entity.GetDateTimeOffset("At")!.Value.Offset);
            Assert.Equal(id, entity.GetGuid("Id"));
            Assert.Equal([0, 1, 2, 254, 255], entity.GetBinary("Bytes"));
            Assert.NotEqual(default, entity.ETag);
            Assert.NotNull(entity.Timestamp);
        }
    }

    [Fact]
    public async Task A_select_returns_only_the_named_properties_and_the_keys()
    {
        var table = await AzuriteTables.CreateTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" });

        var entity = await SingleAsync(table.QueryAsync(select: ["A"]));

        Assert.Equal(("p", "r"), (entity.PartitionKey, entity.RowKey));
        Assert.Equal(["A"], entity.Properties.Keys);
    }

    private static async Task<List<string>> RowKeysAsync(TableClient table, string filter)
    {
        var rowKeys = new List<string>();
        await foreach (var entity in table.QueryAsync(filter))
        {
            rowKeys.Add(entity.RowKey);
        }

        return rowKeys;
    }

    private static async Task<TableEntity> SingleAsync(IAsyncEnumerable<TableEntity> entities)
    {
        var all = new List<TableEntity>();
        await foreach (var entity in entities)
        {
            all.Add(entity);
        }

        return Assert.Single(all);
    }
}
