using Azure.Data.Tables;

namespace Fleet.Adapters.Tables;

/// <summary>
/// A table created the first time a store needs it, once per process: stores start without a round trip, and a
/// deployment need not create its tables ahead. A store's <c>prepare</c> runs once the table exists and
/// before anything uses it (the alert store moves rows an earlier version laid out otherwise).
/// </summary>
internal sealed class TableOnFirstUse(TableClient table, Func<TableClient, CancellationToken, Task>? prepare = null)
{
    private readonly SemaphoreSlim _creating = new(1, 1);
    private volatile bool _ready;

    public TableClient Table => table;

    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return table;
        }

        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (!_ready)
            {
                await table.CreateIfNotExistsAsync(cancellationToken);
                if (prepare is not null)
                {
                    await prepare(table, cancellationToken);
                }

                _ready = true;
            }

            return table;
        }
        finally
        {
            _creating.Release();
        }
    }
}
