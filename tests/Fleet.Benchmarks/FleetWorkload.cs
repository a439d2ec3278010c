using System.Globalization;
using System.Text;
using Fleet.Core.Alerts;
using Fleet.Core.Registry;
using Fleet.Core.Geo;
using Fleet.Core.Geofencing;
using Fleet.Core.Telemetry;

namespace Fleet.Benchmarks;

/// <summary>
/// A realistic, reproducible mix: companies with fences around one city, vehicles driving straight legs between
/// random waypoints at 20-110 km/h, reporting every 5 s as JSON bodies, in batches as Event Hubs would deliver them.
/// </summary>
public sealed class FleetWorkload
{
    private static readonly GeoPoint CityCentre = new(25.0330, 121.5654);

    private FleetWorkload(List<CompanyProfile> companies, List<VehicleProfile> vehicles, List<TelemetryEvent[]> batches)
    {
        Companies = companies;
        Vehicles = vehicles;
        Batches = batches;
    }

    public IReadOnlyList<CompanyProfile> Companies { get; }

    public IReadOnlyList<VehicleProfile> Vehicles { get; }

    public IReadOnlyList<TelemetryEvent[]> Batches { get; }

    public int EventCount => Batches.Sum(batch => batch.Length);

    public static FleetWorkload Create(int companyCount, int vehiclesPerCompany, int fencesPerCompany, int fixesPerVehicle, int batchSize, int seed = 42)
    {
        var random = new Random(seed);
        var companies = new List<CompanyProfile>();
        var vehicles = new List<VehicleProfile>();
        for (var c = 0; c < companyCount; c++)
        {
            var companyId = $"c-{c}";
            var fences = Enumerable.Range(0, fencesPerCompany).Select(f => RandomFence(random, companyId, f));
            companies.Add(CompanyProfile.WithDefaults(companyId, GeofenceIndex.Build(fences)));
            for (var v = 0; v < vehiclesPerCompany; v++)
            {
                vehicles.Add(new VehicleProfile($"v-{c}-{v}", companyId, $"Truck {c}-{v}"));
            }
        }

        var start = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var streams = vehicles.Select(vehicle => Drive(random, vehicle, start, fixesPerVehicle).GetEnumerator()).ToList();
        var events = new List<TelemetryEvent>(vehicles.Count * fixesPerVehicle);
        var sequence = 0L;
        for (var round = 0; round < fixesPerVehicle; round++)
        {
            foreach (var stream in streams)
            {
                stream.MoveNext();
                var (body, fixTime) = stream.Current;
                events.Add(new TelemetryEvent(body, new EventMetadata("0", sequence++, fixTime.AddMilliseconds(300))));
            }
        }

        var batches = events.Chunk(batchSize).ToList();
        return new FleetWorkload(companies, vehicles, batches);
    }

    public Dictionary<string, VehicleContext> Contexts()
    {
        var companies = Companies.ToDictionary(company => company.CompanyId, StringComparer.Ordinal);
        return Vehicles.ToDictionary(vehicle => vehicle.VehicleId, vehicle => new VehicleContext(vehicle, companies[vehicle.CompanyId]), StringComparer.Ordinal);
    }

    private static Geofence RandomFence(Random random, string companyId, int index)
    {
        var centre = GeoMath.Offset(CityCentre, random.NextDouble() * 12_000, random.NextDouble() * 360);
        GeofenceShape shape = (index % 3) switch
        {
            0 => new CircleShape(centre, 100 + random.NextDouble() * 400),
            1 => new PolygonShape([.. Enumerable.Range(0, 6).Select(k => GeoMath.Offset(centre, 150 + random.NextDouble() * 350, k * 60))]),
            _ => new CorridorShape([centre, GeoMath.Offset(centre, 1_500, random.NextDouble() * 360), GeoMath.Offset(centre, 2_500, random.NextDouble() * 360)], 30),
        };
        double? limit = index % 4 == 0 ? 50 : null;
        return new Geofence($"{companyId}-g{index}", companyId, $"Zone {index}", shape, GeofenceAlertRule.Both, limit, null, AlertSeverity.Medium);
    }

    private static IEnumerable<(ReadOnlyMemory<byte> Body, DateTimeOffset FixTime)> Drive(Random random, VehicleProfile vehicle, DateTimeOffset start, int fixes)
    {
        var position = GeoMath.Offset(CityCentre, random.NextDouble() * 10_000, random.NextDouble() * 360);
        var heading = random.NextDouble() * 360;
        var speed = 20 + random.NextDouble() * 90;
        var fuel = 40 + random.NextDouble() * 50;
        var odometer = 10_000 + random.NextDouble() * 9_000;
        var time = start.AddMilliseconds(random.Next(5_000));
        var builder = new StringBuilder(320);
        for (var i = 0; i < fixes; i++)
        {
            if (random.NextDouble() < 0.12)
            {
                heading = random.NextDouble() * 360;
                speed = 20 + random.NextDouble() * 90;
            }

            var events = random.NextDouble() < 0.045 ? "[\"harsh_braking\"]" : "[]";
            builder.Clear();
            builder.Append(CultureInfo.InvariantCulture,
                $$"""{"device_id":"dev-{{vehicle.VehicleId}}","timestamp":"{{time:yyyy-MM-ddTHH:mm:ss.fffZ}}","latitude":{{position.Latitude:F6}},"longitude":{{position.Longitude:F6}},"speed":{{speed:F1}},"heading":{{heading:F0}},"accuracy":6,"altitude":12,"seq":{{i}},"driver_id":"drv-{{vehicle.VehicleId}}","odometer":{{odometer:F2}},"fuel_level":{{fuel:F1}},"ignition":true,"events":{{events}}}""");
            yield return (Encoding.UTF8.GetBytes(builder.ToString()), time);

            var meters = speed / 3.6 * 5;
            position = GeoMath.Offset(position, meters, heading);
            odometer += meters / 1000;
            fuel -= 0.01;
            time = time.AddSeconds(5);
        }
    }
}
