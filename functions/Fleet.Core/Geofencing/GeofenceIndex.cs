using System.Collections.Frozen;
using Fleet.Core.Geo;

namespace Fleet.Core.Geofencing;

/// <summary>
/// A company's fences in a uniform grid, so a containment query looks at the fences near the point
/// instead of scanning all of them. Immutable: build a new index when fences change.
/// </summary>
public sealed class GeofenceIndex
{
    /// <summary>About 550 m: a cell holds few city-scale fences, and a corridor a few kilometres long spans a few dozen.</summary>
    public const double DefaultCellSizeDegrees = 0.005;

    // A fence spanning more cells than this (a whole region) is kept in a short list checked by bounding box.
    private const int MaxCellsPerFence = 4096;

    // Longer segments than this many cells fall back to a bounding-box scan of all fences.
    private const int MaxCellsPerSegmentQuery = 256;

    // Fences spread over up to this many cells (a metropolitan area at 550 m) are held in a flat array indexed by
    // row and column, which a lookup reaches without hashing; wider spreads use a dictionary.
    private const int MaxDenseCells = 1 << 20;

    private readonly double _cellSizeDegrees;
    private readonly FrozenDictionary<long, Geofence[]> _cells;
    private readonly Geofence[]?[]? _dense;
    private readonly int _denseMinRow;
    private readonly int _denseMinColumn;
    private readonly int _denseRows;
    private readonly int _denseColumns;
    private readonly Geofence[] _large;
    private readonly FrozenDictionary<string, Geofence> _byId;
    private readonly TimeSpan? _shortestExplicitDwell;
    private readonly bool _anyDefaultDwell;

    private GeofenceIndex(IEnumerable<Geofence> fences, double cellSizeDegrees)
    {
        _cellSizeDegrees = cellSizeDegrees;
        All = [.. fences.OrderBy(fence => fence.Id, StringComparer.Ordinal)];
        _byId = All.ToFrozenDictionary(fence => fence.Id, StringComparer.Ordinal);
        _shortestExplicitDwell = All.Where(fence => fence.Dwell is not null).Min(fence => fence.Dwell);
        _anyDefaultDwell = All.Any(fence => fence.Dwell is null);

        var cells = new Dictionary<long, List<Geofence>>();
        var large = new List<Geofence>();
        foreach (var fence in All)
        {
            var keys = new HashSet<long>();
            foreach (var box in fence.Shape.Cover)
            {
                var (minRow, minColumn, maxRow, maxColumn) = CellRange(box);
                for (var row = minRow; row <= maxRow && keys.Count <= MaxCellsPerFence; row++)
                {
                    for (var column = minColumn; column <= maxColumn && keys.Count <= MaxCellsPerFence; column++)
                    {
                        keys.Add(CellKey(row, column));
                    }
                }
            }

            if (keys.Count > MaxCellsPerFence)
            {
                large.Add(fence);
                continue;
            }

            foreach (var key in keys)
            {
                if (!cells.TryGetValue(key, out var list))
                {
                    cells[key] = list = [];
                }

                list.Add(fence);
            }
        }

        _cells = cells.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray());
        _large = [.. large];
        if (_cells.Count > 0)
        {
            _denseMinRow = _cells.Keys.Min(key => (int)(key >> 32));
            _denseMinColumn = _cells.Keys.Min(key => (int)(uint)key);
            _denseRows = _cells.Keys.Max(key => (int)(key >> 32)) - _denseMinRow + 1;
            _denseColumns = _cells.Keys.Max(key => (int)(uint)key) - _denseMinColumn + 1;
            if ((long)_denseRows * _denseColumns <= MaxDenseCells)
            {
                _dense = new Geofence[]?[_denseRows * _denseColumns];
                foreach (var (key, fencesInCell) in _cells)
                {
                    _dense[((int)(key >> 32) - _denseMinRow) * _denseColumns + (int)(uint)key - _denseMinColumn] = fencesInCell;
                }
            }
        }
    }

    public static GeofenceIndex Empty { get; } = new([], DefaultCellSizeDegrees);

    public IReadOnlyList<Geofence> All { get; }

    public static GeofenceIndex Build(IEnumerable<Geofence> fences, double cellSizeDegrees = DefaultCellSizeDegrees)
    {
        ArgumentNullException.ThrowIfNull(fences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cellSizeDegrees);
        return new GeofenceIndex(fences, cellSizeDegrees);
    }

    public Geofence? Find(string fenceId) => _byId.GetValueOrDefault(fenceId);

    /// <summary>The shortest dwell of any fence here, given the dwell of fences that set none.</summary>
    public TimeSpan ShortestDwell(TimeSpan defaultDwell) =>
        _shortestExplicitDwell is { } explicitDwell && (!_anyDefaultDwell || explicitDwell < defaultDwell) ? explicitDwell : defaultDwell;

    /// <summary>Every fence containing the point; an empty array (allocating nothing) when there is none.</summary>
    public Geofence[] FindContaining(GeoPoint point)
    {
        if (_byId.Count == 0)
        {
            return [];
        }

        // Points are rarely in more than one fence: the first hit needs no list.
        Geofence? first = null;
        List<Geofence>? more = null;
        var candidates = CellAt(Row(point.Latitude), Column(point.Longitude)) ?? [];
        foreach (var fences in (ReadOnlySpan<Geofence[]>)[candidates, _large])
        {
            foreach (var fence in fences)
            {
                if (!fence.Shape.Contains(point))
                {
                    continue;
                }

                if (first is null)
                {
                    first = fence;
                }
                else
                {
                    (more ??= [first]).Add(fence);
                }
            }
        }

        return more is not null ? [.. more] : first is not null ? [first] : [];
    }

    /// <summary>
    /// Adds every fence whose cover meets the segment's bounds, and perhaps a few more: the candidates for a crossing test.
    /// </summary>
    public void FindNearSegment(GeoPoint from, GeoPoint to, List<Geofence> result)
    {
        if (_byId.Count == 0)
        {
            return;
        }

        var box = BoundingBox.Of(from, to);
        var (minRow, minColumn, maxRow, maxColumn) = CellRange(box);
        if ((long)(maxRow - minRow + 1) * (maxColumn - minColumn + 1) > MaxCellsPerSegmentQuery)
        {
            AddIntersecting(All, box, result);
            return;
        }

        var start = result.Count;
        for (var row = minRow; row <= maxRow; row++)
        {
            for (var column = minColumn; column <= maxColumn; column++)
            {
                if (CellAt(row, column) is not { } candidates)
                {
                    continue;
                }

                foreach (var fence in candidates)
                {
                    if (fence.Shape.Bounds.Intersects(box) && result.IndexOf(fence, start) < 0)
                    {
                        result.Add(fence);
                    }
                }
            }
        }

        AddIntersecting(_large, box, result);
    }

    private static void AddIntersecting(IReadOnlyList<Geofence> fences, BoundingBox box, List<Geofence> result)
    {
        for (var i = 0; i < fences.Count; i++)
        {
            if (fences[i].Shape.Bounds.Intersects(box))
            {
                result.Add(fences[i]);
            }
        }
    }

    private Geofence[]? CellAt(int row, int column)
    {
        if (_dense is null)
        {
            return _cells.GetValueOrDefault(CellKey(row, column));
        }

        var denseRow = row - _denseMinRow;
        var denseColumn = column - _denseMinColumn;
        return (uint)denseRow < (uint)_denseRows && (uint)denseColumn < (uint)_denseColumns ? _dense[denseRow * _denseColumns + denseColumn] : null;
    }

    private (int MinRow, int MinColumn, int MaxRow, int MaxColumn) CellRange(BoundingBox box) =>
        (Row(box.MinLatitude), Column(box.MinLongitude), Row(box.MaxLatitude), Column(box.MaxLongitude));

    private int Row(double latitude) => (int)Math.Floor((latitude + 90) / _cellSizeDegrees);

    private int Column(double longitude) => (int)Math.Floor((longitude + 180) / _cellSizeDegrees);

    private static long CellKey(int row, int column) => ((long)row << 32) | (uint)column;
}
