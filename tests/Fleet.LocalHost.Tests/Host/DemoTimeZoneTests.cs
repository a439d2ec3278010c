using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Issue 18: the demo companies keep Taipei's time, where their fleet drives. The page learns the zone from /api/me, and
/// the company's "today" ends at Taipei's midnight (16:00 UTC), not at UTC's.
/// </summary>
public sealed class DemoTimeZoneTests
{
    private static readonly TimeZoneInfo Taipei = TimeZoneInfo.FindSystemTimeZoneById("Asia/Taipei");
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_demo_companies_keep_Taipei_time_and_their_day_rolls_over_at_Taipei_midnight()
    {
        var clock = new ShiftedClock();
        await using var host = await LocalHostRig.StartAsync(HostStores.InMemory, clock);
        // Minted before the clock jumps: tokens are checked against the real clock, the SAS token against the host's.
        using var acme = await host.ClientAsync("acme-dispatcher", "c-acme", "dispatcher");
        using var globex = await host.ClientAsync("globex-dispatcher", "c-globex", "dispatcher");
        var sas = host.SasToken(validFor: TimeSpan.FromDays(2));

        foreach (var dispatcher in new[] { acme, globex })
        {
            var me = await dispatcher.GetFromJsonAsync<JsonElement>("/api/me");
            Assert.Equal("Asia/Taipei", Assert.Single(me.GetProperty("memberships").EnumerateArray()).GetProperty("time_zone").GetString());
        }

        // Two minutes before the next midnight in Taipei: v-001 drives for a minute.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Taipei).DateTime);
        var midnight = TaipeiMidnightStarting(today.AddDays(1));
        clock.Shift(midnight - TimeSpan.FromMinutes(2) - clock.GetUtcNow());
        var start = midnight - TimeSpan.FromSeconds(110);
        using var sent = await host.SendBatchAsync(
            Enumerable.Range(0, 12).Select(i => LocalHostRig.Fix("sim-001", start.AddSeconds(5 * i), 25.12, 121.45 + (i * 0.0007), 50)), sas);
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        await host.WaitUntilProcessedAsync(Wait);

        var before = await acme.GetFromJsonAsync<JsonElement>("/api/dashboard");
        Assert.Equal(Iso(today), before.GetProperty("day").GetString());
        Assert.True(before.GetProperty("distance_km_today").GetDouble() > 0.5, $"distance today {before.GetProperty("distance_km_today")}");

        // Half a minute past midnight in Taipei, still 16:00 in UTC: a new day, with nothing driven yet.
        clock.Shift(TimeSpan.FromMinutes(2.5));

        var after = await acme.GetFromJsonAsync<JsonElement>("/api/dashboard");
        Assert.Equal(Iso(today.AddDays(1)), after.GetProperty("day").GetString());
        Assert.Equal(0, after.GetProperty("distance_km_today").GetDouble());
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset TaipeiMidnightStarting(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Taipei.GetUtcOffset(local));
    }
}
