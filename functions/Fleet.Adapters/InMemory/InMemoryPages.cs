using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>Pages of what the in-memory stores hold, in the order and with the cursors the PostgreSQL stores use.</summary>
internal static class InMemoryPages
{
    /// <summary>The items whose ids sort after the page's cursor in code-point order, as <c>COLLATE "C"</c> sorts them.</summary>
    public static ListPage<T> Of<T>(IEnumerable<T> items, Func<T, string> idOf, IdPage page) =>
        ListPage.Of(
            [.. items.Where(item => page.After is null || string.CompareOrdinal(idOf(item), page.After) > 0).OrderBy(idOf, StringComparer.Ordinal).Take(page.Limit + 1)],
            page.Limit);

    /// <summary>
    /// The items of a newest-first list (by time, then id in code-point order) that come after the cursor: older, or as old
    /// with a greater id.
    /// </summary>
    public static ListPage<T> NewestFirst<T>(IEnumerable<T> items, Func<T, DateTimeOffset> timeOf, Func<T, string> idOf, NewestFirstCursor? after, int limit) =>
        ListPage.Of(
            [.. items
                .Where(item => after is null || timeOf(item) < after.At || (timeOf(item) == after.At && string.CompareOrdinal(idOf(item), after.Id) > 0))
                .OrderByDescending(timeOf)
                .ThenBy(idOf, StringComparer.Ordinal)
                .Take(limit + 1)],
            limit);

    /// <summary>
    /// The items of an oldest-first list (by time, then id in code-point order) that come after the cursor: newer, or as
    /// new with a greater id.
    /// </summary>
    public static ListPage<T> OldestFirst<T>(IEnumerable<T> items, Func<T, DateTimeOffset> timeOf, Func<T, string> idOf, OldestFirstCursor? after, int limit) =>
        ListPage.Of(
            [.. items
                .Where(item => after is null || timeOf(item) > after.At || (timeOf(item) == after.At && string.CompareOrdinal(idOf(item), after.Id) > 0))
                .OrderBy(timeOf)
                .ThenBy(idOf, StringComparer.Ordinal)
                .Take(limit + 1)],
            limit);
}
