namespace Fleet.LocalHost.Tests.Timers;

/// <summary>
/// A clock that moves only when a test advances it, firing the timers that fall due on the way, each with the clock at
/// its due time. Timers are what <c>Task.Delay(delay, timeProvider, token)</c> creates.
/// </summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    /// <summary>When the earliest pending timer is due, or null when nothing is waiting.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock)
            {
                return _timers.Min(timer => timer.Due);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private int PendingTimers
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count(timer => timer.Due is not null);
            }
        }
    }

    /// <summary>
    /// Waits (in real time) until that many timers are pending on this clock: the code under test has reached its waits.
    /// </summary>
    public async Task WaitForTimersAsync(int count = 1)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (PendingTimers < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), limit.Token);
        }
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (true)
        {
            ManualTimer? due;
            lock (_lock)
            {
                due = _timers.Where(timer => timer.Due <= target).MinBy(timer => timer.Due);
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.Due!.Value;
                due.Due = due.Period > TimeSpan.Zero ? _now + due.Period : null;
            }

            // Outside the lock: the callback may create or change timers.
            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }

                return true;
            }
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
