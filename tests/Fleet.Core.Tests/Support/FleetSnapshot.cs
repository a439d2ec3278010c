using System.Text.Json;
using Fleet.Core.Alerts;
using Fleet.Core.Kpis;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;

namespace Fleet.Core.Tests.Support;

/// <summary>Everything durable a company has after some batches, comparable with <c>Assert.Equal</c>.</summary>
internal sealed record FleetSnapshot(
    string States,
    IReadOnlyList<PositionRecord> Positions,
    IReadOnlyList<TripRecord> Trips,
    IReadOnlyList<StoredAlert> Alerts,
    IReadOnlyList<DailyStats> Stats,
    IReadOnlyList<string> DeadLetters)
{
    /// <param name="withStreams">False to leave out where each vehicle has read its partitions up to, which a replay of
    /// parked events moves although it changes nothing else.</param>
    public static FleetSnapshot Of(FleetHarness harness, string companyId, bool withStreams = true)
    {
        var vehicles = harness.Directory.VehiclesOf(companyId).Select(vehicle => vehicle.VehicleId).ToList();

        // States hold immutable arrays, which compare by reference: their serialised form compares by value. The version
        // counts commits, which differ when the same events arrive in different batches.
        return new FleetSnapshot(
            JsonSerializer.Serialize(harness.Store.StatesOf(companyId).Select(state => state with { Version = 0, Streams = withStreams ? state.Streams : new(null, []) })),
            [.. vehicles.SelectMany(vehicle => harness.Store.PositionsOf(companyId, vehicle))],
            [.. vehicles.SelectMany(vehicle => harness.Store.TripsOf(companyId, vehicle))],
            harness.Alerts.AllOf(companyId),
            harness.Store.StatsOf(companyId),
            [.. harness.Store.DeadLetters().Select(letter =>
                $"{letter.Source.PartitionId}/{letter.Source.SequenceNumber} {letter.Reason.ToCode()} {Convert.ToHexString(letter.Body.Span)}")]);
    }

    private static DailyStats Rounded(DailyStats stats) => stats with
    {
        DistanceKm = Math.Round(stats.DistanceKm, 9),
        FuelUsedLiters = Math.Round(stats.FuelUsedLiters, 9),
        MovingSeconds = Math.Round(stats.MovingSeconds, 6),
        IdleSeconds = Math.Round(stats.IdleSeconds, 6),
    };

    public void AssertEqual(FleetSnapshot other)
    {
        Assert.Equal(States, other.States);
        Assert.Equal(Positions, other.Positions);
        Assert.Equal(Trips, other.Trips);
        Assert.Equal(Alerts, other.Alerts);
        // Sums over differently split batches may differ in the last bits of a double.
        Assert.Equal(Stats.Select(Rounded), other.Stats.Select(Rounded));
        Assert.Equal(DeadLetters, other.DeadLetters);
    }
}
