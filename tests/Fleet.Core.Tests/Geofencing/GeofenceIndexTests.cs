using System.Collections.Immutable;
using System.Globalization;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Geofencing;

public sealed class GeofenceIndexTests
{
    private const int FenceCount = 1_200;
    private const int PointCount = 20_000;
    private const int SegmentCount = 2_500;

    // A city-sized area around Taipei: small fences inside it, region-sized ones centred up to 4 degrees away.
    private const double MinLatitude = 24.6;
    private const double MaxLatitude = 25.4;
    private const double MinLongitude = 121.1;
    private const double MaxLongitude = 121.9;

    private static readonly Lazy<List<Geofence>> RandomFences = new(() => GenerateFences(new Random(20261121), FenceCount));

    [Theory]
    [InlineData(GeofenceIndex.DefaultCellSizeDegrees)]
    [InlineData(0.02)]
    public void FindContaining_matches_a_scan_of_every_fence(double cellSizeDegrees)
    {
        var fences = RandomFences.Value;
        var index = GeofenceIndex.Build(fences, cellSizeDegrees);
        var random = new Random(7);

        // Without enough region-wide fences the large-fence list would go untested.
        Assert.True(fences.Count(fence => CellCount(fence.Shape.Bounds, cellSizeDegrees) > 1024) >= 20);

        var small = fences.Select(fence => CellCount(fence.Shape.Bounds, cellSizeDegrees) <= 1024).ToArray();
        var mismatches = new List<string>();
        int inAny = 0, inSeveral = 0, inCellIndexed = 0;
        for (var i = 0; i < PointCount; i++)
        {
            var point = RandomPoint(random, fences, cellSizeDegrees);
            var expected = new List<string>();
            var inSmall = false;
            for (var f = 0; f < fences.Count; f++)
            {
                if (fences[f].Shape.Contains(point))
                {
                    expected.Add(fences[f].Id);
                    inSmall |= small[f];
                }
            }

            expected.Sort(StringComparer.Ordinal);
            var actual = index.FindContaining(point).Select(fence => fence.Id).Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
            {
                mismatches.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"({point.Latitude:R}, {point.Longitude:R}): expected [{string.Join(' ', expected)}], found [{string.Join(' ', actual)}]"));
            }

            inAny += expected.Count > 0 ? 1 : 0;
            inSeveral += expected.Count > 1 ? 1 : 0;
            inCellIndexed += inSmall ? 1 : 0;
        }

        Assert.Empty(mismatches.Take(10));
        Assert.InRange(inAny, PointCount / 4, PointCount - PointCount / 20);
        Assert.True(inSeveral > PointCount / 20, $"only {inSeveral} points in several fences");
        Assert.True(inCellIndexed > PointCount / 10, $"only {inCellIndexed} points in small fences");
    }

    [Theory]
    [InlineData(GeofenceIndex.DefaultCellSizeDegrees)]
    [InlineData(0.02)]
    public void FindNearSegment_never_misses_a_fence_whose_cover_meets_the_segment_box(double cellSizeDegrees)
    {
        var fences = RandomFences.Value;
        var index = GeofenceIndex.Build(fences, cellSizeDegrees);
        var random = new Random(11);
        var outsider = new Geofence("already-there", TestFleet.CompanyId, "Already in the list", new CircleShape(FixStream.Origin, 10));
        var misses = new List<string>();
        int withCandidates = 0, longSegments = 0;
        for (var i = 0; i < SegmentCount; i++)
        {
            var from = RandomPoint(random, fences, cellSizeDegrees);
            var lengthMeters = random.Next(10) switch
            {
                < 5 => 10 + random.NextDouble() * 2_000,
                < 8 => 2_000 + random.NextDouble() * 30_000,
                _ => 30_000 + random.NextDouble() * 250_000,
            };
            var to = GeoMath.Offset(from, lengthMeters, random.NextDouble() * 360);
            var box = BoundingBox.Of(from, to);

            var result = new List<Geofence> { outsider };
            index.FindNearSegment(from, to, result);

            Assert.Same(outsider, result[0]);
            var found = result.Skip(1).ToList();
            Assert.Equal(found.Count, found.Select(fence => fence.Id).Distinct(StringComparer.Ordinal).Count());
            var foundIds = found.Select(fence => fence.Id).ToHashSet(StringComparer.Ordinal);
            // A segment can only touch a fence within the boxes that cover it (a corridor's segments, not its whole bounds).
            foreach (var fence in fences.Where(fence => fence.Shape.Cover.Any(cover => cover.Intersects(box)) && !foundIds.Contains(fence.Id)))
            {
                misses.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{fence.Id} for ({from.Latitude:R}, {from.Longitude:R}) -> ({to.Latitude:R}, {to.Longitude:R})"));
            }

            withCandidates += found.Count > 0 ? 1 : 0;
            longSegments += CellCount(box, cellSizeDegrees) > 256 ? 1 : 0;
        }

        Assert.Empty(misses.Take(10));
        Assert.True(withCandidates > SegmentCount / 2, $"only {withCandidates} segments had candidates");
        Assert.True(longSegments > SegmentCount / 20, $"only {longSegments} segments took the long-segment path");
    }

    [Fact]
    public void Find_returns_each_fence_by_its_exact_id()
    {
        var fences = RandomFences.Value;
        var index = GeofenceIndex.Build(fences);

        Assert.All(fences, fence => Assert.Same(fence, index.Find(fence.Id)));
        Assert.Null(index.Find("g-9999"));
        Assert.Null(index.Find(fences[0].Id.ToUpperInvariant()));
        Assert.Null(index.Find(""));
        Assert.Equal(fences.Select(fence => fence.Id).Order(StringComparer.Ordinal), index.All.Select(fence => fence.Id));
    }

    [Fact]
    public void Empty_index_finds_nothing_and_leaves_the_caller_list_alone()
    {
        var somewhere = FixStream.Origin;
        var existing = new Geofence("g-1", TestFleet.CompanyId, "Kept", new CircleShape(somewhere, 100));
        foreach (var empty in new[] { GeofenceIndex.Empty, GeofenceIndex.Build([]) })
        {
            var result = new List<Geofence> { existing };
            empty.FindNearSegment(somewhere, GeoMath.Offset(somewhere, 50_000, 30), result);

            Assert.Empty(empty.All);
            Assert.Empty(empty.FindContaining(somewhere));
            Assert.Null(empty.Find("g-1"));
            Assert.Equal([existing], result);
            Assert.Equal(TimeSpan.FromSeconds(42), empty.ShortestDwell(TimeSpan.FromSeconds(42)));
        }
    }

    [Fact]
    public void A_point_between_fences_or_on_the_far_side_of_the_world_is_in_none()
    {
        var index = GeofenceIndex.Build(RandomFences.Value);

        Assert.Empty(index.FindContaining(new GeoPoint(-25.03, -58.43)));
        Assert.Empty(index.FindContaining(new GeoPoint(89.99, 179.99)));
        Assert.Empty(index.FindContaining(new GeoPoint(-90, -180)));
    }

    [Theory]
    [InlineData("", 30)]
    [InlineData("default", 30)]
    [InlineData("default default", 30)]
    [InlineData("10", 10)]
    [InlineData("10 default", 10)]
    [InlineData("60 default", 30)]
    [InlineData("30 default", 30)]
    [InlineData("60", 60)]
    [InlineData("60 45", 45)]
    [InlineData("60 45 default 120", 30)]
    [InlineData("60 5 default", 5)]
    public void ShortestDwell_is_the_least_of_the_explicit_dwells_and_the_default_when_a_fence_uses_it(string dwells, int expectedSeconds)
    {
        var fences = dwells.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((dwell, i) => new Geofence(
            string.Create(CultureInfo.InvariantCulture, $"g-{i}"),
            TestFleet.CompanyId,
            dwell,
            new CircleShape(FixStream.Origin, 100 + i),
            Dwell: string.Equals(dwell, "default", StringComparison.Ordinal)
                ? null
                : TimeSpan.FromSeconds(int.Parse(dwell, CultureInfo.InvariantCulture))));

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), GeofenceIndex.Build(fences).ShortestDwell(TimeSpan.FromSeconds(30)));
    }

    private static long CellCount(BoundingBox box, double cellSizeDegrees)
    {
        long rows = (long)Math.Floor((box.MaxLatitude + 90) / cellSizeDegrees) - (long)Math.Floor((box.MinLatitude + 90) / cellSizeDegrees) + 1;
        long columns = (long)Math.Floor((box.MaxLongitude + 180) / cellSizeDegrees) - (long)Math.Floor((box.MinLongitude + 180) / cellSizeDegrees) + 1;
        return rows * columns;
    }

    private static GeoPoint RandomPoint(Random random, List<Geofence> fences, double cellSizeDegrees)
    {
        var roll = random.NextDouble();
        if (roll < 0.45)
        {
            // Within a random fence's bounds, so that many points land inside, on or near a boundary.
            var bounds = fences[random.Next(fences.Count)].Shape.Bounds;
            return new GeoPoint(
                bounds.MinLatitude + random.NextDouble() * (bounds.MaxLatitude - bounds.MinLatitude),
                bounds.MinLongitude + random.NextDouble() * (bounds.MaxLongitude - bounds.MinLongitude));
        }

        var point = new GeoPoint(
            MinLatitude - 0.3 + random.NextDouble() * (MaxLatitude - MinLatitude + 0.6),
            MinLongitude - 0.3 + random.NextDouble() * (MaxLongitude - MinLongitude + 0.6));
        if (roll < 0.6)
        {
            // On a cell edge, where rounding decides which cell is looked at.
            return new GeoPoint(Math.Round(point.Latitude / cellSizeDegrees) * cellSizeDegrees, point.Longitude);
        }

        if (roll < 0.7)
        {
            return new GeoPoint(
                Math.Round(point.Latitude / cellSizeDegrees) * cellSizeDegrees, Math.Round(point.Longitude / cellSizeDegrees) * cellSizeDegrees);
        }

        return point;
    }

    private static List<Geofence> GenerateFences(Random random, int count)
    {
        var fences = new List<Geofence>(count);
        for (var i = 0; i < count; i++)
        {
            var large = i % 40 == 0;
            var center = large
                ? new GeoPoint(25 + (random.NextDouble() - 0.5) * 8, 121.5 + (random.NextDouble() - 0.5) * 8)
                : new GeoPoint(
                    MinLatitude + random.NextDouble() * (MaxLatitude - MinLatitude),
                    MinLongitude + random.NextDouble() * (MaxLongitude - MinLongitude));
            var scale = large ? 40_000 + random.NextDouble() * 40_000 : 30 + random.NextDouble() * 3_000;
            GeofenceShape shape = random.Next(20) switch
            {
                < 9 => new CircleShape(center, scale),
                < 15 => RandomPolygon(random, center, scale),
                _ => RandomCorridor(random, center, scale, large),
            };
            Assert.Null(shape.Validate());
            fences.Add(new Geofence(string.Create(CultureInfo.InvariantCulture, $"g-{i:D4}"), TestFleet.CompanyId, "Random", shape));
        }

        return fences;
    }

    /// <summary>A star polygon with uneven spokes, so usually concave, and a hole in a third of them.</summary>
    private static PolygonShape RandomPolygon(Random random, GeoPoint center, double radiusMeters)
    {
        var vertices = random.Next(5, 13);
        var outer = new GeoPoint[vertices];
        var spokes = new double[vertices];
        for (var v = 0; v < vertices; v++)
        {
            spokes[v] = radiusMeters * (0.4 + 0.6 * random.NextDouble());
            outer[v] = GeoMath.Offset(center, spokes[v], 360.0 * v / vertices);
        }

        if (random.Next(3) != 0)
        {
            return new PolygonShape([.. outer]);
        }

        var holeRadius = spokes.Min() * 0.6;
        ImmutableArray<GeoPoint> hole = [.. Enumerable.Range(0, 6).Select(v => GeoMath.Offset(center, holeRadius, 60.0 * v + 15))];
        return new PolygonShape([.. outer], [hole]);
    }

    private static CorridorShape RandomCorridor(Random random, GeoPoint start, double lengthScaleMeters, bool large)
    {
        var points = new List<GeoPoint> { start };
        var bearing = random.NextDouble() * 360;
        for (var p = random.Next(1, 6); p > 0; p--)
        {
            bearing += (random.NextDouble() - 0.5) * 180;
            points.Add(GeoMath.Offset(points[^1], lengthScaleMeters * (0.3 + random.NextDouble()), bearing));
        }

        var halfWidth = large ? 2_000 + random.NextDouble() * 8_000 : 10 + random.NextDouble() * 300;
        return new CorridorShape([.. points], halfWidth);
    }
}
