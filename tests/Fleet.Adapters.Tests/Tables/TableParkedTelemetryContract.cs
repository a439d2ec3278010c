using Azure.Data.Tables;
using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Contracts;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>One store on a fresh Azurite table for the whole contract class; the store creates the table at first use.</summary>
public sealed class TableParkedTelemetryFixture
{
    public string TableName { get; } = AzuriteTables.NewTableName();

    public TableParkedTelemetry Store => new(AzuriteTables.CreateServiceClient(), TableName);
}

public sealed class TableParkedTelemetryContract(TableParkedTelemetryFixture fixture) : ParkedTelemetryContract, IClassFixture<TableParkedTelemetryFixture>
{
    protected override IParkedTelemetry Store { get; } = fixture.Store;

    [Fact]
    public async Task A_batch_whose_head_was_never_written_is_neither_listed_nor_read()
    {
        var partition = NewPartition();
        var batchId = partition + "-00000000000000000001-00000000000000000001";
        var table = AzuriteTables.CreateServiceClient().GetTableClient(fixture.TableName);
        await Store.ListAsync(1, Token);
        await table.UpsertEntityAsync(new TableEntity(batchId, "000000") { ["BodyLength"] = 0 }, TableUpdateMode.Replace, Token);

        Assert.DoesNotContain(batchId, await Store.ListAsync(1000, Token));
        Assert.Null(await Store.GetAsync(batchId, Token));
    }
}
