namespace Fleet.LocalHost.Timers;

/// <summary>
/// Runs one job on an NCRONTAB schedule, as the Functions host runs a timer trigger: at each occurrence, never two runs
/// at once, and occurrences missed while a run overran are skipped rather than run back to back. A failed run is
/// logged and the schedule goes on, as a failed timer function is invoked again at its next occurrence.
/// </summary>
internal sealed partial class CronTimer(
    string name,
    NcrontabSchedule schedule,
    Func<CancellationToken, Task> job,
    TimeProvider timeProvider,
    ILogger<CronTimer> logger) : BackgroundService
{
    // Task.Delay takes at most about 49 days; a rare schedule (yearly, say) waits in steps.
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    public string Name => name;

    public NcrontabSchedule Schedule => schedule;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunOnScheduleAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping while waiting or running: the job is idempotent, so a run cut short is simply done by the next.
        }
    }

    private async Task RunOnScheduleAsync(CancellationToken stoppingToken)
    {
        var occurrence = schedule.NextAfter(timeProvider.GetUtcNow());
        Log.Scheduled(logger, name, schedule.Expression, schedule.SettingKey, occurrence);
        while (!stoppingToken.IsCancellationRequested)
        {
            // A timer may wake a little before the clock it was set from says it should: wait again for the rest.
            for (var wait = occurrence - timeProvider.GetUtcNow(); wait > TimeSpan.Zero; wait = occurrence - timeProvider.GetUtcNow())
            {
                await Task.Delay(wait < MaxWait ? wait : MaxWait, timeProvider, stoppingToken);
            }

            try
            {
                await job(stoppingToken);
                Log.Ran(logger, name, occurrence);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                Log.RunFailed(logger, exception, name, occurrence);
            }

            // After this occurrence even if the clock reads earlier, so it never runs twice; after the clock, so a run
            // that overran skips what it missed.
            var now = timeProvider.GetUtcNow();
            occurrence = schedule.NextAfter(now > occurrence ? now : occurrence);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Timer {Timer} runs on \"{Schedule}\" (setting {SettingKey}); first run at {Next:O}")]
        public static partial void Scheduled(ILogger logger, string timer, string schedule, string settingKey, DateTimeOffset next);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Timer {Timer} ran for {Occurrence:O}")]
        public static partial void Ran(ILogger logger, string timer, DateTimeOffset occurrence);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Timer {Timer} failed in its run for {Occurrence:O}; it runs again at its next occurrence")]
        public static partial void RunFailed(ILogger logger, Exception exception, string timer, DateTimeOffset occurrence);
    }
}
