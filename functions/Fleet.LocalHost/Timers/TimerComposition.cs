using Fleet.Adapters;
using Fleet.Core.Timers;

namespace Fleet.LocalHost.Timers;

/// <summary>
/// The three timers of DESIGN 6 and the alert outbox's, on the schedules the timer functions read from the same
/// settings, calling the same core handlers.
/// </summary>
public static class TimerComposition
{
    /// <summary>
    /// Registers a timer per schedule, running the jobs <c>AddFleetCore</c> registers. A missing or invalid schedule fails
    /// start-up with an error naming its setting.
    /// </summary>
    public static WebApplicationBuilder AddLocalTimers(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        AddTimer(services, "dashboard broadcast", TimerSettingKeys.DashboardSchedule, static (jobs, token) => jobs.BroadcastDashboardsAsync(token));
        AddTimer(services, "alert expiry", TimerSettingKeys.AlertExpirySchedule, static (jobs, token) => jobs.ExpireAlertsAsync(token));
        AddTimer(services, "offline sweep", TimerSettingKeys.OfflineSweepSchedule, static (jobs, token) => jobs.SweepOfflineAsync(token));
        AddTimer(services, "alert outbox", TimerSettingKeys.AlertOutboxSchedule, static (jobs, token) => jobs.DeliverPendingAlertsAsync(token));
        return builder;
    }

    // Not AddHostedService: it keeps one registration per implementation type, and all the timers are CronTimers.
    private static void AddTimer(IServiceCollection services, string name, string settingKey, Func<FleetTimerJobs, CancellationToken, Task> job) =>
        services.AddSingleton<IHostedService>(provider =>
        {
            var schedule = NcrontabSchedule.FromSetting(provider.GetRequiredService<IConfiguration>(), settingKey);
            var jobs = provider.GetRequiredService<FleetTimerJobs>();
            return new CronTimer(
                name, schedule, token => job(jobs, token), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<CronTimer>>());
        });
}
