using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Contracts;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>One store on a fresh table for the whole contract class; the store creates the table at first use.</summary>
public sealed class TableAlertStoreFixture
{
    public TableAlertStore Store { get; } =
        new(AzuriteTables.CreateServiceClient(), new TableAlertStoreOptions { TableName = AzuriteTables.NewTableName() });
}

public sealed class TableAlertStoreContract(TableAlertStoreFixture fixture) : AlertStoreContract, IClassFixture<TableAlertStoreFixture>
{
    protected override IAlertStore Store => fixture.Store;
}
