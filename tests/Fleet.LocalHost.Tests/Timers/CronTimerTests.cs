using System.Globalization;
using System.Threading.Channels;
using Fleet.LocalHost.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Fleet.LocalHost.Tests.Timers;

/// <summary>The local timer runner under a clock the test moves: it runs at each occurrence, never before.</summary>
public sealed class CronTimerTests
{
    private static readonly DateTimeOffset Start = At("10:00:10");

    [Theory]
    [InlineData("*/30 * * * * *", "10:00:30", "10:01:00")]
    [InlineData("0 */5 * * * *", "10:05:00", "10:10:00")]
    [InlineData("0 * * * * *", "10:01:00", "10:02:00")]
    public async Task Runs_at_each_occurrence_and_not_before(string expression, string first, string second)
    {
        await using var rig = await Rig.StartAsync(expression);

        foreach (var occurrence in new[] { At(first), At(second) })
        {
            await rig.Clock.WaitForTimersAsync();
            Assert.Equal(occurrence, rig.Clock.NextDue);
            rig.Clock.Advance(occurrence - rig.Clock.GetUtcNow() - TimeSpan.FromMilliseconds(1));
            Assert.False(rig.Runs.TryRead(out _));

            rig.Clock.Advance(TimeSpan.FromMilliseconds(1));

            Assert.Equal(occurrence, await rig.NextRunAsync());
        }
    }

    [Fact]
    public async Task A_failing_run_is_logged_and_the_schedule_goes_on()
    {
        var runs = 0;
        await using var rig = await Rig.StartAsync("*/30 * * * * *", () => ++runs == 1 ? throw new InvalidOperationException("store unavailable") : Task.CompletedTask);

        await rig.AdvanceToNextAsync();
        Assert.Equal(At("10:00:30"), await rig.NextRunAsync());
        await rig.AdvanceToNextAsync();

        Assert.Equal(At("10:01:00"), await rig.NextRunAsync());
        var failure = Assert.Single(rig.Logger.Entries, entry => entry.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(failure.Exception);
        Assert.Contains("test job", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_overran_its_period_skips_the_occurrences_it_missed()
    {
        var slowRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = 0;
        await using var rig = await Rig.StartAsync("*/30 * * * * *", () => ++runs == 1 ? slowRun.Task : Task.CompletedTask);

        await rig.AdvanceToNextAsync();
        Assert.Equal(At("10:00:30"), await rig.NextRunAsync());
        rig.Clock.Advance(TimeSpan.FromSeconds(65));

        // Nothing waits on the clock while the run goes on: no second run starts beside it.
        Assert.Null(rig.Clock.NextDue);
        slowRun.SetResult();
        await rig.Clock.WaitForTimersAsync();
        Assert.Equal(At("10:02:00"), rig.Clock.NextDue);
        Assert.False(rig.Runs.TryRead(out _));
    }

    [Fact]
    public async Task Stopping_ends_the_wait_at_once()
    {
        var rig = await Rig.StartAsync("0 0 0 1 1 *");
        await rig.Clock.WaitForTimersAsync();

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await rig.Timer.StopAsync(limit.Token);

        Assert.True(rig.Timer.ExecuteTask!.IsCompletedSuccessfully);
        Assert.False(rig.Runs.TryRead(out _));
    }

    private static DateTimeOffset At(string time) =>
        new(new DateOnly(2026, 11, 21).ToDateTime(TimeOnly.Parse(time, CultureInfo.InvariantCulture)), TimeSpan.Zero);

    /// <summary>A timer whose job records the clock's time when it starts, then does what the test says.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly Channel<DateTimeOffset> _runs = Channel.CreateUnbounded<DateTimeOffset>();

        private Rig(string expression, Func<Task> job)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["TestSchedule"] = expression }).Build();
            Timer = new CronTimer(
                "test job",
                NcrontabSchedule.FromSetting(configuration, "TestSchedule"),
                _ =>
                {
                    _runs.Writer.TryWrite(Clock.GetUtcNow());
                    return job();
                },
                Clock,
                Logger);
        }

        public ManualTimeProvider Clock { get; } = new(Start);

        public RecordingLogger<CronTimer> Logger { get; } = new();

        public CronTimer Timer { get; }

        public ChannelReader<DateTimeOffset> Runs => _runs.Reader;

        public static async Task<Rig> StartAsync(string expression, Func<Task>? job = null)
        {
            var rig = new Rig(expression, job ?? (() => Task.CompletedTask));
            await rig.Timer.StartAsync(CancellationToken.None);
            return rig;
        }

        public async Task AdvanceToNextAsync()
        {
            await Clock.WaitForTimersAsync();
            Clock.Advance(Clock.NextDue!.Value - Clock.GetUtcNow());
        }

        public async Task<DateTimeOffset> NextRunAsync() => await _runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        public async ValueTask DisposeAsync()
        {
            await Timer.StopAsync(CancellationToken.None);
            Timer.Dispose();
        }
    }
}
