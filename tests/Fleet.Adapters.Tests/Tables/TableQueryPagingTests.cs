using System.Net;
using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Tables;

public sealed class TableQueryPagingTests
{
    [Fact]
    public async Task Empty_pages_with_a_continuation_are_followed_and_a_missing_next_row_key_is_not_sent()
    {
        var handler = new FakeTableHandler()
            .Then(_ => Page("""{"value":[]}""", nextPartitionKey: "c+1/=", nextRowKey: "r 2"))
            .Then(_ => Page("""{"value":[{"PartitionKey":"c2","RowKey":"a"}]}""", nextPartitionKey: "c3", nextRowKey: null))
            .Then(_ => Page("""{"value":[{"PartitionKey":"c3","RowKey":"b"}]}""", nextPartitionKey: null, nextRowKey: null));
        using var http = new HttpClient(handler);
        var table = new TableClient("UseDevelopmentStorage=true", "fleet", http);

        var pages = new List<TableQueryPage>();
        await foreach (var page in table.QueryPagesAsync("Read eq true", maxPerPage: 10, select: ["A"]))
        {
            pages.Add(page);
        }

        Assert.Equal([0, 1, 1], pages.Select(page => page.Entities.Count));
        Assert.Equal(
            [
                "?$filter=Read%20eq%20true&$top=10&$select=A%2CPartitionKey%2CRowKey",
                "?$filter=Read%20eq%20true&$top=10&$select=A%2CPartitionKey%2CRowKey&NextPartitionKey=c%2B1%2F%3D&NextRowKey=r%202",
                "?$filter=Read%20eq%20true&$top=10&$select=A%2CPartitionKey%2CRowKey&NextPartitionKey=c3",
            ],
            handler.Sent.Select(sent => sent.Uri.Query));
    }

    private static HttpResponseMessage Page(string body, string? nextPartitionKey, string? nextRowKey)
    {
        var response = FakeTableHandler.Response(HttpStatusCode.OK, body);
        if (nextPartitionKey is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ms-continuation-NextPartitionKey", nextPartitionKey);
        }

        if (nextRowKey is not null)
        {
            response.Headers.TryAddWithoutValidation("x-ms-continuation-NextRowKey", nextRowKey);
        }

        return response;
    }
}
