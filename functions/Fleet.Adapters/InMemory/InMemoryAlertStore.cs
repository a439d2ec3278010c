using Fleet.Core.Alerts;
using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>An alert with the state users give it.</summary>
public sealed record StoredAlert(Alert Alert, bool Read);

/// <summary>Alerts in memory with the Table Storage store's semantics: upserts by id keep the read flag.</summary>
public sealed class InMemoryAlertStore : IAlertStore
{
    private readonly object _lock = new();
    private readonly Dictionary<(string CompanyId, string AlertId), StoredAlert> _alerts = [];

    public Task UpsertAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        lock (_lock)
        {
            foreach (var alert in alerts)
            {
                var key = (alert.CompanyId, alert.Id);
                var exists = _alerts.TryGetValue(key, out var existing);
                if (exists && !alert.Final && existing!.Alert.Final)
                {
                    continue;
                }

                _alerts[key] = new StoredAlert(alert, exists && existing!.Read);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A company's alerts, newest event first.</summary>
    public IReadOnlyList<StoredAlert> ListOf(string companyId)
    {
        lock (_lock)
        {
            return [.. _alerts.Values
                .Where(stored => string.Equals(stored.Alert.CompanyId, companyId, StringComparison.Ordinal))
                .OrderByDescending(stored => stored.Alert.EventTime)
                .ThenBy(stored => stored.Alert.Id, StringComparer.Ordinal)];
        }
    }

    public bool MarkRead(string companyId, string alertId)
    {
        lock (_lock)
        {
            if (!_alerts.TryGetValue((companyId, alertId), out var stored))
            {
                return false;
            }

            _alerts[(companyId, alertId)] = stored with { Read = true };
            return true;
        }
    }
}
