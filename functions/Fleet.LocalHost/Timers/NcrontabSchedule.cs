using NCrontab;

namespace Fleet.LocalHost.Timers;

/// <summary>
/// A 6-field NCRONTAB schedule (seconds first) read from a setting, evaluated in UTC as the Functions host evaluates a
/// timer trigger's schedule unless told a time zone.
/// </summary>
internal sealed class NcrontabSchedule
{
    private static readonly CrontabSchedule.ParseOptions SixFields = new() { IncludingSeconds = true };

    private readonly CrontabSchedule _schedule;

    private NcrontabSchedule(string settingKey, string expression, CrontabSchedule schedule)
    {
        SettingKey = settingKey;
        Expression = expression;
        _schedule = schedule;
    }

    public string SettingKey { get; }

    public string Expression { get; }

    /// <exception cref="InvalidOperationException">The setting is missing or not a 6-field NCRONTAB schedule; the message names it.</exception>
    public static NcrontabSchedule FromSetting(IConfiguration configuration, string settingKey)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var expression = configuration[settingKey];
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new InvalidOperationException($"Setting '{settingKey}' must hold a 6-field NCRONTAB schedule such as \"0 */5 * * * *\"; it is not set.");
        }

        try
        {
            return new NcrontabSchedule(settingKey, expression, CrontabSchedule.Parse(expression, SixFields));
        }
        catch (CrontabException exception)
        {
            throw new InvalidOperationException(
                $"Setting '{settingKey}' is \"{expression}\", which is not a 6-field NCRONTAB schedule (second minute hour day month day-of-week): {exception.Message}",
                exception);
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="time"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset time) =>
        new(DateTime.SpecifyKind(_schedule.GetNextOccurrence(time.UtcDateTime), DateTimeKind.Utc));
}
