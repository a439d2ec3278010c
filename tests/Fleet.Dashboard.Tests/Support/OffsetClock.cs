namespace Fleet.Dashboard.Tests.Support;

/// <summary>The system clock moved to another instant: real time passes, from a chosen time of day.</summary>
public sealed class OffsetClock(DateTimeOffset now) : TimeProvider
{
    private readonly TimeSpan _offset = now - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
