using System.Net;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Alerts in Table Storage (see <see cref="AlertEntity"/> for the layout); the table is created at first use, and rows
/// of the earlier layout are moved then (<see cref="EarlierAlertRows"/>).
/// A final version is merged in without the Read flag, so a replay never marks a read alert unread; a version that is
/// not final is only ever inserted, so it never replaces anything, least of all a final version.
/// </summary>
public sealed class TableAlertStore : IAlertStore
{
    // Marking read only races with replays rewriting the same alert, so a few rounds are plenty; past them the 412 surfaces.
    private const int MaxMarkReadAttempts = 5;

    // A select names every property it wants back, the keys included.
    private static readonly string[] KeysOnly = ["PartitionKey", "RowKey"];

    private readonly TableOnFirstUse _table;
    private readonly int _maxConcurrentRequests;

    public TableAlertStore(TableServiceClient service, TableAlertStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRequests, 1);
        _maxConcurrentRequests = options.MaxConcurrentRequests;
        _table = new TableOnFirstUse(
            service.GetTableClient(options.TableName), (table, token) => EarlierAlertRows.MoveAsync(table, Options(token)));
    }

    public async Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return;
        }

        var table = await TableAsync(cancellationToken);

        // Versions of one alert are written in the order given, so the last one wins as it would one at a time.
        var versionsByAlert = alerts.GroupBy(alert => (alert.CompanyId, alert.Id));
        await Parallel.ForEachAsync(versionsByAlert, Options(cancellationToken), async (versions, token) =>
        {
            foreach (var alert in versions)
            {
                await WriteAsync(table, alert, token);
            }
        });
    }

    /// <remarks>
    /// A partition lists newest raised first by its row keys (<see cref="AlertEntity"/>), so the next page is the rows
    /// after the cursor's row key; one row past the page tells whether another follows. Rows of the earlier layout, keyed
    /// below the mark, are never listed: one that an instance of the earlier version writes during a rolling deployment
    /// may repeat an alert listed already (the next expiry sweep moves it).
    /// </remarks>
    public async Task<ListPage<StoredAlert>> ListAsync(string companyId, AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(companyId);
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Min(query.Limit, AlertQuery.MaxLimit);
        if (limit <= 0)
        {
            return new ListPage<StoredAlert>([], More: false);
        }

        var table = await TableAsync(cancellationToken);
        var from = query.After is { } after ? AlertEntity.RowKey(after.At, after.Id) : AlertEntity.KeyMark;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {companyId} and RowKey gt {from} and ExpiresAt gt {query.Now}");
        var listed = new List<StoredAlert>(limit + 1);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: limit + 1, cancellationToken: cancellationToken))
        {
            var stored = AlertEntity.ToStoredAlert(entity);

            // Filtered here, not with "Read ne true": the service leaves out entities that lack the property, and
            // alerts nobody marked have none.
            if (query.UnreadOnly && stored.Read)
            {
                continue;
            }

            listed.Add(stored);
            if (listed.Count > limit)
            {
                break;
            }
        }

        return ListPage.Of(listed, limit);
    }

    public async Task<StoredAlert?> GetAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        var entity = (await RowsAsync(companyId, alertId, select: null, cancellationToken)).FirstOrDefault();
        return entity is null ? null : AlertEntity.ToStoredAlert(entity);
    }

    public async Task<bool> MarkReadAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A row of the earlier layout alone is marked too: moving it keeps the mark.
            var found = (await RowsAsync(companyId, alertId, KeysOnly, cancellationToken)).FirstOrDefault();
            if (found is null)
            {
                return false;
            }

            var mark = new TableEntity(found.PartitionKey, found.RowKey) { [AlertEntity.Read] = true };
            try
            {
                await _table.Table.UpdateEntityAsync(mark, found.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.NotFound)
            {
                // Deleted since it was found.
                return false;
            }
            catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.PreconditionFailed &&
                attempt < MaxMarkReadAttempts)
            {
                // Rewritten since it was found (a replay): find it again and mark the current version.
            }
        }
    }

    /// <remarks>Every row of the alert goes: a row of the earlier layout left behind would bring it back once moved.</remarks>
    public async Task<bool> DeleteAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        var deleted = false;
        foreach (var row in await RowsAsync(companyId, alertId, KeysOnly, cancellationToken))
        {
            deleted |= Deleted(await _table.Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken));
        }

        return deleted;
    }

    /// <remarks>
    /// Then moves the rows an instance of the earlier version wrote since the last run (<see cref="EarlierAlertRows"/>):
    /// the sweep runs every few minutes on one instance, wherever the alerts are written.
    /// </remarks>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"ExpiresAt le {now}");
        var deleted = 0;

        // Deleting behind the query is safe: its continuation is a key position, not an offset.
        await foreach (var page in table.QueryAsync<TableEntity>(filter, select: [.. KeysOnly, AlertEntity.ExpiresAt], cancellationToken: cancellationToken).AsPages())
        {
            // Checked again here because Azurite compares datetimes to the millisecond only, which would sweep alerts
            // that expire within the millisecond after now.
            var expired = page.Values.Where(entity => entity.GetDateTimeOffset(AlertEntity.ExpiresAt) <= now);
            await Parallel.ForEachAsync(expired, Options(cancellationToken), async (entity, token) =>
            {
                if (Deleted(await table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, token)))
                {
                    Interlocked.Increment(ref deleted);
                }
            });
        }

        await EarlierAlertRows.MoveAsync(table, Options(cancellationToken));
        return deleted;
    }

    private static async Task WriteAsync(TableClient table, Alert alert, CancellationToken cancellationToken)
    {
        var entity = AlertEntity.From(alert);
        if (alert.Final)
        {
            await table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
            return;
        }

        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == TableErrorCode.EntityAlreadyExists)
        {
            // Already stored: either this opening version (a replay, or our own retried insert) or a later final one,
            // which an opening version must not replace.
        }
    }

    /// <summary>
    /// The alert's rows in the company's partition, its newest current row first (and its only one read). Mostly there is
    /// one; there may also be a row an instance of the earlier version wrote during a rolling deployment (until moved),
    /// or an expired row of an alert sent again since through the API (until swept). A RowKey also holds the raised time,
    /// which the id alone does not give, so this filters on the AlertId property.
    /// </summary>
    private async Task<List<TableEntity>> RowsAsync(
        string companyId, string alertId, IEnumerable<string>? select, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(companyId);
        ArgumentNullException.ThrowIfNull(alertId);
        var table = await TableAsync(cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {companyId} and AlertId eq {alertId}");
        var earlier = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select, cancellationToken))
        {
            if (!AlertEntity.IsEarlierLayout(entity.RowKey))
            {
                // Rows of the earlier layout sort before the current one: none is left to find.
                return [entity, .. earlier];
            }

            earlier.Add(entity);
        }

        return earlier;
    }

    /// <summary>Whether a delete found the entity: the service answers 404 for one already gone, which is not an error.</summary>
    private static bool Deleted(Response response) => response.Status != (int)HttpStatusCode.NotFound;

    private ParallelOptions Options(CancellationToken cancellationToken) => new()
    {
        MaxDegreeOfParallelism = _maxConcurrentRequests,
        CancellationToken = cancellationToken,
    };

    private ValueTask<TableClient> TableAsync(CancellationToken cancellationToken) => _table.GetAsync(cancellationToken);
}
