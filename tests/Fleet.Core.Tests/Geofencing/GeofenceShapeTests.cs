using System.Collections.Immutable;
using System.Globalization;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Geofencing;

public sealed class GeofenceShapeTests
{
    private static readonly GeoPoint Origin = FixStream.Origin;

    [Theory]
    [InlineData(0, 249.9, true)]
    [InlineData(0, 250.1, false)]
    [InlineData(45, 249.9, true)]
    [InlineData(45, 250.1, false)]
    [InlineData(90, 249.9, true)]
    [InlineData(90, 250.1, false)]
    [InlineData(135, 249.9, true)]
    [InlineData(135, 250.1, false)]
    [InlineData(180, 249.9, true)]
    [InlineData(180, 250.1, false)]
    [InlineData(225, 249.9, true)]
    [InlineData(225, 250.1, false)]
    [InlineData(270, 249.9, true)]
    [InlineData(270, 250.1, false)]
    [InlineData(315, 249.9, true)]
    [InlineData(315, 250.1, false)]
    [InlineData(10, 0, true)]
    [InlineData(10, 1_000, false)]
    public void Circle_contains_points_up_to_its_radius_and_none_beyond(double bearingDegrees, double distanceMeters, bool expected)
    {
        var circle = new CircleShape(Origin, 250);

        Assert.Equal(expected, circle.Contains(GeoMath.Offset(Origin, distanceMeters, bearingDegrees)));
    }

    [Theory]
    [InlineData(-33.9, 5_000, 0, 4_999.5, true)]
    [InlineData(-33.9, 5_000, 90, 5_000.5, false)]
    [InlineData(60, 2_000, 90, 1_999.5, true)]
    [InlineData(60, 2_000, 90, 2_000.5, false)]
    [InlineData(60, 2_000, 0, 1_999.5, true)]
    [InlineData(60, 2_000, 0, 2_000.5, false)]
    public void Circle_boundary_holds_away_from_the_tropics(
        double latitude, double radiusMeters, double bearingDegrees, double distanceMeters, bool expected)
    {
        var center = new GeoPoint(latitude, 18.4);
        var circle = new CircleShape(center, radiusMeters);

        Assert.Equal(expected, circle.Contains(GeoMath.Offset(center, distanceMeters, bearingDegrees)));
    }

    // A 1 km square with a 200 m square hole 100 m east of its centre, and a second small hole in the north-west.
    private static readonly PolygonShape SquareWithHoles = new(
        [Plane.At(Origin, -500, -500), Plane.At(Origin, 500, -500), Plane.At(Origin, 500, 500), Plane.At(Origin, -500, 500)],
        [
            [Plane.At(Origin, 0, -100), Plane.At(Origin, 200, -100), Plane.At(Origin, 200, 100), Plane.At(Origin, 0, 100)],
            [Plane.At(Origin, -400, 300), Plane.At(Origin, -300, 300), Plane.At(Origin, -300, 400), Plane.At(Origin, -400, 400)],
        ]);

    [Theory]
    [InlineData(100, 0, false)]
    [InlineData(5, 0, false)]
    [InlineData(-5, 0, true)]
    [InlineData(195, 95, false)]
    [InlineData(205, 95, true)]
    [InlineData(100, 105, true)]
    [InlineData(100, -105, true)]
    [InlineData(-350, 350, false)]
    [InlineData(-250, 350, true)]
    [InlineData(-350, 250, true)]
    [InlineData(-300, -300, true)]
    [InlineData(400, 400, true)]
    [InlineData(495, 0, true)]
    [InlineData(505, 0, false)]
    [InlineData(0, -505, false)]
    [InlineData(-505, 450, false)]
    [InlineData(2_000, 0, false)]
    public void Polygon_with_holes_contains_the_outer_ring_minus_the_holes(double east, double north, bool expected)
    {
        Assert.Equal(expected, SquareWithHoles.Contains(Plane.At(Origin, east, north)));
    }

    // A U open to the north: two 200 m wide arms and a 400 m deep notch between them.
    private static readonly ImmutableArray<GeoPoint> URing =
    [
        Plane.At(Origin, -400, -300), Plane.At(Origin, 400, -300), Plane.At(Origin, 400, 300), Plane.At(Origin, 200, 300),
        Plane.At(Origin, 200, -100), Plane.At(Origin, -200, -100), Plane.At(Origin, -200, 300), Plane.At(Origin, -400, 300),
    ];

    [Theory]
    [InlineData(0, 0, false)]
    [InlineData(0, 250, false)]
    [InlineData(195, 100, false)]
    [InlineData(-195, 100, false)]
    [InlineData(0, -95, false)]
    [InlineData(0, -105, true)]
    [InlineData(205, 100, true)]
    [InlineData(-205, 100, true)]
    [InlineData(300, 250, true)]
    [InlineData(-300, 250, true)]
    [InlineData(0, -250, true)]
    [InlineData(300, 305, false)]
    [InlineData(0, 350, false)]
    public void Concave_polygon_excludes_its_notch(double east, double north, bool expected)
    {
        var point = Plane.At(Origin, east, north);

        Assert.Equal(expected, new PolygonShape(URing).Contains(point));
        Assert.Equal(expected, new PolygonShape([.. URing, URing[0]]).Contains(point));
    }

    // East 1 km, then north 1 km: an elbow at (1000, 0), 50 m either side of the route.
    private static readonly CorridorShape Elbow = new(
        [Origin, Plane.At(Origin, 1_000, 0), Plane.At(Origin, 1_000, 1_000)], 50);

    [Theory]
    [InlineData(500, 49, true)]
    [InlineData(500, 51, false)]
    [InlineData(500, -49, true)]
    [InlineData(500, -51, false)]
    [InlineData(1_049, 500, true)]
    [InlineData(1_051, 500, false)]
    [InlineData(951, 500, true)]
    [InlineData(949, 500, false)]
    [InlineData(-49, 0, true)]
    [InlineData(-51, 0, false)]
    [InlineData(-30, 30, true)]
    [InlineData(-40, 40, false)]
    [InlineData(1_035, -35, true)]
    [InlineData(1_040, -40, false)]
    [InlineData(1_049, -1, true)]
    [InlineData(1_001, -49, true)]
    [InlineData(960, 40, true)]
    [InlineData(900, 100, false)]
    [InlineData(1_000, 1_049, true)]
    [InlineData(1_000, 1_051, false)]
    [InlineData(500, 500, false)]
    public void Corridor_contains_points_within_its_half_width_of_any_segment(double east, double north, bool expected)
    {
        Assert.Equal(expected, Elbow.Contains(Plane.At(Origin, east, north)));
    }

    private static readonly GeoPoint A = Plane.At(Origin, 0, 0);
    private static readonly GeoPoint B = Plane.At(Origin, 100, 0);
    private static readonly GeoPoint C = Plane.At(Origin, 0, 100);
    private static readonly GeoPoint D = Plane.At(Origin, 100, 100);

    private static readonly Dictionary<string, Func<GeofenceShape>> Shapes = new(StringComparer.Ordinal)
    {
        ["circle"] = () => new CircleShape(A, 10),
        ["circle radius zero"] = () => new CircleShape(A, 0),
        ["circle radius negative"] = () => new CircleShape(A, -5),
        ["circle radius NaN"] = () => new CircleShape(A, double.NaN),
        ["circle radius infinite"] = () => new CircleShape(A, double.PositiveInfinity),
        ["circle centre latitude 91"] = () => new CircleShape(new GeoPoint(91, 0), 10),
        ["circle centre longitude -181"] = () => new CircleShape(new GeoPoint(0, -181), 10),
        ["circle centre NaN"] = () => new CircleShape(new GeoPoint(double.NaN, 0), 10),
        ["triangle"] = () => new PolygonShape([A, B, C]),
        ["closed triangle"] = () => new PolygonShape([A, B, C, A]),
        ["square with a hole"] = () => new PolygonShape([A, B, D, C], [[Plane.At(Origin, 10, 10), Plane.At(Origin, 20, 10), Plane.At(Origin, 20, 20)]]),
        ["polygon of 2 vertices"] = () => new PolygonShape([A, B]),
        ["polygon of no vertices"] = () => new PolygonShape([]),
        ["closed polygon of 2 distinct vertices"] = () => new PolygonShape([A, B, A]),
        ["polygon of one repeated vertex"] = () => new PolygonShape([A, A, A]),
        ["hole of 2 vertices"] = () => new PolygonShape([A, B, D, C], [[Plane.At(Origin, 10, 10), Plane.At(Origin, 20, 10)]]),
        ["polygon vertex latitude 95"] = () => new PolygonShape([A, B, new GeoPoint(95, 121)]),
        ["polygon vertex infinite"] = () => new PolygonShape([A, B, new GeoPoint(25, double.PositiveInfinity)]),
        ["hole vertex longitude 200"] = () => new PolygonShape([A, B, D, C], [[A, B, new GeoPoint(25, 200)]]),
        ["corridor"] = () => new CorridorShape([A, B], 10),
        ["corridor of no points"] = () => new CorridorShape([], 10),
        ["corridor of 1 point"] = () => new CorridorShape([A], 10),
        ["corridor point latitude -91"] = () => new CorridorShape([A, new GeoPoint(-91, 121)], 10),
        ["corridor point NaN"] = () => new CorridorShape([A, B, new GeoPoint(25, double.NaN)], 10),
        ["corridor half-width zero"] = () => new CorridorShape([A, B], 0),
        ["corridor half-width negative"] = () => new CorridorShape([A, B], -1),
        ["corridor half-width NaN"] = () => new CorridorShape([A, B], double.NaN),
        ["circle radius too large"] = () => new CircleShape(A, GeofenceShape.MaxRadiusMeters + 1),
        ["corridor half-width too wide"] = () => new CorridorShape([A, B], GeofenceShape.MaxHalfWidthMeters + 1),
        ["polygon of too many vertices"] = () => new PolygonShape(ManyPoints(GeofenceShape.MaxVertices + 1)),
        ["polygon of too many holes"] = () => new PolygonShape(
            ManyPoints(10), [.. Enumerable.Range(0, GeofenceShape.MaxHoles + 1).Select(_ => ManyPoints(3))]),
        ["corridor of too many points"] = () => new CorridorShape(ManyPoints(GeofenceShape.MaxVertices + 1), 10),
    };

    // Points on a small circle around A, all distinct.
    private static System.Collections.Immutable.ImmutableArray<GeoPoint> ManyPoints(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new GeoPoint(A.Latitude + 0.01 * Math.Sin(i * 2 * Math.PI / count), A.Longitude + 0.01 * Math.Cos(i * 2 * Math.PI / count)))];

    [Theory]
    [InlineData("circle", null)]
    [InlineData("circle radius zero", "circle radius must be more than 0 and at most 1000000 metres")]
    [InlineData("circle radius negative", "circle radius must be more than 0 and at most 1000000 metres")]
    [InlineData("circle radius NaN", "circle radius must be more than 0 and at most 1000000 metres")]
    [InlineData("circle radius infinite", "circle radius must be more than 0 and at most 1000000 metres")]
    [InlineData("circle centre latitude 91", "circle centre is not a valid coordinate")]
    [InlineData("circle centre longitude -181", "circle centre is not a valid coordinate")]
    [InlineData("circle centre NaN", "circle centre is not a valid coordinate")]
    [InlineData("triangle", null)]
    [InlineData("closed triangle", null)]
    [InlineData("square with a hole", null)]
    [InlineData("polygon of 2 vertices", "every polygon ring needs at least 3 distinct vertices")]
    [InlineData("polygon of no vertices", "every polygon ring needs at least 3 distinct vertices")]
    [InlineData("closed polygon of 2 distinct vertices", "every polygon ring needs at least 3 distinct vertices")]
    [InlineData("polygon of one repeated vertex", "every polygon ring needs at least 3 distinct vertices")]
    [InlineData("hole of 2 vertices", "every polygon ring needs at least 3 distinct vertices")]
    [InlineData("polygon vertex latitude 95", "polygon has an invalid coordinate")]
    [InlineData("polygon vertex infinite", "polygon has an invalid coordinate")]
    [InlineData("hole vertex longitude 200", "polygon has an invalid coordinate")]
    [InlineData("corridor", null)]
    [InlineData("corridor of no points", "a corridor needs at least 2 points")]
    [InlineData("corridor of 1 point", "a corridor needs at least 2 points")]
    [InlineData("corridor point latitude -91", "corridor has an invalid coordinate")]
    [InlineData("corridor point NaN", "corridor has an invalid coordinate")]
    [InlineData("corridor half-width zero", "corridor half-width must be more than 0 and at most 10000 metres")]
    [InlineData("corridor half-width negative", "corridor half-width must be more than 0 and at most 10000 metres")]
    [InlineData("corridor half-width NaN", "corridor half-width must be more than 0 and at most 10000 metres")]
    [InlineData("circle radius too large", "circle radius must be more than 0 and at most 1000000 metres")]
    [InlineData("corridor half-width too wide", "corridor half-width must be more than 0 and at most 10000 metres")]
    [InlineData("polygon of too many vertices", "a polygon may have at most 5000 vertices in all and 100 holes")]
    [InlineData("polygon of too many holes", "a polygon may have at most 5000 vertices in all and 100 holes")]
    [InlineData("corridor of too many points", "a corridor may have at most 5000 points")]
    public void Validate_names_what_is_wrong_with_a_degenerate_shape(string shape, string? expectedError)
    {
        Assert.Equal(expectedError, Shapes[shape]().Validate());
    }

    [Theory]
    [InlineData(-33.9, 18.4, 5_000)]
    [InlineData(0, -78.5, 300)]
    [InlineData(25.03, 121.56, 2_500)]
    [InlineData(60.17, 24.94, 8_000)]
    [InlineData(70.66, 23.68, 1_200)]
    public void Circle_bounds_hold_every_point_within_the_radius(double latitude, double longitude, double radiusMeters)
    {
        var center = new GeoPoint(latitude, longitude);
        var circle = new CircleShape(center, radiusMeters);

        for (var bearing = 0.0; bearing < 360; bearing += 2.5)
        {
            var edge = GeoMath.Offset(center, radiusMeters * 0.99, bearing);
            Assert.True(GeoMath.DistanceMeters(center, edge) <= radiusMeters, "the probe must be inside by great-circle distance");
            Assert.True(circle.Bounds.Contains(edge), string.Create(CultureInfo.InvariantCulture, $"bearing {bearing}"));
            Assert.True(circle.Contains(edge));
        }

        Assert.True(circle.Bounds.MaxLatitude - circle.Bounds.MinLatitude < 2.2 * radiusMeters / GeoMath.MetersPerDegreeLatitude);
    }

    [Theory]
    [InlineData(25.03, 121.56, 50)]
    [InlineData(-33.9, 18.4, 400)]
    [InlineData(60.17, 24.94, 2_000)]
    public void Corridor_bounds_hold_the_caps_around_every_vertex(double latitude, double longitude, double halfWidthMeters)
    {
        var start = new GeoPoint(latitude, longitude);
        ImmutableArray<GeoPoint> path =
            [start, Plane.At(start, 3_000, 500), Plane.At(start, 2_000, -4_000), Plane.At(start, -1_500, -2_500)];
        var corridor = new CorridorShape(path, halfWidthMeters);

        foreach (var vertex in path)
        {
            for (var bearing = 0.0; bearing < 360; bearing += 5)
            {
                var probe = GeoMath.Offset(vertex, halfWidthMeters * 0.99, bearing);
                Assert.True(corridor.Bounds.Contains(probe));
                Assert.True(corridor.Contains(probe));
            }
        }
    }

    [Fact]
    public void Polygon_bounds_are_its_outer_ring_extent_and_holes_do_not_widen_them()
    {
        var bounds = SquareWithHoles.Bounds;
        var corners = SquareWithHoles.Outer;

        Assert.Equal(corners.Min(point => point.Latitude), bounds.MinLatitude);
        Assert.Equal(corners.Max(point => point.Latitude), bounds.MaxLatitude);
        Assert.Equal(corners.Min(point => point.Longitude), bounds.MinLongitude);
        Assert.Equal(corners.Max(point => point.Longitude), bounds.MaxLongitude);
        Assert.All(SquareWithHoles.Holes.SelectMany(hole => hole), vertex => Assert.True(bounds.Contains(vertex)));
    }
}
