using Fleet.Adapters.Tables;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Realtime;
using Fleet.Core.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.Tests.Handler;

/// <summary>
/// The alert outbox on the real servers (issue 17): Table Storage down stops no position (item 5), and a batch cut
/// short after its commit leaves its alerts in the outbox, never an alert without its positions (item 3); in both
/// cases the outbox then writes every alert to the table, ending with the rows and entities of one clean run.
/// </summary>
public sealed class AlertOutboxOnServersTests
{
    [Fact]
    public async Task A_table_storage_outage_stops_no_position_and_the_outbox_writes_every_alert_once_it_answers()
    {
        var batch = ServersRig.Batch();
        var clean = await ServersRig.CleanDumpAsync(batch);
        await using var rig = await ServersRig.StartAsync();
        var tablesLog = new RecordingLogger<TableAlertStore>();
        var down = new TableAlertStore(AzuriteTables.CreateUnreachableServiceClient(tablesLog), new TableAlertStoreOptions());

        var result = await rig.Handler(alertSink: down).HandleAsync(batch, CancellationToken.None);

        Assert.NotNull(result.AlertDeliveryFailure);
        Assert.True(result is { Positions: > 0, Alerts: > 0 }, result.ToString());
        Assert.Equal(result.Alerts, result.AlertsPending);
        Assert.Equal(result.Positions, await rig.Database.CountAsync("positions"));
        Assert.Equal(result.Alerts, await rig.Database.CountAsync("alert_outbox"));
        Assert.Empty(await rig.AlertEntitiesAsync());
        Assert.Contains(tablesLog.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("Table Storage", StringComparison.Ordinal));

        var publisher = new RecordingPublisher();
        var delivery = await rig.AlertOutbox(publisher).DeliverAsync(CancellationToken.None);

        Assert.Equal((result.Alerts, (Exception?)null), (delivery.Delivered, delivery.SinkFailure));
        Assert.Equal(clean, await rig.DumpAsync());
        Assert.Equal(result.Alerts, publisher.Messages.Count(message => message.Envelope is { Type: RealtimeMessageTypes.Alert, Seq: null }));
    }

    [Fact]
    public async Task A_shutdown_between_the_commit_and_the_alert_write_leaves_the_alerts_in_the_outbox_with_their_positions()
    {
        var batch = ServersRig.Batch();
        var clean = await ServersRig.CleanDumpAsync(batch);
        await using var rig = await ServersRig.StartAsync();
        using var shutdown = new CancellationTokenSource();
        var handler = rig.Handler(store => new FailingTelemetryStore(store) { CancelAfterCommit = shutdown });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handler.HandleAsync(batch, shutdown.Token));

        Assert.NotEqual(0, await rig.Database.CountAsync("positions"));
        Assert.NotEqual(0, await rig.Database.CountAsync("alert_outbox"));
        Assert.Empty(await rig.AlertEntitiesAsync());

        await rig.AlertOutbox(new RecordingPublisher()).DeliverAsync(CancellationToken.None);
        Assert.Equal(clean, await rig.DumpAsync());
    }
}
