namespace Fleet.Simulator;

/// <summary>
/// Where a run's telemetry goes: Event Hubs over HTTPS REST (<see cref="EventHubsRestSender"/>) or over AMQP with the
/// SDK (<see cref="EventHubsAmqpSender"/>). The sender decides how fixes are addressed and batched; the simulator only
/// hands them over, so both ways drive the same scenarios and report the same summary.
/// </summary>
internal interface ITelemetrySender : IAsyncDisposable
{
    /// <summary>Where the events go and as whom, for the run's first line; never a key.</summary>
    string Destination { get; }

    SendCounters Counters { get; }

    /// <summary>Sends the fixes, each device's in the order given; refusals are counted, not thrown.</summary>
    Task SendAsync(IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken);
}

/// <summary>What the sender has done so far, in events (throttling in responses).</summary>
internal sealed class SendCounters
{
    public long Sent { get; private set; }

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    public long ThrottledResponses { get; private set; }

    public void AddSent(int events) => Sent += events;

    public void AddAccepted(int events) => Accepted += events;

    public void AddRejected(int events) => Rejected += events;

    public void AddThrottled() => ThrottledResponses++;
}

/// <summary>
/// Prints the first few refusals of a run, each on one shortened line: a misconfiguration shows at once, and a receiver
/// refusing everything does not flood the output.
/// </summary>
internal sealed class RejectionLog(TextWriter output)
{
    private const int MaxPrinted = 5;
    private const int MaxPrintedCharacters = 300;

    private int _printed;

    /// <summary>Whether nothing more will be printed, so a caller need not work out a description.</summary>
    public bool IsFull => _printed >= MaxPrinted;

    public void Write(string description)
    {
        if (IsFull)
        {
            return;
        }

        _printed++;
        var line = description.ReplaceLineEndings(" ");
        output.WriteLine($"rejected: {(line.Length <= MaxPrintedCharacters ? line : line[..MaxPrintedCharacters] + "...")}");
        if (IsFull)
        {
            output.WriteLine("(further rejections are counted but not printed)");
        }
    }
}
