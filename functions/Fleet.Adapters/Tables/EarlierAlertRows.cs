using System.Net;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Fleet.Core.Alerts;

namespace Fleet.Adapters.Tables;

/// <summary>
/// Moves the rows of the earlier layout, keyed by inverted event ticks, to the current keys (by when each alert was
/// raised, <see cref="AlertEntity"/>), so that a deployed table holds each alert once, where it lists.
/// </summary>
/// <remarks>
/// <para>
/// The store runs this before its first use in each process, so an upgraded deployment lists, rewrites, marks and
/// deletes only moved rows; and with every expiry sweep, for rows an instance of the earlier version still writes while
/// a deployment rolls over. Lists read the current keys alone, so such a row is never listed beside its alert's current
/// row; it waits for the next sweep (minutes) to be listed.
/// </para>
/// <para>
/// Instances may move at once. A row is moved by inserting its current row, then deleting it only if it is unchanged
/// since read (If-Match). Where the current row exists already (written since), it stays, unless only the moved one is
/// final (the sink's rule), and a read mark on either stays. Whatever changed meanwhile is left for the next run.
/// </para>
/// <para>
/// A user's delete that falls between another instance's read of a row and its insert of the moved row leaves the alert
/// showing, to be deleted once more. Rows are moved in the first seconds after an upgrade, so the window is that narrow.
/// </para>
/// <para>
/// Once no row of the earlier layout is left, a run is one query that finds nothing (a scan of the table, as the expiry
/// sweep's own). This can go once every alert the earlier version wrote has expired.
/// </para>
/// </remarks>
internal static class EarlierAlertRows
{
    public static async Task MoveAsync(TableClient table, ParallelOptions options)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey lt {AlertEntity.KeyMark}");

        // Moving behind the query is safe: its continuation is a key position, not an offset.
        await foreach (var page in table.QueryAsync<TableEntity>(filter, cancellationToken: options.CancellationToken).AsPages())
        {
            await Parallel.ForEachAsync(page.Values, options, async (earlier, token) => await MoveAsync(table, earlier, token));
        }
    }

    private static async Task MoveAsync(TableClient table, TableEntity earlier, CancellationToken cancellationToken)
    {
        var stored = AlertEntity.ToStoredAlert(earlier);
        var moved = AlertEntity.From(stored.Alert);
        if (stored.Read)
        {
            moved[AlertEntity.Read] = true;
        }

        try
        {
            await table.AddEntityAsync(moved, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == TableErrorCode.EntityAlreadyExists)
        {
            if (!await MergeAsync(table, moved, stored, cancellationToken))
            {
                return;
            }
        }

        try
        {
            // A 404 is no failure: another instance moved it first.
            await table.DeleteEntityAsync(earlier.PartitionKey, earlier.RowKey, earlier.ETag, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            // Rewritten since read by an instance of the earlier version: the next run moves that version.
        }
    }

    /// <summary>What the moved row adds to the current one: its final version over one that is not, its read mark.</summary>
    /// <returns>Whether the current row now holds that; false when it changed meanwhile (the next run tries again).</returns>
    private static async Task<bool> MergeAsync(TableClient table, TableEntity moved, StoredAlert stored, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(
            moved.PartitionKey, moved.RowKey, [AlertEntity.Final, AlertEntity.Read], cancellationToken);
        if (!found.HasValue)
        {
            return false;
        }

        // A merge: a read mark the current row has stays.
        var current = found.Value!;
        var change = stored.Alert.Final && current.GetBoolean(AlertEntity.Final) != true ? moved
            : stored.Read && current.GetBoolean(AlertEntity.Read) != true ? ReadMark(moved)
            : null;
        if (change is null)
        {
            return true;
        }

        try
        {
            await table.UpdateEntityAsync(change, current.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static TableEntity ReadMark(TableEntity row) => new(row.PartitionKey, row.RowKey) { [AlertEntity.Read] = true };
}
