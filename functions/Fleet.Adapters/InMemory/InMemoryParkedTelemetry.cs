using Fleet.Core.Ports;
using Fleet.Core.Processing;

namespace Fleet.Adapters.InMemory;

/// <summary>Parked batches in memory, for tests of the park-and-replay path and the contract it shares with Table Storage.</summary>
public sealed class InMemoryParkedTelemetry : IParkedTelemetry
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, ParkedBatch> _batches = new(StringComparer.Ordinal);

    public Task ParkAsync(ParkedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            _batches[batch.BatchId] = batch with { Events = [.. batch.Events.Select(Copy)] };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _batches.Keys.Take(limit)]);
        }
    }

    public Task<ParkedBatch?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_batches.GetValueOrDefault(batchId));
        }
    }

    public Task DeleteAsync(string batchId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _batches.Remove(batchId);
        }

        return Task.CompletedTask;
    }

    // The broker's buffers are reused after the invocation; a parked body must not change under it.
    private static Core.Telemetry.TelemetryEvent Copy(Core.Telemetry.TelemetryEvent parked) => parked with { Body = parked.Body.ToArray() };
}
