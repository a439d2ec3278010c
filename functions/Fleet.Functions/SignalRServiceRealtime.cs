using Fleet.Adapters;
using Fleet.Core.Ports;
using Fleet.Core.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Functions;

/// <summary>
/// The core's realtime ports on Azure SignalR Service, shared by the ingest function, the timers and the HTTP
/// functions. Groups there are groups of users, as the core expects: a join holds for every connection of the user.
/// </summary>
internal sealed class SignalRServiceRealtime(IServiceProvider services) : IRealtimePublisher, IRealtimeGroups
{
    // Matching the constructor once, not on every send.
    private static readonly ObjectFactory CreateHub = ActivatorUtilities.CreateFactory(typeof(FleetHub), Type.EmptyTypes);

    // A hub takes the service's hub context when it is created; creating one per use never holds on to a context from
    // before the extension finished starting.
    private FleetHub Hub => (FleetHub)CreateHub(services, null);

    public Task PublishAsync(IReadOnlyList<RealtimeMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return Task.CompletedTask;
        }

        var clients = Hub.HubClients;
        return RealtimeFanOut.SendAsync(
            messages,
            (message, token) => (message.Target.Kind == RealtimeTargetKind.User ? clients.User(message.Target.Name) : clients.Group(message.Target.Name))
                .SendAsync(message.Envelope.Type, message.Envelope, token),
            cancellationToken);
    }

    public Task AddUserAsync(string group, string userId, CancellationToken cancellationToken) =>
        Hub.HubUserGroups.AddToGroupAsync(userId, group, cancellationToken);

    public Task RemoveUserAsync(string group, string userId, CancellationToken cancellationToken) =>
        Hub.HubUserGroups.RemoveFromGroupAsync(userId, group, cancellationToken);

    public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken cancellationToken) =>
        Hub.HubUserGroups.RemoveFromAllGroupsAsync(userId, cancellationToken);
}
