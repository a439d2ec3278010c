using Fleet.Core.Ports;

namespace Fleet.Adapters.InMemory;

/// <summary>Counts followers per vehicle: a vehicle stays followed until its last follower leaves.</summary>
public sealed class InMemoryVehicleFollowers : IVehicleFollowers
{
    private readonly object _lock = new();
    private readonly Dictionary<string, int> _followers = new(StringComparer.Ordinal);

    public void Follow(string vehicleId)
    {
        lock (_lock)
        {
            _followers[vehicleId] = _followers.GetValueOrDefault(vehicleId) + 1;
        }
    }

    public void Unfollow(string vehicleId)
    {
        lock (_lock)
        {
            if (_followers.TryGetValue(vehicleId, out var count))
            {
                if (count <= 1)
                {
                    _followers.Remove(vehicleId);
                }
                else
                {
                    _followers[vehicleId] = count - 1;
                }
            }
        }
    }

    public Task<IReadOnlySet<string>> FollowedAsync(IReadOnlyCollection<string> vehicleIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleIds);
        lock (_lock)
        {
            var followed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var vehicleId in vehicleIds)
            {
                if (_followers.ContainsKey(vehicleId))
                {
                    followed.Add(vehicleId);
                }
            }

            return Task.FromResult<IReadOnlySet<string>>(followed);
        }
    }
}
