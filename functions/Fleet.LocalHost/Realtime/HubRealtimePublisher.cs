using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace Fleet.LocalHost.Realtime;

/// <summary>Delivers to the connections of a group's users, or of one user: what SignalR Service does for a group send.</summary>
internal sealed class HubRealtimePublisher(IHubContext<FleetHub> hub, UserGroups groups) : IRealtimePublisher
{
    public async Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            var clients = message.Target.Kind switch
            {
                RealtimeTargetKind.User => hub.Clients.User(message.Target.Name),
                _ => groups.UsersOf(message.Target.Name) is { Count: > 0 } users ? hub.Clients.Users(users) : null,
            };
            if (clients is not null)
            {
                await clients.SendAsync(message.Envelope.Type, message.Envelope, cancellationToken);
            }
        }
    }
}
