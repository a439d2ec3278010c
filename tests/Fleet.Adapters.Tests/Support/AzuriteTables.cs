using Azure.Data.Tables;

namespace Fleet.Adapters.Tests.Support;

/// <summary>Clients for the Azurite Table service of <see cref="TestServers"/>, and table names no other test uses.</summary>
internal static class AzuriteTables
{
    public static TableServiceClient CreateServiceClient()
    {
        var options = new TableClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        return new TableServiceClient(TestServers.TablesConnectionString, options);
    }

    /// <summary>Letters and digits starting with a letter, as table names must be.</summary>
    public static string NewTableName() => "t" + Guid.NewGuid().ToString("N");
}
