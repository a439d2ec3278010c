using Fleet.Core.Alerts;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Realtime;
using Fleet.Core.Timers;

namespace Fleet.Core.Tests.Support;

/// <summary>
/// Sits between a handler and the harness's stores (the alert outbox stays the harness's): records the order of the
/// effects, lets another writer in before the first commit, and fails where a test says.
/// </summary>
internal sealed class InterceptingStores(FleetHarness harness) : IAlertSink, ITelemetryStore, IRealtimePublisher
{
    private bool _firstCommit = true;

    public FleetHarness Harness { get; } = harness;

    public TelemetryBatchHandler Handler => new(
        Harness.Directory, Harness.Directory, Harness.Store, this, this, Harness.Store, this, Harness.Followers, Harness.Clock);

    public OfflineSweepHandler Sweep => new(
        Harness.Directory, Harness.Directory, Harness.Store, this, this, Harness.Store, this, Harness.Followers, new UnknownProcessingProgress(), Harness.Clock);

    public List<string> Log { get; } = [];

    public Func<Task>? BeforeFirstCommit { get; set; }

    public bool FailBeforeCommit { get; set; }

    public bool FailAfterCommit { get; set; }

    public bool FailPublish { get; set; }

    /// <summary>What writing alerts throws, as Table Storage down or a shutdown cancelling the write would; null to write them.</summary>
    public Exception? AlertWriteFailure { get; set; }

    public Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        Log.Add("alerts");
        return AlertWriteFailure is { } failure ? Task.FromException(failure) : Harness.Alerts.UpsertAsync(alerts, cancellationToken);
    }

    public async Task<CommitResult> CommitAsync(TelemetryCommit commit, CancellationToken cancellationToken)
    {
        Log.Add("commit");
        if (_firstCommit && BeforeFirstCommit is { } concurrentWriter)
        {
            _firstCommit = false;
            await concurrentWriter();
        }

        if (FailBeforeCommit)
        {
            throw new IOException("connection lost before the commit");
        }

        var result = await Harness.Store.CommitAsync(commit, cancellationToken);
        return FailAfterCommit ? throw new IOException("connection lost after the commit") : result;
    }

    public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
    {
        Log.Add("publish");
        return FailPublish ? throw new HttpRequestException("realtime service unavailable") : Harness.Publisher.PublishAsync(messages, cancellationToken);
    }
}
