using Fleet.Core.Timers;
using Fleet.LocalHost.Timers;
using Microsoft.Extensions.Configuration;

namespace Fleet.LocalHost.Tests.Timers;

public sealed class NcrontabScheduleTests
{
    private static readonly DateTimeOffset TenPastTen = new(2026, 11, 21, 10, 0, 10, TimeSpan.Zero);

    [Theory]
    [InlineData("every minute")]
    [InlineData("* * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("0 0 25 * * *")]
    public void An_invalid_schedule_is_refused_naming_its_setting(string expression)
    {
        var configuration = Settings((TimerSettingKeys.OfflineSweepSchedule, expression));

        var error = Assert.Throws<InvalidOperationException>(() => NcrontabSchedule.FromSetting(configuration, TimerSettingKeys.OfflineSweepSchedule));

        Assert.Contains("'OfflineSweepSchedule'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_schedule_is_refused_naming_its_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NcrontabSchedule.FromSetting(Settings(), TimerSettingKeys.DashboardSchedule));

        Assert.Contains("'DashboardSchedule'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TimerSettingKeys.DashboardSchedule, "10:00:30", "10:01:00")]
    [InlineData(TimerSettingKeys.AlertExpirySchedule, "10:05:00", "10:10:00")]
    [InlineData(TimerSettingKeys.OfflineSweepSchedule, "10:01:00", "10:02:00")]
    public void The_shipped_schedules_run_as_designed(string settingKey, string first, string second)
    {
        // The local host's appsettings.json, copied beside the tests as beside the host.
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        var schedule = NcrontabSchedule.FromSetting(configuration, settingKey);

        var next = schedule.NextAfter(TenPastTen);
        Assert.Equal(TimeOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.FromDateTime(next.UtcDateTime));
        Assert.Equal(TimeOnly.Parse(second, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.FromDateTime(schedule.NextAfter(next).UtcDateTime));
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value))).Build();
}
