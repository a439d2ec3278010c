using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Tests.Support;
using Fleet.Core.Timers;

namespace Fleet.Core.Tests.Timers;

public sealed class AlertExpiryHandlerTests
{
    [Fact]
    public async Task Only_alerts_whose_time_to_live_has_passed_are_deleted()
    {
        var harness = new FleetHarness();
        var now = harness.Clock.GetUtcNow();
        await harness.Alerts.UpsertAsync(
            [
                TimerHarness.Alert("a-expired", "c-1", AlertSeverity.High, now.AddHours(-25), TimeSpan.FromHours(24)),
                TimerHarness.Alert("a-expires-now", "c-2", AlertSeverity.Low, now.AddHours(-24), TimeSpan.FromHours(24)),
                TimerHarness.Alert("a-next-minute", "c-1", AlertSeverity.Low, now.AddHours(-24).AddMinutes(1), TimeSpan.FromHours(24)),
                TimerHarness.Alert("a-fresh", "c-1", AlertSeverity.Medium, now, TimeSpan.FromHours(24)),
            ],
            CancellationToken.None);
        var expiry = new AlertExpiryHandler(harness.Alerts, harness.Clock);

        var first = await expiry.ExpireAsync(CancellationToken.None);
        var remaining = await StoredAsync(harness.Alerts);
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await expiry.ExpireAsync(CancellationToken.None);

        Assert.Equal(2, first);
        Assert.Equal(["a-fresh", "a-next-minute"], remaining);
        Assert.Equal(1, second);
        Assert.Equal(["a-fresh"], await StoredAsync(harness.Alerts));
    }

    /// <summary>Which of the test's alerts the store still holds, expired or not.</summary>
    private static async Task<List<string>> StoredAsync(IAlertStore store)
    {
        var stored = new List<string>();
        foreach (var (companyId, alertId) in new[] { ("c-1", "a-expired"), ("c-2", "a-expires-now"), ("c-1", "a-next-minute"), ("c-1", "a-fresh") })
        {
            if (await store.GetAsync(companyId, alertId, CancellationToken.None) is not null)
            {
                stored.Add(alertId);
            }
        }

        return [.. stored.Order(StringComparer.Ordinal)];
    }
}
