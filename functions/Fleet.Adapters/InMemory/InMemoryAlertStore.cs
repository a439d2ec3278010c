using Fleet.Core.Alerts;
using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>Alerts in memory with the Table Storage store's semantics.</summary>
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

    public Task<ListPage<StoredAlert>> ListAsync(string companyId, AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_lock)
        {
            var matching = _alerts.Values.Where(stored => string.Equals(stored.Alert.CompanyId, companyId, StringComparison.Ordinal) &&
                stored.Alert.ExpiresAt > query.Now && (!query.UnreadOnly || !stored.Read));
            return Task.FromResult(InMemoryPages.NewestFirst(
                matching, stored => stored.Alert.CreatedAt, stored => stored.Alert.Id, query.After, Math.Clamp(query.Limit, 0, AlertQuery.MaxLimit)));
        }
    }

    public Task<StoredAlert?> GetAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_alerts.GetValueOrDefault((companyId, alertId)));
        }
    }

    public Task<bool> MarkReadAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_alerts.TryGetValue((companyId, alertId), out var stored))
            {
                return Task.FromResult(false);
            }

            _alerts[(companyId, alertId)] = stored with { Read = true };
            return Task.FromResult(true);
        }
    }

    public Task<bool> DeleteAsync(string companyId, string alertId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_alerts.Remove((companyId, alertId)));
        }
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var expired = _alerts.Where(pair => pair.Value.Alert.ExpiresAt <= now).Select(pair => pair.Key).ToList();
            foreach (var key in expired)
            {
                _alerts.Remove(key);
            }

            return Task.FromResult(expired.Count);
        }
    }
}
