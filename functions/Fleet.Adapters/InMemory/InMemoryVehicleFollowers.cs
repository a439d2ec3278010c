using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Adapters.InMemory;

/// <summary>Counts followers per vehicle group: a vehicle stays followed until its last follower leaves.</summary>
public sealed class InMemoryVehicleFollowers : IVehicleFollowers
{
    private readonly object _lock = new();
    private readonly Dictionary<string, int> _followers = new(StringComparer.Ordinal);

    public void Follow(string companyId, string vehicleId)
    {
        var group = RealtimeGroups.Vehicle(companyId, vehicleId);
        lock (_lock)
        {
            _followers[group] = _followers.GetValueOrDefault(group) + 1;
        }
    }

    public void Unfollow(string companyId, string vehicleId)
    {
        var group = RealtimeGroups.Vehicle(companyId, vehicleId);
        lock (_lock)
        {
            if (_followers.TryGetValue(group, out var count))
            {
                if (count <= 1)
                {
                    _followers.Remove(group);
                }
                else
                {
                    _followers[group] = count - 1;
                }
            }
        }
    }

    public Task<IReadOnlySet<string>> FollowedAsync(IReadOnlyCollection<string> vehicleGroups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleGroups);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlySet<string>>(vehicleGroups.Where(_followers.ContainsKey).ToHashSet(StringComparer.Ordinal));
        }
    }
}
