using Fleet.Core.Ports;

namespace Fleet.Adapters;

/// <summary>
/// Membership changes go to SignalR Service and to the record every instance reads followers from. The record gains
/// a member before the service does and loses one after it, so whoever the service delivers to is always in the
/// record: a failure in between costs a message to an empty group, never a follower's missing track.
/// </summary>
public sealed class RecordedRealtimeGroups(IRealtimeGroups service, IRealtimeGroups record) : IRealtimeGroups
{
    public async Task AddUserAsync(string group, string userId, CancellationToken cancellationToken)
    {
        await record.AddUserAsync(group, userId, cancellationToken);
        await service.AddUserAsync(group, userId, cancellationToken);
    }

    public async Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken)
    {
        await service.RemoveUserAsync(group, userId, cancellationToken);
        await record.RemoveUserAsync(group, userId, cancellationToken);
    }

    public async Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken)
    {
        await service.RemoveUserFromAllGroupsAsync(userId, cancellationToken);
        await record.RemoveUserFromAllGroupsAsync(userId, cancellationToken);
    }
}
