using Fleet.Core.Ports;
using Fleet.Core.Realtime;

namespace Fleet.Core.Tests.Support;

/// <summary>
/// Keeps every group change and connection close asked of it, in order, as "add group user", "remove group user",
/// "remove-all user" or "close user".
/// </summary>
internal sealed class RecordingRealtimeGroups : IRealtimeGroups, IRealtimeConnections
{
    private readonly object _lock = new();
    private readonly List<string> _changes = [];

    public IReadOnlyList<string> Changes
    {
        get
        {
            lock (_lock)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The users removed from all their groups, in order.</summary>
    public IReadOnlyList<string> RemovedFromAll => [.. Changes.Where(change => change.StartsWith("remove-all ", StringComparison.Ordinal)).Select(change => change["remove-all ".Length..])];

    /// <summary>Revocations recorded here: their group removals and connection closes.</summary>
    public RealtimeRevocation Revocation => new(this, this);

    /// <summary>The users whose connections were closed, in order.</summary>
    public IReadOnlyList<string> Closed => [.. Changes.Where(change => change.StartsWith("close ", StringComparison.Ordinal)).Select(change => change["close ".Length..])];

    public Task AddUserAsync(string group, string userId, CancellationToken cancellationToken) => Record($"add {group} {userId}");

    public Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken) => Record($"remove {group} {userId}");

    public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken) => Record($"remove-all {userId}");

    public Task CloseUserConnectionsAsync(string userId, CancellationToken cancellationToken) => Record($"close {userId}");

    private Task Record(string change)
    {
        lock (_lock)
        {
            _changes.Add(change);
        }

        return Task.CompletedTask;
    }
}
