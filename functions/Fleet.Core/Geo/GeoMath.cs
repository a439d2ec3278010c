namespace Fleet.Core.Geo;

/// <summary>Distances on the sphere, and a local planar frame for fence geometry.</summary>
public static class GeoMath
{
    // IUGG mean Earth radius: the best single radius for haversine over mixed headings.
    public const double EarthRadiusMeters = 6_371_008.8;
    public const double MetersPerDegreeLatitude = Math.PI * EarthRadiusMeters / 180;

    /// <summary>1 m/s is 3.6 km/h.</summary>
    public const double KmhPerMeterPerSecond = 3.6;

    public static double DistanceMeters(GeoPoint a, GeoPoint b)
    {
        var lat1 = DegreesToRadians(a.Latitude);
        var lat2 = DegreesToRadians(b.Latitude);
        var dLat = lat2 - lat1;
        var dLon = DegreesToRadians(b.Longitude - a.Longitude);
        var sinLat = Math.Sin(dLat / 2);
        var sinLon = Math.Sin(dLon / 2);
        var h = sinLat * sinLat + Math.Cos(lat1) * Math.Cos(lat2) * sinLon * sinLon;
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    public static double DegreesToRadians(double degrees) => degrees * (Math.PI / 180);

    /// <summary>Metres per degree of longitude at a latitude.</summary>
    public static double MetersPerDegreeLongitude(double latitude) =>
        MetersPerDegreeLatitude * Math.Cos(DegreesToRadians(latitude));

    /// <summary>The point a distance away on a bearing (degrees clockwise from north), in the local planar frame.</summary>
    public static GeoPoint Offset(GeoPoint from, double meters, double bearingDegrees)
    {
        var bearing = DegreesToRadians(bearingDegrees);
        return new GeoPoint(
            from.Latitude + meters * Math.Cos(bearing) / MetersPerDegreeLatitude,
            from.Longitude + meters * Math.Sin(bearing) / MetersPerDegreeLongitude(from.Latitude));
    }

    /// <summary>Point along the segment a->b at fraction t (linear in lat/lon: fences are city-scale).</summary>
    public static GeoPoint Interpolate(GeoPoint a, GeoPoint b, double t) =>
        new(a.Latitude + (b.Latitude - a.Latitude) * t, a.Longitude + (b.Longitude - a.Longitude) * t);
}
