using Fleet.Core.Geo;

namespace Fleet.Core.Tests.Geofencing;

/// <summary>Points placed by metres east and north of an origin, so geometry in tests reads like a plan drawing.</summary>
internal static class Plane
{
    public static GeoPoint At(GeoPoint origin, double eastMeters, double northMeters) =>
        GeoMath.Offset(GeoMath.Offset(origin, northMeters, 0), eastMeters, 90);
}
