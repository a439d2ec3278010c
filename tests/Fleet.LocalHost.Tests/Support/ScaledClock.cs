namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// The system clock running <paramref name="speedup"/> times faster from the moment it is made, as a simulator running
/// at that speed stamps its fixes: the host's "now" keeps pace with them. Timers and timestamps stay real. Tokens must be
/// minted at the start, because they are validated against the real clock.
/// </summary>
public sealed class ScaledClock(double speedup) : TimeProvider
{
    private readonly DateTimeOffset _start = System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => _start + ((System.GetUtcNow() - _start) * speedup);
}
