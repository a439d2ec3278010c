namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// The system clock plus an offset a test moves forward: "now" jumps, while timers and timestamps stay real, so the
/// web server, SignalR and the host's timers keep running normally. Tokens must be minted before a jump, because
/// they are validated against the real clock.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Shift(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
