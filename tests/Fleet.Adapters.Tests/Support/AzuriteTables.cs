using Fleet.Adapters.Tables;

namespace Fleet.Adapters.Tests.Support;

/// <summary>Clients for the Azurite Table service of <see cref="TestServers"/>, and table names no other test uses.</summary>
internal static class AzuriteTables
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static TableServiceClient CreateServiceClient() =>
        new(TestServers.TablesConnectionString, Http, new TableClientOptions { RetryDelay = TimeSpan.FromMilliseconds(50) });

    /// <summary>Letters and digits starting with a letter, as table names must be.</summary>
    public static string NewTableName() => "t" + Guid.NewGuid().ToString("N");

    public static async Task<TableClient> CreateTableAsync()
    {
        var table = CreateServiceClient().GetTableClient(NewTableName());
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
