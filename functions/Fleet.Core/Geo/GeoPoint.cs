namespace Fleet.Core.Geo;

/// <summary>A WGS-84 position. Latitude first here; GeoJSON storage uses lon/lat order.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    public bool IsValid =>
        double.IsFinite(Latitude) && double.IsFinite(Longitude) &&
        Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180;
}
