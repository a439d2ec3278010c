using Fleet.Core.Geo;
using Fleet.Core.Geofencing;

namespace Fleet.Core.Tests.Geofencing;

public sealed class GeoJsonGeometryTests
{
    [Fact]
    public void A_circle_is_a_point_in_longitude_latitude_order_with_its_radius_beside_it()
    {
        var circle = new CircleShape(new GeoPoint(25.033, 121.5654), 250);

        var json = GeoJsonGeometry.Write(circle);
        var read = Assert.IsType<CircleShape>(GeoJsonGeometry.Read(json, GeoJsonGeometry.RadiusMetersOf(circle), null));

        Assert.Equal("""{"type":"Point","coordinates":[121.5654,25.033]}""", json);
        Assert.Equal((circle.Center, 250.0), (read.Center, read.RadiusMeters));
    }

    [Fact]
    public void A_polygon_is_written_with_closed_rings_and_read_back_without_the_closing_vertex()
    {
        var polygon = new PolygonShape(
            [new(25.0, 121.5), new(25.0, 121.6), new(25.1, 121.6)],
            [[new(25.01, 121.55), new(25.02, 121.56), new(25.03, 121.55)]]);

        var json = GeoJsonGeometry.Write(polygon);
        var read = Assert.IsType<PolygonShape>(GeoJsonGeometry.Read(json, null, null));

        Assert.Equal(
            """{"type":"Polygon","coordinates":[[[121.5,25],[121.6,25],[121.6,25.1],[121.5,25]],[[121.55,25.01],[121.56,25.02],[121.55,25.03],[121.55,25.01]]]}""",
            json);
        // Immutable arrays compare by reference; their elements are what must match.
        Assert.Equal(polygon.Outer.ToArray(), read.Outer.ToArray());
        Assert.Equal(polygon.Holes[0].ToArray(), Assert.Single(read.Holes).ToArray());
    }

    [Fact]
    public void A_corridor_is_a_line_string_with_its_half_width_beside_it()
    {
        var corridor = new CorridorShape([new(25.0, 121.5), new(25.05, 121.55)], 120);

        var read = Assert.IsType<CorridorShape>(GeoJsonGeometry.Read(GeoJsonGeometry.Write(corridor), null, GeoJsonGeometry.HalfWidthMetersOf(corridor)));

        Assert.Equal(corridor.Path.ToArray(), read.Path.ToArray());
        Assert.Equal(120.0, read.HalfWidthMeters);
        Assert.Null(GeoJsonGeometry.RadiusMetersOf(corridor));
    }

    [Theory]
    [InlineData("[]", null, null, "geometry must be a GeoJSON geometry object")]
    [InlineData("""{"coordinates":[1,2]}""", 10d, null, "geometry.type is missing")]
    [InlineData("""{"type":"Point","coordinates":"121,25"}""", 10d, null, "geometry.coordinates must be an array")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[]}""", null, null, "'MultiPolygon' is not supported")]
    [InlineData("""{"type":"Point","coordinates":[121.5,25]}""", null, null, "a Point fence needs radiusMeters")]
    [InlineData("""{"type":"Point","coordinates":[121.5,25]}""", -5d, null, "circle radius must be more than 0 and at most 1000000 metres")]
    [InlineData("""{"type":"Point","coordinates":[121.5,25]}""", 10d, 5d, "halfWidthMeters applies only to a LineString fence")]
    [InlineData("""{"type":"Point","coordinates":[25,200]}""", 10d, null, "[25, 200] is not a valid [longitude, latitude]")]
    [InlineData("""{"type":"Point","coordinates":["121.5",25]}""", 10d, null, "a position must be [longitude, latitude]")]
    [InlineData("""{"type":"Polygon","coordinates":[]}""", null, null, "a Polygon needs at least its outer ring")]
    [InlineData("""{"type":"Polygon","coordinates":[[[121.5,25],[121.6,25],[121.5,25]]]}""", null, null, "at least 3 distinct vertices")]
    [InlineData("""{"type":"Polygon","coordinates":[[[121.5,25],[121.6,25],[121.6,25.1]]]}""", 10d, null, "radiusMeters applies only to a Point fence")]
    [InlineData("""{"type":"LineString","coordinates":[[121.5,25],[121.6,25]]}""", null, null, "a LineString fence needs halfWidthMeters")]
    [InlineData("""{"type":"LineString","coordinates":[[121.5,25]]}""", null, 30d, "a corridor needs at least 2 points")]
    [InlineData("""{"type":"LineString","coordinates":[121.5,25]}""", null, 30d, "a position must be [longitude, latitude]")]
    public void A_malformed_geometry_is_refused_with_the_reason(string json, double? radiusMeters, double? halfWidthMeters, string reason)
    {
        var error = Assert.Throws<FormatException>(() => GeoJsonGeometry.Read(json, radiusMeters, halfWidthMeters));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
