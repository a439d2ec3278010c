namespace Fleet.Adapters.Tests.EventHubs;

/// <summary>A clock that shows whatever time the test sets.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
