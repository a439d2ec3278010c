using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Core.Geo;

namespace Fleet.Core.Geofencing;

/// <summary>
/// Fence shapes as GeoJSON geometries (RFC 7946, longitude first): a circle is a Point with a radius, a polygon a
/// Polygon whose first ring is the boundary and the others holes, a corridor a LineString with a half-width. The
/// sizes travel beside the geometry because GeoJSON has no place for them.
/// </summary>
public static class GeoJsonGeometry
{
    public static string Write(GeofenceShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (shape)
            {
                case CircleShape circle:
                    writer.WriteString("type", "Point");
                    writer.WritePropertyName("coordinates");
                    WritePosition(writer, circle.Center);
                    break;
                case PolygonShape polygon:
                    writer.WriteString("type", "Polygon");
                    writer.WriteStartArray("coordinates");
                    WriteRing(writer, polygon.Outer);
                    foreach (var hole in polygon.Holes)
                    {
                        WriteRing(writer, hole);
                    }

                    writer.WriteEndArray();
                    break;
                case CorridorShape corridor:
                    writer.WriteString("type", "LineString");
                    writer.WriteStartArray("coordinates");
                    foreach (var point in corridor.Path)
                    {
                        WritePosition(writer, point);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException($"No GeoJSON form for {shape.GetType().Name}.", nameof(shape));
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static double? RadiusMetersOf(GeofenceShape shape) => (shape as CircleShape)?.RadiusMeters;

    public static double? HalfWidthMetersOf(GeofenceShape shape) => (shape as CorridorShape)?.HalfWidthMeters;

    /// <summary>The shape a geometry describes, validated.</summary>
    /// <exception cref="FormatException">The geometry is not a supported, well-formed shape; the message says why.</exception>
    public static GeofenceShape Read(JsonElement geometry, double? radiusMeters, double? halfWidthMeters)
    {
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("geometry must be a GeoJSON geometry object");
        }

        if (!geometry.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("geometry.type is missing");
        }

        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("geometry.coordinates must be an array");
        }

        GeofenceShape shape = type.GetString() switch
        {
            "Point" => new CircleShape(
                ReadPosition(coordinates),
                radiusMeters ?? throw new FormatException("a Point fence needs radiusMeters")),
            "Polygon" => ReadPolygon(coordinates),
            "LineString" => new CorridorShape(
                ReadPath(coordinates),
                halfWidthMeters ?? throw new FormatException("a LineString fence needs halfWidthMeters")),
            var other => throw new FormatException(
                $"geometry.type '{other}' is not supported: use Point (circle), Polygon or LineString (corridor)"),
        };

        if (shape is not CircleShape && radiusMeters is not null)
        {
            throw new FormatException("radiusMeters applies only to a Point fence");
        }

        if (shape is not CorridorShape && halfWidthMeters is not null)
        {
            throw new FormatException("halfWidthMeters applies only to a LineString fence");
        }

        return shape.Validate() is { } error ? throw new FormatException(error) : shape;
    }

    /// <inheritdoc cref="Read(JsonElement, double?, double?)"/>
    public static GeofenceShape Read(string geometry, double? radiusMeters, double? halfWidthMeters)
    {
        using var document = JsonDocument.Parse(geometry);
        return Read(document.RootElement, radiusMeters, halfWidthMeters);
    }

    private static PolygonShape ReadPolygon(JsonElement coordinates)
    {
        var rings = coordinates.EnumerateArray().Select(ReadRing).ToList();
        if (rings.Count == 0)
        {
            throw new FormatException("a Polygon needs at least its outer ring");
        }

        return new PolygonShape(rings[0], [.. rings.Skip(1)]);
    }

    /// <summary>GeoJSON closes rings by repeating the first position; the shapes do not.</summary>
    private static ImmutableArray<GeoPoint> ReadRing(JsonElement ring)
    {
        var points = ReadPath(ring);
        return points.Length > 1 && points[0] == points[^1] ? points.RemoveAt(points.Length - 1) : points;
    }

    private static ImmutableArray<GeoPoint> ReadPath(JsonElement path) =>
        path.ValueKind == JsonValueKind.Array
            ? [.. path.EnumerateArray().Select(ReadPosition)]
            : throw new FormatException("a ring or line must be an array of positions");

    private static GeoPoint ReadPosition(JsonElement position)
    {
        if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2
            || position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number)
        {
            throw new FormatException("a position must be [longitude, latitude]");
        }

        var point = new GeoPoint(position[1].GetDouble(), position[0].GetDouble());
        return point.IsValid
            ? point
            : throw new FormatException(string.Create(
                CultureInfo.InvariantCulture, $"[{point.Longitude}, {point.Latitude}] is not a valid [longitude, latitude]"));
    }

    private static void WriteRing(Utf8JsonWriter writer, ImmutableArray<GeoPoint> ring)
    {
        writer.WriteStartArray();
        foreach (var point in ring)
        {
            WritePosition(writer, point);
        }

        WritePosition(writer, ring[0]);
        writer.WriteEndArray();
    }

    private static void WritePosition(Utf8JsonWriter writer, GeoPoint point)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(point.Longitude);
        writer.WriteNumberValue(point.Latitude);
        writer.WriteEndArray();
    }
}
