using Fleet.Adapters.Tests.Support;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.State;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every alert outbox must do (the telemetry stores keep it): alerts recorded in the commit and only with it, the
/// sink's rule for versions that are not final, pending alerts read oldest first, and marking delivered and forgetting
/// that spare a version committed after the read. The outbox is read across companies, so each test starts from an empty one.
/// </summary>
public abstract class AlertOutboxContract
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    protected abstract ITelemetryStore Store { get; }

    protected abstract IVehicleStateStore States { get; }

    protected abstract IAlertOutbox Outbox { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task Alerts_are_recorded_with_the_commit_and_read_back_whole()
    {
        var full = Alert("a-full") with
        {
            VehicleId = "v-1",
            DriverId = "d-7",
            UserId = "u-3",
            EventTime = new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.FromHours(8)),
            Details = new AlertDetails { Latitude = 25.0330123, Longitude = 121.5654321, SpeedKmh = 131.4, GeofenceName = "Yard \"east\"", LastSeen = Start },
            Final = false,
        };
        var sparse = Alert("a-sparse");

        await CommitAsync(Start, full, sparse);

        Assert.Equal([full, sparse], await AllPendingAsync());
    }

    [Fact]
    public async Task A_commit_refused_for_a_version_conflict_records_no_alert()
    {
        var state = new VehicleState { VehicleId = "v-" + Guid.NewGuid().ToString("N"), CompanyId = "c-1", LastSeen = Start };
        Assert.True((await Store.CommitAsync(Commit(Start, [state], []), Token)).Committed);
        var loaded = (await States.LoadAsync([state.VehicleId], Token))[state.VehicleId];
        Assert.True((await Store.CommitAsync(Commit(Start, [loaded], []), Token)).Committed);

        var stale = await Store.CommitAsync(Commit(Start, [loaded], [Alert("a-stale")]), Token);

        Assert.False(stale.Committed);
        Assert.Empty(await AllPendingAsync());
    }

    [Fact]
    public async Task A_version_that_is_not_final_never_replaces_a_final_one_and_a_final_one_replaces_any()
    {
        var open = Alert("a-1") with { Message = "Open.", Final = false };
        var openLater = open with { Message = "Still open." };
        var closed = open with { Message = "Closed.", Final = true };
        var closedAgain = closed with { Message = "Closed, corrected." };

        await CommitAsync(Start, open);
        await CommitAsync(Start.AddSeconds(1), openLater);
        var afterOpen = await AllPendingAsync();
        await CommitAsync(Start.AddSeconds(2), closed);
        await CommitAsync(Start.AddSeconds(3), open);
        var afterReopen = await AllPendingAsync();
        await CommitAsync(Start.AddSeconds(4), closedAgain);

        Assert.Equal([openLater], afterOpen);
        Assert.Equal([closed], afterReopen);
        Assert.Equal([closedAgain], await AllPendingAsync());
    }

    [Fact]
    public async Task Pending_alerts_are_those_recorded_before_the_time_oldest_first_up_to_the_limit()
    {
        // Ids that sort apart by code point ("B" before "a") and by a linguistic collation (the other way round).
        await CommitAsync(Start.AddSeconds(2), Alert("a-a"), Alert("a-B"));
        await CommitAsync(Start, Alert("a-z"));
        await CommitAsync(Start.AddSeconds(5), Alert("a-late"));

        var before = await Outbox.PendingAsync(Start.AddSeconds(5), 10, Token);
        var limited = await Outbox.PendingAsync(Start.AddSeconds(5), 2, Token);

        Assert.Equal(["a-z", "a-B", "a-a"], before.Select(alert => alert.Id));
        Assert.Equal(["a-z", "a-B"], limited.Select(alert => alert.Id));
        Assert.Empty(await Outbox.PendingAsync(Start, 10, Token));
    }

    [Fact]
    public async Task A_delivered_alert_is_marked_only_while_its_recorded_version_is_the_one_delivered()
    {
        var open = Alert("a-open") with { Final = false, Details = new AlertDetails { SpeedKmh = 101.3, EpisodeOpen = true } };
        var other = Alert("a-other") with { Details = new AlertDetails { Latitude = 25.03, Longitude = 121.56 } };
        await CommitAsync(Start, open, other);
        var read = await AllPendingAsync();

        // Another batch closes the episode between the read and the mark.
        var closed = open with { Final = true, Details = open.Details! with { EpisodeOpen = false, DurationSeconds = 42 } };
        await CommitAsync(Start.AddSeconds(1), closed);
        var marked = await Outbox.MarkDeliveredAsync(read, Start.AddSeconds(2), Token);

        Assert.Equal(1, marked);
        Assert.Equal([closed], await AllPendingAsync());
        Assert.Equal([other], await Outbox.DeliveredAsync(DateTimeOffset.MaxValue, 100, Token));
    }

    [Fact]
    public async Task Delivered_alerts_are_kept_until_forgotten_oldest_delivery_first_and_a_new_version_is_pending_again()
    {
        await CommitAsync(Start, Alert("a-1"), Alert("a-2"), Alert("a-3"));
        await Outbox.MarkDeliveredAsync([Alert("a-2")], Start.AddSeconds(1), Token);
        await Outbox.MarkDeliveredAsync([Alert("a-1"), Alert("a-3")], Start.AddSeconds(2), Token);
        var settled = await Outbox.DeliveredAsync(Start.AddSeconds(2), 10, Token);
        var all = await Outbox.DeliveredAsync(DateTimeOffset.MaxValue, 10, Token);

        var corrected = Alert("a-3") with { Message = "Corrected." };
        await CommitAsync(Start.AddSeconds(3), corrected);
        var forgotten = await Outbox.ForgetAsync([Alert("a-2"), Alert("a-3")], Token);

        Assert.Equal(["a-2"], settled.Select(alert => alert.Id));
        Assert.Equal(["a-2", "a-1", "a-3"], all.Select(alert => alert.Id));
        Assert.Equal(1, forgotten);
        Assert.Equal([corrected], await AllPendingAsync());
        Assert.Equal(["a-1"], (await Outbox.DeliveredAsync(DateTimeOffset.MaxValue, 10, Token)).Select(alert => alert.Id));
    }

    [Fact]
    public async Task An_alert_a_user_deleted_is_forgotten_whatever_its_version_but_only_in_its_own_company()
    {
        await CommitAsync(Start, Alert("a-1"), Alert("a-2"));
        await Outbox.MarkDeliveredAsync([Alert("a-1")], Start, Token);

        await Outbox.ForgetAsync("c-1", "a-1", Token);
        await Outbox.ForgetAsync("c-other", "a-2", Token);

        Assert.Empty(await Outbox.DeliveredAsync(DateTimeOffset.MaxValue, 10, Token));
        Assert.Equal(["a-2"], (await AllPendingAsync()).Select(alert => alert.Id));
    }

    [Fact]
    public async Task The_same_alert_id_in_two_companies_is_two_alerts()
    {
        var first = Alert("a-same");
        var second = first with { CompanyId = "c-2", Message = "The vehicle's new company." };
        await CommitAsync(Start, first, second);

        await Outbox.MarkDeliveredAsync([first], Start, Token);

        Assert.Equal([second], await AllPendingAsync());
        Assert.Equal([first], await Outbox.DeliveredAsync(DateTimeOffset.MaxValue, 10, Token));
    }

    private Task<IReadOnlyList<Alert>> AllPendingAsync() => Outbox.PendingAsync(DateTimeOffset.MaxValue, 100, Token);

    private async Task CommitAsync(DateTimeOffset recordedAt, params Alert[] alerts) =>
        Assert.True((await Store.CommitAsync(Commit(recordedAt, [], alerts), Token)).Committed);

    private static TelemetryCommit Commit(DateTimeOffset recordedAt, IReadOnlyList<VehicleState> states, IReadOnlyList<Alert> alerts) =>
        new(states, [], [], [], [], alerts, new Dictionary<string, int>(), recordedAt);

    private static Alert Alert(string id) =>
        new(id, "c-1", AlertType.SpeedViolation, AlertSeverity.High, "Speeding: Van 1", "Van 1 is driving 101 km/h.", Start, Start.AddSeconds(1), Start.AddDays(7));
}

public sealed class InMemoryAlertOutboxContract : AlertOutboxContract
{
    private readonly InMemory.InMemoryTelemetryStore _store = new();

    protected override ITelemetryStore Store => _store;

    protected override IVehicleStateStore States => _store;

    protected override IAlertOutbox Outbox => _store;
}

/// <summary>On one database per class, emptied of pending alerts before each test (xunit runs a class's tests one at a time).</summary>
public sealed class PostgresAlertOutboxContract(PostgresDatabase database) : AlertOutboxContract, IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private readonly Postgres.PostgresTelemetryStore _store = new(
        database.DataSource, database.Retry, Microsoft.Extensions.Logging.Abstractions.NullLogger<Postgres.PostgresTelemetryStore>.Instance);

    protected override ITelemetryStore Store => _store;

    protected override IVehicleStateStore States => _store;

    protected override IAlertOutbox Outbox => _store;

    public async Task InitializeAsync()
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM alert_outbox");
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
