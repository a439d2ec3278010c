namespace Fleet.Core.Geo;

/// <summary>
/// An equirectangular projection around an origin: x east and y north in metres.
/// Accurate to well under 1 % within tens of kilometres, which is the scale of fences and fix-to-fix segments.
/// </summary>
public readonly struct LocalFrame
{
    private readonly double _originLatitude;
    private readonly double _originLongitude;
    private readonly double _metersPerDegreeLongitude;

    public LocalFrame(GeoPoint origin)
    {
        _originLatitude = origin.Latitude;
        _originLongitude = origin.Longitude;
        _metersPerDegreeLongitude = GeoMath.MetersPerDegreeLongitude(origin.Latitude);
    }

    public (double X, double Y) Project(GeoPoint point) =>
        ((point.Longitude - _originLongitude) * _metersPerDegreeLongitude,
         (point.Latitude - _originLatitude) * GeoMath.MetersPerDegreeLatitude);

    /// <summary>Distance in metres from p to the segment a-b, all in this frame.</summary>
    public static double DistanceToSegment((double X, double Y) p, (double X, double Y) a, (double X, double Y) b)
    {
        var t = ClosestParameter(p, a, b);
        var dx = a.X + (b.X - a.X) * t - p.X;
        var dy = a.Y + (b.Y - a.Y) * t - p.Y;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>The fraction along a-b of the point closest to p, clamped to the segment.</summary>
    public static double ClosestParameter((double X, double Y) p, (double X, double Y) a, (double X, double Y) b)
    {
        var abx = b.X - a.X;
        var aby = b.Y - a.Y;
        var lengthSquared = abx * abx + aby * aby;
        if (lengthSquared == 0)
        {
            return 0;
        }

        return Math.Clamp(((p.X - a.X) * abx + (p.Y - a.Y) * aby) / lengthSquared, 0, 1);
    }
}
