using System.Collections.Immutable;
using Fleet.Core.Geo;

namespace Fleet.Core.Geofencing;

/// <summary>
/// A fence geometry. Edges are straight in lat/lon, which is exact enough for city-scale fences.
/// Shapes are classes, not records: derived data is computed once and a <c>with</c> copy would carry it over stale.
/// </summary>
public abstract class GeofenceShape
{
    /// <summary>
    /// Containment runs for every fix near the fence: bounding its vertices bounds what one company's fences can cost
    /// every other company sharing the partition (a million-vertex polygon stalled batches for over a minute).
    /// </summary>
    public const int MaxVertices = 5_000;

    public const int MaxHoles = 100;

    public const double MaxRadiusMeters = 1_000_000;

    public const double MaxHalfWidthMeters = 10_000;

    private protected GeofenceShape()
    {
    }

    public abstract BoundingBox Bounds { get; }

    /// <summary>Boxes that together cover the shape, tighter than <see cref="Bounds"/> where the shape is thin.</summary>
    public virtual IEnumerable<BoundingBox> Cover => [Bounds];

    public abstract bool Contains(GeoPoint point);

    /// <summary>Whether the shape is well formed: a caller rejects fences for which this returns an error.</summary>
    public abstract string? Validate();
}

public sealed class CircleShape(GeoPoint center, double radiusMeters) : GeofenceShape
{
    // Up to this radius a flat-earth distance, with the longitude scale taken at the mid-latitude, is within
    // centimetres of the great-circle distance and needs no trigonometry per point; beyond it, haversine.
    private const double MaxPlanarRadiusMeters = 20_000;

    private readonly double _cosCenterLatitude = Math.Cos(GeoMath.DegreesToRadians(center.Latitude));
    private readonly double _sinCenterLatitude = Math.Sin(GeoMath.DegreesToRadians(center.Latitude));

    public GeoPoint Center { get; } = center;

    public double RadiusMeters { get; } = radiusMeters;

    public override BoundingBox Bounds { get; } = new BoundingBox(
        center.Latitude, center.Longitude, center.Latitude, center.Longitude).Expand(radiusMeters);

    public override bool Contains(GeoPoint point)
    {
        if (!Bounds.Contains(point))
        {
            return false;
        }

        if (RadiusMeters > MaxPlanarRadiusMeters)
        {
            return GeoMath.DistanceMeters(Center, point) <= RadiusMeters;
        }

        // cos(mid-latitude) to first order around the centre: cos(c + d/2) ~ cos(c) - sin(c) * d/2.
        var dLatitude = point.Latitude - Center.Latitude;
        var cosMidLatitude = _cosCenterLatitude - _sinCenterLatitude * GeoMath.DegreesToRadians(dLatitude) / 2;
        var north = dLatitude * GeoMath.MetersPerDegreeLatitude;
        var east = (point.Longitude - Center.Longitude) * GeoMath.MetersPerDegreeLatitude * cosMidLatitude;
        return north * north + east * east <= RadiusMeters * RadiusMeters;
    }

    public override string? Validate() =>
        !Center.IsValid ? "circle centre is not a valid coordinate"
        : !(RadiusMeters > 0 && RadiusMeters <= MaxRadiusMeters) ? $"circle radius must be more than 0 and at most {MaxRadiusMeters} metres"
        : null;
}

/// <summary>A polygon with optional holes; rings need not repeat their first vertex.</summary>
public sealed class PolygonShape(ImmutableArray<GeoPoint> outer, ImmutableArray<ImmutableArray<GeoPoint>> holes) : GeofenceShape
{
    public PolygonShape(ImmutableArray<GeoPoint> outer)
        : this(outer, [])
    {
    }

    public ImmutableArray<GeoPoint> Outer { get; } = outer;

    public ImmutableArray<ImmutableArray<GeoPoint>> Holes { get; } = holes;

    public override BoundingBox Bounds { get; } = BoundingBox.Of(outer);

    public override bool Contains(GeoPoint point)
    {
        if (!Bounds.Contains(point) || !RingContains(Outer.AsSpan(), point))
        {
            return false;
        }

        foreach (var hole in Holes)
        {
            if (RingContains(hole.AsSpan(), point))
            {
                return false;
            }
        }

        return true;
    }

    public override string? Validate()
    {
        if (Outer.Length + Holes.Sum(hole => hole.Length) > MaxVertices || Holes.Length > MaxHoles)
        {
            return $"a polygon may have at most {MaxVertices} vertices in all and {MaxHoles} holes";
        }

        if (Outer.Distinct().Count() < 3 || Holes.Any(hole => hole.Distinct().Count() < 3))
        {
            return "every polygon ring needs at least 3 distinct vertices";
        }

        return Outer.Concat(Holes.SelectMany(hole => hole)).All(vertex => vertex.IsValid)
            ? null
            : "polygon has an invalid coordinate";
    }

    /// <summary>Even-odd ray casting with x = longitude, y = latitude.</summary>
    private static bool RingContains(ReadOnlySpan<GeoPoint> ring, GeoPoint point)
    {
        var inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
        {
            var a = ring[i];
            var b = ring[j];
            if ((a.Latitude > point.Latitude) != (b.Latitude > point.Latitude) &&
                point.Longitude < (b.Longitude - a.Longitude) * (point.Latitude - a.Latitude) / (b.Latitude - a.Latitude) + a.Longitude)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

/// <summary>A route with a tolerance: inside when within <see cref="HalfWidthMeters"/> of the polyline.</summary>
public sealed class CorridorShape(ImmutableArray<GeoPoint> path, double halfWidthMeters) : GeofenceShape
{
    private readonly ImmutableArray<BoundingBox> _segmentBounds = [.. SegmentBounds(path, halfWidthMeters)];
    private readonly ImmutableArray<Segment> _segments = [.. Segments(path)];

    public ImmutableArray<GeoPoint> Path { get; } = path;

    public double HalfWidthMeters { get; } = halfWidthMeters;

    public override BoundingBox Bounds { get; } = BoundingBox.Of(path).Expand(halfWidthMeters);

    /// <summary>A diagonal corridor's bounds are mostly empty; its segments' bounds are not.</summary>
    public override IEnumerable<BoundingBox> Cover => _segmentBounds;

    public override bool Contains(GeoPoint point)
    {
        if (!Bounds.Contains(point))
        {
            return false;
        }

        var halfWidthSquared = HalfWidthMeters * HalfWidthMeters;
        for (var i = 0; i < _segments.Length; i++)
        {
            if (_segmentBounds[i].Contains(point) && _segments[i].DistanceSquaredMeters(point) <= halfWidthSquared)
            {
                return true;
            }
        }

        return false;
    }

    public override string? Validate() =>
        Path.Length < 2 ? "a corridor needs at least 2 points"
        : Path.Length > MaxVertices ? $"a corridor may have at most {MaxVertices} points"
        : !Path.All(vertex => vertex.IsValid) ? "corridor has an invalid coordinate"
        : !(HalfWidthMeters > 0 && HalfWidthMeters <= MaxHalfWidthMeters) ? $"corridor half-width must be more than 0 and at most {MaxHalfWidthMeters} metres"
        : null;

    private static IEnumerable<Segment> Segments(ImmutableArray<GeoPoint> path)
    {
        for (var i = 0; i + 1 < path.Length; i++)
        {
            yield return new Segment(path[i], path[i + 1]);
        }
    }

    private static IEnumerable<BoundingBox> SegmentBounds(ImmutableArray<GeoPoint> path, double halfWidthMeters)
    {
        for (var i = 0; i + 1 < path.Length; i++)
        {
            yield return BoundingBox.Of(path[i], path[i + 1]).Expand(halfWidthMeters);
        }
    }

    /// <summary>
    /// One leg in a flat frame at its start, scaled once when the fence is built, so testing a point needs no
    /// trigonometry; exact to centimetres over the few kilometres of a leg.
    /// </summary>
    private readonly struct Segment
    {
        private readonly GeoPoint _start;
        private readonly double _metersPerDegreeLongitude;
        private readonly double _east;
        private readonly double _north;
        private readonly double _lengthSquared;

        public Segment(GeoPoint start, GeoPoint end)
        {
            _start = start;
            _metersPerDegreeLongitude = GeoMath.MetersPerDegreeLongitude(start.Latitude);
            _east = (end.Longitude - start.Longitude) * _metersPerDegreeLongitude;
            _north = (end.Latitude - start.Latitude) * GeoMath.MetersPerDegreeLatitude;
            _lengthSquared = _east * _east + _north * _north;
        }

        public double DistanceSquaredMeters(GeoPoint point)
        {
            var east = (point.Longitude - _start.Longitude) * _metersPerDegreeLongitude;
            var north = (point.Latitude - _start.Latitude) * GeoMath.MetersPerDegreeLatitude;
            var t = _lengthSquared == 0 ? 0 : Math.Clamp((east * _east + north * _north) / _lengthSquared, 0, 1);
            var dx = east - t * _east;
            var dy = north - t * _north;
            return dx * dx + dy * dy;
        }
    }
}
