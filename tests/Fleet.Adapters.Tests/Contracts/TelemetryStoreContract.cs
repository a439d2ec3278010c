using System.Text.Json;
using Fleet.Core.Geo;
using Fleet.Core.Kpis;
using Fleet.Core.Ports;
using Fleet.Core.State;
using Fleet.Core.Telemetry;
using Fleet.Core.Trips;
using Fleet.Adapters.Tests.Support;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every store of states, history, statistics and dead letters must do: the batch handler's exactly-once rests on
/// it. Each test uses companies and vehicles of its own, so implementations may share one store between tests.
/// </summary>
public abstract class TelemetryStoreContract
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = DateOnly.FromDateTime(Start.UtcDateTime);

    protected abstract IVehicleStateStore States { get; }

    protected abstract ITelemetryStore Store { get; }

    protected abstract IFleetHistory History { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task A_new_state_is_written_at_version_one_and_reads_back_whole()
    {
        var (company, vehicle) = NewVehicle();
        var state = State(company, vehicle, Position(vehicle, company, seconds: 10)) with
        {
            OdometerKm = 12.5,
            Cadence = ReportCadence.Of(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12.5)),
        };

        await CommitAsync(Commit(states: [state]));

        var loaded = (await States.LoadAsync([vehicle, "v-never-seen"], Token)).Values.Single();
        Assert.Equal(1, loaded.Version);
        Assert.Equal(Json(state with { Version = 1 }), Json(loaded));
    }

    [Fact]
    public async Task A_state_moves_on_only_from_the_version_it_was_read_at()
    {
        var (company, vehicle) = NewVehicle();
        var first = State(company, vehicle, Position(vehicle, company, seconds: 10));
        await CommitAsync(Commit(states: [first]));
        var loaded = (await States.LoadAsync([vehicle], Token))[vehicle];

        await CommitAsync(Commit(states: [loaded with { OdometerKm = 1 }]));
        var stale = await Store.CommitAsync(
            Commit(states: [loaded with { OdometerKm = 2 }], positions: [Position(vehicle, company, seconds: 20)], sequences: new() { [company] = 3 }),
            Token);

        Assert.False(stale.Committed);
        Assert.Equal([vehicle], stale.ConflictingVehicles);
        var current = (await States.LoadAsync([vehicle], Token))[vehicle];
        Assert.Equal((2, 1.0), (current.Version, current.OdometerKm));
        Assert.Empty(await PositionsAsync(company, vehicle));
    }

    [Fact]
    public async Task A_second_writer_of_a_new_vehicle_conflicts()
    {
        var (company, vehicle) = NewVehicle();
        await CommitAsync(Commit(states: [State(company, vehicle, Position(vehicle, company, seconds: 10))]));

        var second = await Store.CommitAsync(Commit(states: [State(company, vehicle, Position(vehicle, company, seconds: 20))]), Token);

        Assert.Equal([vehicle], second.ConflictingVehicles);
    }

    [Fact]
    public async Task Concurrent_writers_of_one_state_version_yield_exactly_one_winner()
    {
        var (company, vehicle) = NewVehicle();
        await CommitAsync(Commit(states: [State(company, vehicle, Position(vehicle, company, seconds: 1))]));
        var loaded = (await States.LoadAsync([vehicle], Token))[vehicle];

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(writer => Task.Run(() => Store.CommitAsync(
            Commit(states: [loaded with { OdometerKm = writer }], stats: [new DailyStats(company, vehicle, Day, DistanceKm: 1)]), Token))));

        Assert.Single(results, result => result.Committed);
        Assert.Equal(1, Assert.Single(await StatsAsync(company)).DistanceKm);
        Assert.Equal(2, (await States.LoadAsync([vehicle], Token))[vehicle].Version);
    }

    [Fact]
    public async Task Positions_keep_the_first_write_of_a_fix_time()
    {
        var (company, vehicle) = NewVehicle();
        var original = Position(vehicle, company, seconds: 10);
        await CommitAsync(Commit(positions: [original]));

        await CommitAsync(Commit(positions: [original with { OdometerKm = 99 }, Position(vehicle, company, seconds: 20)]));

        var stored = await PositionsAsync(company, vehicle);
        Assert.Equal([original.FixTime, Start.AddSeconds(20)], stored.Select(position => position.FixTime));
        Assert.Equal(original, stored[0]);
    }

    [Fact]
    public async Task Positions_read_back_with_every_field_the_device_sent()
    {
        var (company, vehicle) = NewVehicle();
        var full = new PositionRecord(
            new TelemetryFix(
                "dev-full", Start.AddMilliseconds(1234), new GeoPoint(25.0330123, 121.5654321),
                new EventMetadata("3", 4_000_000_001, Start.AddSeconds(2), "dev-full"),
                SpeedKmh: 61.5, HeadingDegrees: 359.9, AccuracyMeters: 4.2, AltitudeMeters: -12, DeviceSequence: 77, DriverId: "d-7",
                DeviceOdometerKm: 120_000.5, FuelLevelPercent: 55.5, Ignition: true, Events: DeviceEvents.Sos | DeviceEvents.Crash),
            vehicle, company, OdometerKm: 12.25, IsLate: true);
        var sparse = Position(vehicle, company, seconds: 30);

        await CommitAsync(Commit(positions: [full, sparse]));

        Assert.Equal([full, sparse], await PositionsAsync(company, vehicle));
    }

    [Fact]
    public async Task Position_history_is_a_half_open_range_paged_by_fix_time_and_scoped_to_the_company()
    {
        var (company, vehicle) = NewVehicle();
        var positions = Enumerable.Range(0, 10).Select(index => Position(vehicle, company, seconds: index * 10)).ToList();
        await CommitAsync(Commit(positions: positions));

        var from = Start.AddSeconds(20);
        var to = Start.AddSeconds(90);
        var firstPage = await History.PositionsAsync(company, vehicle, from, to, after: null, limit: 3, Token);
        var secondPage = await History.PositionsAsync(company, vehicle, from, to, after: firstPage[^1].FixTime, limit: 3, Token);
        var lastPage = await History.PositionsAsync(company, vehicle, from, to, after: secondPage[^1].FixTime, limit: 3, Token);

        Assert.Equal(positions.Skip(2).Take(3), firstPage);
        Assert.Equal(positions.Skip(5).Take(3), secondPage);
        Assert.Equal([positions[8]], lastPage);
        Assert.Empty(await History.PositionsAsync(NewCompany(), vehicle, Start, Start.AddHours(1), null, 100, Token));
    }

    [Fact]
    public async Task Trips_are_upserted_by_id_and_read_per_vehicle_and_by_id_within_the_company()
    {
        var (company, vehicle) = NewVehicle();
        var open = Trip(company, vehicle, "t-" + vehicle + "-1", startSeconds: 0) with { Status = TripStatus.InProgress, EndTime = null, EndPosition = null };
        var later = Trip(company, vehicle, "t-" + vehicle + "-2", startSeconds: 3600);
        await CommitAsync(Commit(trips: [open, later]));
        var completed = open with { Status = TripStatus.Completed, EndTime = Start.AddMinutes(20), EndPosition = new GeoPoint(25.1, 121.6), DistanceKm = 8.5 };

        await CommitAsync(Commit(trips: [completed]));

        Assert.Equal([completed, later], (await History.TripsAsync(company, vehicle, Start, Start.AddDays(1), after: null, limit: 10, Token)).Items);
        Assert.Equal([later], (await History.TripsAsync(company, vehicle, Start.AddMinutes(1), Start.AddDays(1), after: null, limit: 10, Token)).Items);
        Assert.Equal(completed, await History.TripAsync(company, completed.TripId, Token));
        Assert.Null(await History.TripAsync(NewCompany(), completed.TripId, Token));
    }

    [Fact]
    public async Task Trips_page_oldest_first_with_ties_on_start_time_in_code_point_order_of_their_ids()
    {
        var (company, vehicle) = NewVehicle();
        // Three trips start together, with ids that a linguistic collation would order otherwise ("B" after "a").
        var trips = new[]
        {
            Trip(company, vehicle, $"t-{vehicle}-a", startSeconds: 60),
            Trip(company, vehicle, $"t-{vehicle}-B", startSeconds: 60),
            Trip(company, vehicle, $"t-{vehicle}-_", startSeconds: 60),
            Trip(company, vehicle, $"t-{vehicle}-z", startSeconds: 0),
            Trip(company, vehicle, $"t-{vehicle}-0", startSeconds: 120),
        };
        await CommitAsync(Commit(trips: trips));

        var pages = await TripPagesAsync(company, vehicle, limit: 2);
        var whole = await History.TripsAsync(company, vehicle, Start, Start.AddDays(1), after: null, limit: trips.Length, Token);

        var expected = trips.OrderBy(trip => trip.StartTime).ThenBy(trip => trip.TripId, StringComparer.Ordinal).Select(trip => trip.TripId).ToList();
        Assert.Equal(expected, pages.SelectMany(page => page).Select(trip => trip.TripId));
        Assert.Equal([2, 2, 1], pages.Select(page => page.Count));
        Assert.False(whole.More);
        Assert.Empty((await History.TripsAsync(NewCompany(), vehicle, Start, Start.AddDays(1), after: null, limit: 10, Token)).Items);
    }

    [Fact]
    public async Task Daily_statistics_add_up_across_and_within_commits()
    {
        var (company, vehicle) = NewVehicle();
        var other = NewVehicleOf(company);
        await CommitAsync(Commit(stats:
        [
            new DailyStats(company, vehicle, Day, DistanceKm: 1.5, TripsStarted: 1, MovingSeconds: 60),
            new DailyStats(company, vehicle, Day, DistanceKm: 2, TripsCompleted: 1, IdleSeconds: 30),
            new DailyStats(company, other, Day.AddDays(1), FuelUsedLiters: 3, TripsCancelled: 1),
        ]));

        await CommitAsync(Commit(stats: [new DailyStats(company, vehicle, Day, DistanceKm: 0.5, FuelUsedLiters: 0.25)]));

        Assert.Equal(
            [
                new DailyStats(company, vehicle, Day, 4, 1, 1, 0, 0.25, 60, 30),
                new DailyStats(company, other, Day.AddDays(1), 0, 0, 0, 1, 3, 0, 0),
            ],
            await StatsAsync(company));
        Assert.Equal([other], (await History.DailyStatsAsync(company, Day.AddDays(1), Day.AddDays(5), Token)).Select(row => row.VehicleId));
        Assert.Empty(await StatsAsync(NewCompany()));
    }

    [Fact]
    public async Task Dead_letters_keep_the_first_write_per_stream_position_newest_first_per_company()
    {
        var company = NewCompany();
        var partition = "p-" + company;
        var first = Letter(partition, 1, company, Start.AddSeconds(1), "first");
        var second = Letter(partition, 2, company, Start.AddSeconds(2), "second");
        var unknownDevice = Letter(partition, 3, companyId: null, Start.AddSeconds(3), "unknown");

        await CommitAsync(Commit(deadLetters: [first, second, unknownDevice]));
        await CommitAsync(Commit(deadLetters: [first with { Detail = "replayed" }]));

        Assert.Equal([Describe(second), Describe(first)], (await History.DeadLettersAsync(company, 10, Token)).Select(Describe));
        Assert.Equal([Describe(second)], (await History.DeadLettersAsync(company, 1, Token)).Select(Describe));
        Assert.Contains(Describe(unknownDevice), (await History.DeadLettersAsync(null, 1000, Token)).Select(Describe));
    }

    [Fact]
    public async Task Sequence_numbers_are_allocated_per_company_without_gaps()
    {
        var company = NewCompany();
        var other = NewCompany();

        var first = await Store.CommitAsync(Commit(sequences: new() { [company] = 3, [other] = 1 }), Token);
        var second = await Store.CommitAsync(Commit(sequences: new() { [company] = 2 }), Token);

        Assert.Equal(3, first.LastSequences[company]);
        Assert.Equal(1, first.LastSequences[other]);
        Assert.Equal(5, second.LastSequences[company]);
    }

    [Fact]
    public async Task The_states_of_a_company_are_its_own_in_vehicle_order()
    {
        var (company, vehicle) = NewVehicle();
        var other = NewVehicleOf(company);
        var (stranger, strangersVehicle) = NewVehicle();
        await CommitAsync(Commit(states:
        [
            State(company, other, Position(other, company, seconds: 5)),
            State(company, vehicle, Position(vehicle, company, seconds: 5)),
            State(stranger, strangersVehicle, Position(strangersVehicle, stranger, seconds: 5)),
        ]));

        var states = await History.StatesOfAsync(company, Token);

        Assert.Equal(new[] { vehicle, other }.Order(StringComparer.Ordinal), states.Select(state => state.VehicleId));
    }

    [Fact]
    public async Task The_states_of_named_vehicles_are_those_of_the_company_alone_each_once()
    {
        var (company, vehicle) = NewVehicle();
        var other = NewVehicleOf(company);
        var unnamed = NewVehicleOf(company);
        var (stranger, strangersVehicle) = NewVehicle();
        await CommitAsync(Commit(states:
        [
            State(company, other, Position(other, company, seconds: 5)),
            State(company, vehicle, Position(vehicle, company, seconds: 5)),
            State(company, unnamed, Position(unnamed, company, seconds: 5)),
            State(stranger, strangersVehicle, Position(strangersVehicle, stranger, seconds: 5)),
        ]));

        var states = await History.StatesOfAsync(company, [other, vehicle, vehicle, strangersVehicle, "v-never-seen"], Token);

        Assert.Equal(new[] { vehicle, other }.Order(StringComparer.Ordinal), states.Select(state => state.VehicleId));
        Assert.Empty(await History.StatesOfAsync(company, [], Token));
    }

    private async Task CommitAsync(TelemetryCommit commit) => Assert.True((await Store.CommitAsync(commit, Token)).Committed);

    private Task<IReadOnlyList<PositionRecord>> PositionsAsync(string company, string vehicle) =>
        History.PositionsAsync(company, vehicle, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, 1000, Token);

    /// <summary>Every page of the vehicle's trips of the day, each from the cursor of the one before.</summary>
    private async Task<List<IReadOnlyList<TripRecord>>> TripPagesAsync(string company, string vehicle, int limit)
    {
        var pages = new List<IReadOnlyList<TripRecord>>();
        OldestFirstCursor? after = null;
        while (true)
        {
            var page = await History.TripsAsync(company, vehicle, Start, Start.AddDays(1), after, limit, Token);
            pages.Add(page.Items);
            if (!page.More)
            {
                return pages;
            }

            after = new OldestFirstCursor(page.Items[^1].StartTime, page.Items[^1].TripId);
        }
    }

    private Task<IReadOnlyList<DailyStats>> StatsAsync(string company) =>
        History.DailyStatsAsync(company, DateOnly.MinValue, DateOnly.MaxValue, Token);

    private static TelemetryCommit Commit(
        IReadOnlyList<VehicleState>? states = null,
        IReadOnlyList<PositionRecord>? positions = null,
        IReadOnlyList<TripRecord>? trips = null,
        IReadOnlyList<DailyStats>? stats = null,
        IReadOnlyList<DeadLetter>? deadLetters = null,
        Dictionary<string, int>? sequences = null) =>
        new(states ?? [], positions ?? [], trips ?? [], stats ?? [], deadLetters ?? [], [], sequences ?? [], Start);

    private static VehicleState State(string company, string vehicle, PositionRecord last) => new()
    {
        VehicleId = vehicle,
        CompanyId = company,
        LastSeen = last.FixTime,
        LastFix = new FixSnapshot(last.Fix, SpeedKmh: 40, OdometerKm: 0, FuelLevelPercent: null, Ignition: true, DriverId: null),
    };

    private static PositionRecord Position(string vehicle, string company, double seconds) => new(
        new TelemetryFix(
            "dev-" + vehicle,
            Start.AddSeconds(seconds),
            new GeoPoint(25.03, 121.56 + seconds / 10_000),
            new EventMetadata("0", (long)seconds, Start.AddSeconds(seconds + 1)),
            SpeedKmh: 40),
        vehicle,
        company,
        OdometerKm: seconds / 100,
        IsLate: false);

    private static TripRecord Trip(string company, string vehicle, string tripId, double startSeconds) => new(
        tripId, vehicle, company, "d-1", TripStatus.Completed, Start.AddSeconds(startSeconds), new GeoPoint(25.03, 121.56),
        Start.AddSeconds(startSeconds + 600), new GeoPoint(25.04, 121.57), 3.2, 72.5, 0.4);

    private static DeadLetter Letter(string partition, long sequence, string? companyId, DateTimeOffset enqueued, string detail) => new(
        new EventMetadata(partition, sequence, enqueued), RejectionReason.InvalidCoordinates, detail, "dev-x", companyId is null ? null : "v-x",
        companyId, new byte[] { 0x7B, (byte)sequence, 0x7D }, 3);

    private static string Describe(DeadLetter letter) =>
        $"{letter.Source} {letter.Reason} {letter.Detail} {letter.DeviceId} {letter.VehicleId} {letter.CompanyId} " +
        $"{Convert.ToHexString(letter.Body.Span)} {letter.BodyLength}";

    // States hold immutable arrays, which compare by reference: their serialised form compares by value.
    private static string Json(VehicleState state) => JsonSerializer.Serialize(state);

    private static string NewCompany() => "c-" + Guid.NewGuid().ToString("N")[..12];

    private static (string Company, string Vehicle) NewVehicle()
    {
        var company = NewCompany();
        return (company, NewVehicleOf(company));
    }

    private static string NewVehicleOf(string company) => "v-" + Guid.NewGuid().ToString("N")[..12] + "-" + company[2..6];
}

public sealed class InMemoryTelemetryStoreContract : TelemetryStoreContract
{
    private readonly InMemory.InMemoryTelemetryStore _store = new();

    protected override IVehicleStateStore States => _store;

    protected override ITelemetryStore Store => _store;

    protected override IFleetHistory History => _store;
}

public sealed class PostgresTelemetryStoreContract(PostgresDatabase database) : TelemetryStoreContract, IClassFixture<PostgresDatabase>
{
    private readonly Postgres.PostgresTelemetryStore _store = new(
        database.DataSource, database.Retry, Microsoft.Extensions.Logging.Abstractions.NullLogger<Postgres.PostgresTelemetryStore>.Instance);

    protected override IVehicleStateStore States => _store;

    protected override ITelemetryStore Store => _store;

    protected override IFleetHistory History => _store;
}
