using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Registry;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every <see cref="IAlertStore"/> must do, run against each implementation so they cannot drift apart. Each
/// test works in companies of its own, so implementations may share one store between tests.
/// </summary>
public abstract class AlertStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected abstract IAlertStore Store { get; }

    [Fact]
    public async Task An_upserted_alert_reads_back_exactly()
    {
        var company = NewCompany();
        var alert = Alert(company, "v-1", minutesAgo: 5) with { UserId = "u-1", DriverId = "d-1" };

        await Store.UpsertAsync([alert], Token);

        var stored = await Store.GetAsync(company, alert.Id, Token);
        Assert.Equal(new StoredAlert(alert, Read: false), stored);
        Assert.Equal([stored!], (await Store.ListAsync(company, Query(), Token)).Items);
    }

    [Fact]
    public async Task Alerts_list_newest_raised_first_and_only_the_companys_own()
    {
        var company = NewCompany();
        var other = NewCompany();
        var older = Alert(company, "v-1", minutesAgo: 30);
        var newest = Alert(company, "v-2", minutesAgo: 1);
        var middle = Alert(company, "v-3", minutesAgo: 10);
        await Store.UpsertAsync([older, newest, middle, Alert(other, "v-9", minutesAgo: 2)], Token);

        var listed = (await Store.ListAsync(company, Query(), Token)).Items;

        Assert.Equal([newest.Id, middle.Id, older.Id], listed.Select(stored => stored.Alert.Id));
        Assert.Null(await Store.GetAsync(company, Alert(other, "v-9", minutesAgo: 2).Id, Token));
    }

    [Fact]
    public async Task A_silent_vehicles_offline_alert_raised_now_lists_above_an_alert_raised_a_minute_ago_about_a_newer_fix()
    {
        var company = NewCompany();
        var fuelDrop = Alert(company, "v-1", minutesAgo: 1);

        // Its event time is when the vehicle was last seen, five minutes ago: the alert tells of it, but was raised now.
        var offline = AlertFactory.Offline(Origin(company, "v-2", minutesAgo: 0), Now.AddMinutes(-5), TimeSpan.FromMinutes(5), lastPosition: null);
        await Store.UpsertAsync([fuelDrop, offline], Token);

        var listed = (await Store.ListAsync(company, Query(), Token)).Items;

        Assert.Equal([offline.Id, fuelDrop.Id], listed.Select(stored => stored.Alert.Id));
        Assert.Equal((Now.AddMinutes(-5), Now), (listed[0].Alert.EventTime, listed[0].Alert.CreatedAt));
    }

    [Fact]
    public async Task A_limit_keeps_the_newest()
    {
        var company = NewCompany();
        var alerts = Enumerable.Range(1, 7).Select(minutes => Alert(company, $"v-{minutes}", minutesAgo: minutes)).ToList();
        await Store.UpsertAsync(alerts, Token);

        var listed = (await Store.ListAsync(company, Query(limit: 3), Token)).Items;

        Assert.Equal(alerts.Take(3).Select(alert => alert.Id), listed.Select(stored => stored.Alert.Id));
    }

    [Fact]
    public async Task Marking_read_survives_a_replayed_upsert_and_filters_unread_lists()
    {
        var company = NewCompany();
        var read = Alert(company, "v-1", minutesAgo: 3);
        var unread = Alert(company, "v-2", minutesAgo: 2);
        await Store.UpsertAsync([read, unread], Token);

        Assert.True(await Store.MarkReadAsync(company, read.Id, Token));
        await Store.UpsertAsync([read with { Message = "rewritten by a replay" }], Token);

        var stored = await Store.GetAsync(company, read.Id, Token);
        Assert.True(stored!.Read);
        Assert.Equal("rewritten by a replay", stored.Alert.Message);
        Assert.Equal([unread.Id], (await Store.ListAsync(company, Query(unreadOnly: true), Token)).Items.Select(item => item.Alert.Id));
    }

    [Fact]
    public async Task An_alert_of_another_company_can_be_neither_read_nor_deleted()
    {
        var company = NewCompany();
        var alert = Alert(company, "v-1", minutesAgo: 1);
        await Store.UpsertAsync([alert], Token);

        Assert.False(await Store.MarkReadAsync(NewCompany(), alert.Id, Token));
        Assert.False(await Store.DeleteAsync(NewCompany(), alert.Id, Token));
        Assert.False((await Store.GetAsync(company, alert.Id, Token))!.Read);
    }

    [Fact]
    public async Task Deleting_removes_the_alert_and_a_second_delete_finds_nothing()
    {
        var company = NewCompany();
        var alert = Alert(company, "v-1", minutesAgo: 1);
        await Store.UpsertAsync([alert], Token);

        Assert.True(await Store.DeleteAsync(company, alert.Id, Token));
        Assert.False(await Store.DeleteAsync(company, alert.Id, Token));
        Assert.Null(await Store.GetAsync(company, alert.Id, Token));
        Assert.False(await Store.MarkReadAsync(company, alert.Id, Token));
    }

    [Fact]
    public async Task Expired_alerts_are_not_listed_and_are_deleted_by_the_expiry_sweep()
    {
        var company = NewCompany();
        var expired = Alert(company, "v-1", minutesAgo: 60) with { ExpiresAt = Now.AddMinutes(-1) };
        var live = Alert(company, "v-2", minutesAgo: 60) with { ExpiresAt = Now.AddMinutes(1) };
        await Store.UpsertAsync([expired, live], Token);

        Assert.Equal([live.Id], (await Store.ListAsync(company, Query(), Token)).Items.Select(stored => stored.Alert.Id));
        Assert.True(await Store.DeleteExpiredAsync(Now, Token) >= 1);

        Assert.Null(await Store.GetAsync(company, expired.Id, Token));
        Assert.NotNull(await Store.GetAsync(company, live.Id, Token));
    }

    [Fact]
    public async Task An_opening_version_never_replaces_a_final_one()
    {
        var company = NewCompany();
        var closed = Alert(company, "v-1", minutesAgo: 2) with { Message = "closed" };
        var open = closed with { Message = "open", Final = false };

        await Store.UpsertAsync([open], Token);
        Assert.Equal("open", (await Store.GetAsync(company, open.Id, Token))!.Alert.Message);
        await Store.UpsertAsync([closed], Token);
        await Store.UpsertAsync([open], Token);

        Assert.Equal(closed, (await Store.GetAsync(company, open.Id, Token))!.Alert);
    }

    [Fact]
    public async Task Upserting_the_same_alerts_again_changes_nothing()
    {
        var company = NewCompany();
        var alerts = Enumerable.Range(1, 5).Select(minutes => Alert(company, $"v-{minutes}", minutesAgo: minutes)).ToList();

        await Store.UpsertAsync(alerts, Token);
        var once = (await Store.ListAsync(company, Query(), Token)).Items;
        await Store.UpsertAsync(alerts, Token);
        await Store.UpsertAsync(alerts, Token);

        Assert.Equal(once, (await Store.ListAsync(company, Query(), Token)).Items);
    }

    [Fact]
    public async Task Pages_list_newest_raised_first_with_ties_in_id_order_each_alert_exactly_once_with_or_without_the_read_ones()
    {
        var company = NewCompany();
        var other = NewCompany();

        // Three raised at one instant, so the cursor must tell them apart by id; times finer than a millisecond must
        // survive. Their event times run the other way (as an offline alert's last fix lies before alerts raised since).
        var alerts = new[] { 1, 5, 5, 5, 9, 12 }
            .Select((minutes, index) => Alert(company, $"v-{index}", minutesAgo: minutes))
            .Select((alert, index) => alert with { CreatedAt = alert.CreatedAt.AddTicks(1_234), EventTime = Now.AddMinutes(index - 60) })
            .ToList();
        await Store.UpsertAsync([.. alerts, Alert(other, "v-x", minutesAgo: 5)], Token);
        Assert.True(await Store.MarkReadAsync(company, alerts[2].Id, Token));

        var all = await PagesAsync(company, unreadOnly: false);
        var unread = await PagesAsync(company, unreadOnly: true);

        var expected = alerts.OrderByDescending(alert => alert.CreatedAt).ThenBy(alert => alert.Id, StringComparer.Ordinal).Select(alert => alert.Id).ToList();
        Assert.Equal(expected, all.SelectMany(page => page).Select(stored => stored.Alert.Id));
        Assert.Equal([2, 2, 2], all.Select(page => page.Count));
        Assert.Equal(expected.Where(id => id != alerts[2].Id), unread.SelectMany(page => page).Select(stored => stored.Alert.Id));
        Assert.Equal([2, 2, 1], unread.Select(page => page.Count));
    }

    protected static CancellationToken Token => CancellationToken.None;

    /// <summary>Every page of the company's alerts, two at a time, each from the cursor of the one before.</summary>
    private async Task<List<IReadOnlyList<StoredAlert>>> PagesAsync(string company, bool unreadOnly)
    {
        var pages = new List<IReadOnlyList<StoredAlert>>();
        NewestFirstCursor? after = null;

        // Bounded: a cursor that does not move the list on would otherwise page for ever.
        while (pages.Count < 20)
        {
            var page = await Store.ListAsync(company, new AlertQuery(2, unreadOnly, Now, after), Token);
            pages.Add(page.Items);
            if (!page.More)
            {
                return pages;
            }

            after = new NewestFirstCursor(page.Items[^1].Alert.CreatedAt, page.Items[^1].Alert.Id);
        }

        return pages;
    }

    private static AlertQuery Query(int limit = AlertQuery.MaxLimit, bool unreadOnly = false) => new(limit, unreadOnly, Now);

    /// <summary>A company id no other test uses, so tests can share one store (and one table).</summary>
    private static string NewCompany() => "c-" + Guid.NewGuid().ToString("N");

    /// <summary>A fuel drop raised <paramref name="minutesAgo"/>, at the fix that showed it.</summary>
    private static Alert Alert(string companyId, string vehicleId, int minutesAgo) =>
        AlertFactory.FuelTheft(
            Origin(companyId, vehicleId, minutesAgo), Now.AddMinutes(-minutesAgo - 5), Now.AddMinutes(-minutesAgo), 6.5, 3.9, new Fleet.Core.Geo.GeoPoint(25.0330, 121.5654));

    private static AlertOrigin Origin(string companyId, string vehicleId, int minutesAgo) =>
        new(new VehicleProfile(vehicleId, companyId, $"Truck {vehicleId}"), null, Now.AddMinutes(-minutesAgo), TimeSpan.FromHours(24));
}

public sealed class InMemoryAlertStoreContract : AlertStoreContract
{
    protected override IAlertStore Store { get; } = new InMemory.InMemoryAlertStore();
}
