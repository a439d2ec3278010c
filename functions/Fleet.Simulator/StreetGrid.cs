using Fleet.Core.Geo;

namespace Fleet.Simulator;

/// <summary>Compass directions of the grid's streets, clockwise from north.</summary>
internal enum Direction
{
    North,
    East,
    South,
    West,
}

internal static class DirectionExtensions
{
    public static Direction Left(this Direction direction) => (Direction)(((int)direction + 3) % 4);

    public static Direction Right(this Direction direction) => (Direction)(((int)direction + 1) % 4);

    public static Direction Reverse(this Direction direction) => (Direction)(((int)direction + 2) % 4);

    public static double HeadingDegrees(this Direction direction) => (int)direction * 90;

    public static (int East, int North) Unit(this Direction direction) => direction switch
    {
        Direction.North => (0, 1),
        Direction.East => (1, 0),
        Direction.South => (0, -1),
        _ => (-1, 0),
    };
}

/// <summary>An intersection, in blocks east and north of the city centre.</summary>
internal readonly record struct GridNode(int East, int North)
{
    public static GridNode Centre => default;

    public GridNode Next(Direction direction)
    {
        var (east, north) = direction.Unit();
        return new GridNode(East + east, North + north);
    }

    public double DistanceFromCentreMeters => Math.Sqrt((double)East * East + (double)North * North) * StreetGrid.BlockMeters;
}

/// <summary>
/// The simulated city: streets one block apart on a grid centred on the city centre, every fourth one an arterial,
/// laid out in a local planar frame (metres east and north of the centre), which at city scale is what a map shows.
/// </summary>
internal sealed class StreetGrid(GeoPoint centre, double radiusMeters)
{
    public const double BlockMeters = 250;
    private const int ArterialEveryBlocks = 4;

    // Long enough for any run a vehicle is sent on; bounds the search when the radius is large.
    private const int MaxRunBlocks = 200;

    public GeoPoint Centre => centre;

    public double RadiusMeters => radiusMeters;

    public bool Contains(GridNode node) => node.DistanceFromCentreMeters <= radiusMeters;

    /// <summary>Whether the street leaving <paramref name="from"/> in <paramref name="direction"/> is an arterial.</summary>
    public static bool IsArterial(GridNode from, Direction direction) =>
        (direction is Direction.East or Direction.West ? from.North : from.East) % ArterialEveryBlocks == 0;

    /// <summary>How many blocks a vehicle can drive straight on from a node before it leaves the city.</summary>
    public int StraightRunBlocks(GridNode from, Direction direction)
    {
        var blocks = 0;
        for (var node = from.Next(direction); blocks < MaxRunBlocks && Contains(node); node = node.Next(direction))
        {
            blocks++;
        }

        return blocks;
    }

    public GeoPoint ToGeoPoint(GridNode node) => ToGeoPoint(node.East * BlockMeters, node.North * BlockMeters);

    /// <summary>The intersection nearest <paramref name="point"/>, where a driver would stop for it.</summary>
    public GridNode NearestNode(GeoPoint point) => new(
        (int)Math.Round((point.Longitude - centre.Longitude) * GeoMath.MetersPerDegreeLongitude(centre.Latitude) / BlockMeters),
        (int)Math.Round((point.Latitude - centre.Latitude) * GeoMath.MetersPerDegreeLatitude / BlockMeters));

    public GeoPoint ToGeoPoint(double eastMeters, double northMeters) => new(
        centre.Latitude + northMeters / GeoMath.MetersPerDegreeLatitude,
        centre.Longitude + eastMeters / GeoMath.MetersPerDegreeLongitude(centre.Latitude));

    /// <summary>A basin floor rising gently towards hills at the edge, so altitude changes smoothly along a drive.</summary>
    public static double AltitudeMeters(double eastMeters, double northMeters)
    {
        var fromCentre = Math.Sqrt(eastMeters * eastMeters + northMeters * northMeters) / 9_000;
        return 8 + 60 * (1 - Math.Exp(-fromCentre * fromCentre)) + 4 * Math.Sin(eastMeters / 1_700) * Math.Cos(northMeters / 2_300);
    }
}
