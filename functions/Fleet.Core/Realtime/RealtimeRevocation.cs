using Fleet.Core.Ports;

namespace Fleet.Core.Realtime;

/// <summary>
/// Takes back at once what a user's live connections were given at negotiate, when their membership narrows, ends, or
/// their company is disabled: the groups go first (nothing more reaches the user), then the connections close, so the
/// client negotiates again and gets only what the user may do now.
/// </summary>
public sealed class RealtimeRevocation(IRealtimeGroups groups, IRealtimeConnections connections)
{
    public async Task RevokeAsync(string companyId, string userId, CancellationToken cancellationToken)
    {
        var realtimeUserId = RealtimeUsers.Of(companyId, userId);
        await groups.RemoveUserFromAllGroupsAsync(realtimeUserId, cancellationToken);
        await connections.CloseUserConnectionsAsync(realtimeUserId, cancellationToken);
    }
}
