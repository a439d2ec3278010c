using Fleet.Core.Ports;

namespace Fleet.LocalHost.Realtime;

/// <summary>
/// Which users are in which group, as Azure SignalR Service keeps it: membership belongs to the user, not to a
/// connection, so it holds for connections opened later and no join can race a user's first messages.
/// </summary>
internal sealed class UserGroups : IRealtimeGroups, IVehicleFollowers
{
    private readonly object _lock = new();
    private readonly Dictionary<string, HashSet<string>> _usersByGroup = new(StringComparer.Ordinal);

    public Task AddUserAsync(string group, string userId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_usersByGroup.TryGetValue(group, out var users))
            {
                _usersByGroup[group] = users = new HashSet<string>(StringComparer.Ordinal);
            }

            users.Add(userId);
        }

        return Task.CompletedTask;
    }

    public Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_usersByGroup.TryGetValue(group, out var users) && users.Remove(userId) && users.Count == 0)
            {
                _usersByGroup.Remove(group);
            }
        }

        return Task.CompletedTask;
    }

    public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var (group, users) in _usersByGroup.ToList())
            {
                if (users.Remove(userId) && users.Count == 0)
                {
                    _usersByGroup.Remove(group);
                }
            }
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<string> UsersOf(string group)
    {
        lock (_lock)
        {
            return _usersByGroup.TryGetValue(group, out var users) ? [.. users] : [];
        }
    }

    public Task<IReadOnlySet<string>> FollowedAsync(IReadOnlyCollection<string> vehicleGroups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vehicleGroups);
        lock (_lock)
        {
            IReadOnlySet<string> followed = vehicleGroups.Where(_usersByGroup.ContainsKey).ToHashSet(StringComparer.Ordinal);
            return Task.FromResult(followed);
        }
    }
}
