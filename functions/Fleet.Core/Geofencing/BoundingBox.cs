using Fleet.Core.Geo;

namespace Fleet.Core.Geofencing;

public readonly record struct BoundingBox(double MinLatitude, double MinLongitude, double MaxLatitude, double MaxLongitude)
{
    private const double MaxUsableLatitude = 89.9;

    public bool Contains(GeoPoint point) =>
        point.Latitude >= MinLatitude && point.Latitude <= MaxLatitude &&
        point.Longitude >= MinLongitude && point.Longitude <= MaxLongitude;

    public bool Intersects(BoundingBox other) =>
        other.MinLatitude <= MaxLatitude && other.MaxLatitude >= MinLatitude &&
        other.MinLongitude <= MaxLongitude && other.MaxLongitude >= MinLongitude;

    public static BoundingBox Of(GeoPoint a, GeoPoint b) => new(
        Math.Min(a.Latitude, b.Latitude), Math.Min(a.Longitude, b.Longitude),
        Math.Max(a.Latitude, b.Latitude), Math.Max(a.Longitude, b.Longitude));

    public static BoundingBox Of(IEnumerable<GeoPoint> points)
    {
        double minLatitude = double.MaxValue, minLongitude = double.MaxValue;
        double maxLatitude = double.MinValue, maxLongitude = double.MinValue;
        foreach (var point in points)
        {
            minLatitude = Math.Min(minLatitude, point.Latitude);
            minLongitude = Math.Min(minLongitude, point.Longitude);
            maxLatitude = Math.Max(maxLatitude, point.Latitude);
            maxLongitude = Math.Max(maxLongitude, point.Longitude);
        }

        return new BoundingBox(minLatitude, minLongitude, maxLatitude, maxLongitude);
    }

    /// <summary>Grown by a distance on every side (for radii and corridor widths).</summary>
    public BoundingBox Expand(double meters)
    {
        var latitudeDelta = meters / GeoMath.MetersPerDegreeLatitude;

        // Longitude degrees shrink towards the poles; short of the pole itself, where they vanish, the widest is used.
        var widestLatitude = Math.Min(MaxUsableLatitude, Math.Max(Math.Abs(MinLatitude), Math.Abs(MaxLatitude)) + latitudeDelta);
        var longitudeDelta = meters / GeoMath.MetersPerDegreeLongitude(widestLatitude);
        return new BoundingBox(
            Math.Max(-90, MinLatitude - latitudeDelta), Math.Max(-180, MinLongitude - longitudeDelta),
            Math.Min(90, MaxLatitude + latitudeDelta), Math.Min(180, MaxLongitude + longitudeDelta));
    }
}
