namespace Fleet.Adapters.Tests.Tables;

/// <summary>
/// A clock that stands still until moved, and whose timers fire at once, recording how long they were asked to wait:
/// backoff is asserted without waiting for it.
/// </summary>
internal sealed class RecordingTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly List<TimeSpan> _waits = [];
    private DateTimeOffset _now = now;

    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_waits)
            {
                return [.. _waits];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_waits)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_waits)
        {
            _now += by;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_waits)
        {
            _waits.Add(dueTime);
        }

        callback(state);
        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
