using Azure.Data.Tables;

namespace Fleet.Adapters.Tables;

/// <summary>
/// A table created the first time a store needs it, once per process: stores start without a round trip, and a
/// deployment need not create its tables ahead.
/// </summary>
internal sealed class TableOnFirstUse(TableClient table)
{
    private readonly SemaphoreSlim _creating = new(1, 1);
    private volatile bool _created;

    public TableClient Table => table;

    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return table;
        }

        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await table.CreateIfNotExistsAsync(cancellationToken);
                _created = true;
            }

            return table;
        }
        finally
        {
            _creating.Release();
        }
    }
}
