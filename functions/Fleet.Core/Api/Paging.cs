using System.Globalization;
using Fleet.Core.Ports;

namespace Fleet.Core.Api;

/// <summary>
/// How many items one page of a list endpoint holds: what a caller gets without asking, and the most one may ask for,
/// so that no response grows with the data behind it. The rest is a next page away (<see cref="ApiResult{T}.NextAfter"/>).
/// </summary>
public sealed record PageSize(int Default, int Max)
{
    public const string LimitParameter = "limit";
    public const string AfterParameter = "after";

    /// <summary>The size asked for, the default when none was, or the 400 naming <c>limit</c>.</summary>
    public (int Size, ApiProblem? Problem) Of(int? limit) =>
        limit is null ? (Default, null)
        : limit < 1 || limit > Max ? (0, ApiProblem.InvalidField(LimitParameter, $"limit must be between 1 and {Max}."))
        : (limit.Value, null);
}

/// <summary>The text of the <c>after</c> cursors of lists that are not ordered by id alone.</summary>
public static class PageCursors
{
    // Ticks are digits only, so the first separator ends them whatever the id holds.
    private const char Separator = '_';

    /// <summary>A newest-first position as its cursor: the time's UTC ticks, then the id.</summary>
    public static string Write(NewestFirstCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return Write(cursor.At, cursor.Id);
    }

    /// <summary>An oldest-first position as its cursor, written as a newest-first one is.</summary>
    public static string Write(OldestFirstCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return Write(cursor.At, cursor.Id);
    }

    /// <summary>The position a cursor of <see cref="Write(NewestFirstCursor)"/> names; null when none was given, or the 400 naming <c>after</c>.</summary>
    public static (NewestFirstCursor? Cursor, ApiProblem? Problem) ReadNewestFirst(string? after)
    {
        var (position, problem) = Read(after);
        return (position is { } read ? new NewestFirstCursor(read.At, read.Id) : null, problem);
    }

    /// <summary>The position a cursor of <see cref="Write(OldestFirstCursor)"/> names; null when none was given, or the 400 naming <c>after</c>.</summary>
    public static (OldestFirstCursor? Cursor, ApiProblem? Problem) ReadOldestFirst(string? after)
    {
        var (position, problem) = Read(after);
        return (position is { } read ? new OldestFirstCursor(read.At, read.Id) : null, problem);
    }

    private static string Write(DateTimeOffset at, string id) => at.UtcTicks.ToString(CultureInfo.InvariantCulture) + Separator + id;

    private static ((DateTimeOffset At, string Id)? Position, ApiProblem? Problem) Read(string? after)
    {
        if (after is null)
        {
            return (null, null);
        }

        var separator = after.IndexOf(Separator, StringComparison.Ordinal);
        return separator > 0 && separator < after.Length - 1 &&
            long.TryParse(after.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) &&
            ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? ((new DateTimeOffset(ticks, TimeSpan.Zero), after[(separator + 1)..]), null)
            : (null, ApiProblem.InvalidField(PageSize.AfterParameter, "after must be a cursor from a next link, as the server gave it."));
    }
}
