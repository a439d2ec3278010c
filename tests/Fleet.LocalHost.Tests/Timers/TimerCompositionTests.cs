using Fleet.Adapters;
using Fleet.Adapters.InMemory;
using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Fleet.Core.Registry;
using Fleet.Core.State;
using Fleet.Core.Tests.Support;
using Fleet.Core.Timers;
using Fleet.LocalHost.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.LocalHost.Tests.Timers;

/// <summary><c>AddLocalTimers</c> in a host of its own, on the in-memory stores and a clock the test moves.</summary>
public sealed class TimerCompositionTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 50, TimeSpan.Zero);

    [Fact]
    public async Task The_timers_run_the_core_handlers_on_their_configured_schedules()
    {
        var clock = new ManualTimeProvider(Start);
        var publisher = new RecordingPublisher();
        await using var app = Build(clock, publisher);
        var vehicle = new VehicleProfile("v-1", "c-1", "Van 1");
        var directory = app.Services.GetRequiredService<InMemoryFleetDirectory>();
        directory.AddCompany("c-1", "Company 1");
        directory.AddVehicle(vehicle, "dev-1");
        var silent = VehicleState.Initial(vehicle) with { LastSeen = Start.AddMinutes(-10), Status = VehicleStatus.Stopped };
        // An alert a batch committed two minutes ago and could not write to the alert store.
        var pending = new Alert("a-pending", "c-1", AlertType.SystemError, AlertSeverity.Low, "Test", "Left in the outbox.", Start, Start, Start.AddDays(1));
        await app.Services.GetRequiredService<ITelemetryStore>().CommitAsync(
            new TelemetryCommit([silent], [], [], [], [], [pending], new Dictionary<string, int>(), Start.AddMinutes(-2)), CancellationToken.None);
        var alerts = app.Services.GetRequiredService<IAlertStore>();
        await alerts.UpsertAsync(
            [new Alert("a-1", "c-1", AlertType.SystemError, AlertSeverity.Low, "Test", "Expires at 10:02.", Start, Start, Start.AddSeconds(70))],
            CancellationToken.None);

        await app.StartAsync();
        Assert.Equal(
            [
                ("dashboard broadcast", "DashboardSchedule", "*/30 * * * * *"),
                ("alert expiry", "AlertExpirySchedule", "0 */5 * * * *"),
                ("offline sweep", "OfflineSweepSchedule", "0 * * * * *"),
                ("alert outbox", "AlertOutboxSchedule", "*/15 * * * * *"),
            ],
            app.Services.GetServices<IHostedService>().OfType<CronTimer>().Select(timer => (timer.Name, timer.Schedule.SettingKey, timer.Schedule.Expression)));
        await clock.WaitForTimersAsync(4);

        clock.Advance(TimeSpan.FromSeconds(10));
        await EventuallyAsync(() => publisher.Messages.Any(message => message.Envelope.Type == RealtimeMessageTypes.FleetDashboardUpdate));
        await EventuallyAsync(() => publisher.Messages.Any(message => message.Envelope.Data is StatusPayload { VehicleId: "v-1", Status: "offline" }));
        await EventuallyAsync(async () => await alerts.GetAsync("c-1", "a-pending", CancellationToken.None) is not null);
        Assert.NotNull(await alerts.GetAsync("c-1", "a-1", CancellationToken.None));

        await clock.WaitForTimersAsync(4);
        clock.Advance(TimeSpan.FromMinutes(4));
        await EventuallyAsync(async () => await alerts.GetAsync("c-1", "a-1", CancellationToken.None) is null);

        await app.StopAsync();
    }

    [Theory]
    [InlineData(TimerSettingKeys.DashboardSchedule)]
    [InlineData(TimerSettingKeys.AlertExpirySchedule)]
    [InlineData(TimerSettingKeys.OfflineSweepSchedule)]
    [InlineData(TimerSettingKeys.AlertOutboxSchedule)]
    public async Task An_invalid_schedule_fails_start_up_naming_its_setting(string settingKey)
    {
        await using var app = Build(new ManualTimeProvider(Start), new RecordingPublisher(), (settingKey, "0 */5 * * *"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains($"'{settingKey}'", error.Message, StringComparison.Ordinal);
    }

    private static WebApplication Build(TimeProvider clock, IRealtimePublisher publisher, params (string Key, string Value)[] overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--Urls=http://127.0.0.1:0"] });
        var settings = new Dictionary<string, string?>
        {
            [TimerSettingKeys.DashboardSchedule] = "*/30 * * * * *",
            [TimerSettingKeys.AlertExpirySchedule] = "0 */5 * * * *",
            [TimerSettingKeys.OfflineSweepSchedule] = "0 * * * * *",
            [TimerSettingKeys.AlertOutboxSchedule] = "*/15 * * * * *",
            ["Fleet:Auth:Issuer"] = "https://fleet.test",
            ["Fleet:Auth:Audience"] = "fleet-api",
            ["Fleet:Auth:SigningKey"] = "timer-composition-tests-signing-key",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(clock);
        builder.AddFleetCore();
        builder.AddFleetInMemory();
        builder.AddFleetInMemoryAlerts();
        builder.Services.AddSingleton(publisher);
        builder.Services.AddSingleton<IVehicleFollowers, InMemoryVehicleFollowers>();
        builder.Services.AddSingleton<IProcessingProgress, UnknownProcessingProgress>();
        builder.AddLocalTimers();
        return builder.Build();
    }

    private static Task EventuallyAsync(Func<bool> condition) => EventuallyAsync(() => Task.FromResult(condition()));

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), limit.Token);
        }
    }
}
