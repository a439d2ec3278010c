using System.Net;
using System.Text.Json;
using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Tables;

public sealed class TableEntityTests
{
    [Fact]
    public void Only_table_types_can_be_set_and_null_removes_a_property()
    {
        var entity = new TableEntity("p", "r") { ["A"] = "a", ["B"] = 1 };

        entity["A"] = null;

        Assert.Equal(["B"], entity.Properties.Keys);
        Assert.Throws<ArgumentException>(() => entity["C"] = 1.5m);
        Assert.Throws<ArgumentException>(() => entity["D"] = DateTime.UtcNow);
        Assert.Throws<ArgumentException>(() => entity["RowKey"] = "other");
        Assert.Throws<InvalidOperationException>(() => entity.GetString("B"));
        Assert.Equal(1L, entity.GetInt64("B"));
        Assert.Equal(1.0, entity.GetDouble("B"));
        Assert.Null(entity.GetString("missing"));
    }

    [Fact]
    public async Task Values_are_written_with_the_type_annotations_the_service_needs()
    {
        var handler = new FakeTableHandler().Then(HttpStatusCode.NoContent);
        using var http = new HttpClient(handler);
        var table = new TableClient("UseDevelopmentStorage=true", "fleet", http);

        await table.AddEntityAsync(new TableEntity("p", "r")
        {
            ["Count"] = long.MaxValue,
            ["Whole"] = 5.0,
            ["Infinite"] = double.NegativeInfinity,
            ["At"] = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero),
            ["Small"] = 3,
        });

        var sent = Assert.Single(handler.Sent);
        using var body = JsonDocument.Parse(sent.Body!);
        var json = body.RootElement;
        Assert.Equal("return-no-content", sent.Headers["Prefer"]);
        Assert.Equal(("p", "r"), (json.GetProperty("PartitionKey").GetString(), json.GetProperty("RowKey").GetString()));
        Assert.Equal(
            ("9223372036854775807", "Edm.Int64"), (json.GetProperty("Count").GetString(), json.GetProperty("Count@odata.type").GetString()));
        Assert.Equal((5.0, "Edm.Double"), (json.GetProperty("Whole").GetDouble(), json.GetProperty("Whole@odata.type").GetString()));
        Assert.Equal("-Infinity", json.GetProperty("Infinite").GetString());
        Assert.Equal(
            ("2026-11-21T12:00:00.0000000Z", "Edm.DateTime"),
            (json.GetProperty("At").GetString(), json.GetProperty("At@odata.type").GetString()));
        Assert.Equal(3, json.GetProperty("Small").GetInt32());
        Assert.False(json.TryGetProperty("Small@odata.type", out _));
    }

    [Fact]
    public async Task Minimal_metadata_responses_are_read_by_their_annotations()
    {
        const string Page = """
            {"odata.metadata":"http://x/$metadata#t","value":[{"odata.etag":"W/\"datetime'2026-11-21T12%3A00%3A00.1Z'\"",
            "PartitionKey":"p","RowKey":"r","Timestamp":"2026-11-21T12:00:00.1Z","Count@odata.type":"Edm.Int64","Count":"-5",
            "At@odata.type":"Edm.DateTime","At":"2026-11-21T12:00:00.1234567Z","Text":"5","Small":7,"Whole":5.0,
            "Nan@odata.type":"Edm.Double","Nan":"NaN","Flag":false}]}
            """;
        var handler = new FakeTableHandler().Then(HttpStatusCode.OK, Page);
        using var http = new HttpClient(handler);
        var table = new TableClient("UseDevelopmentStorage=true", "fleet", http);

        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync())
        {
            entities.Add(entity);
        }

        var read = Assert.Single(entities);
        Assert.Equal("W/\"datetime'2026-11-21T12%3A00%3A00.1Z'\"", read.ETag.ToString());
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 0, 100, TimeSpan.Zero), read.Timestamp);
        Assert.Equal(-5L, read.Properties["Count"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567), read.Properties["At"]);
        Assert.Equal("5", read.Properties["Text"]);
        Assert.Equal(7, read.Properties["Small"]);
        Assert.Equal(5.0, read.Properties["Whole"]);
        Assert.True(double.IsNaN(read.GetDouble("Nan")!.Value));
        Assert.Equal(false, read.Properties["Flag"]);
        Assert.Equal(["Count", "At", "Text", "Small", "Whole", "Nan", "Flag"], read.Properties.Keys);
    }
}
