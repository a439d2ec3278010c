using System.Collections.Concurrent;
using Fleet.Core.Ports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Realtime;

/// <summary>
/// The SignalR Service stand-in's client hub: clients only listen (serverless mode), so it has no methods. Who receives
/// what is decided by <see cref="UserGroups"/>, never by the connection.
/// </summary>
[Authorize(AuthenticationSchemes = SignalRClientAuthentication.SchemeName)]
internal sealed class FleetHub(ConnectionCounter connections, IOptions<LocalHostOptions> options) : Hub
{
    public override Task OnConnectedAsync()
    {
        // The negotiate step refuses users at the cap already; this catches connections that raced past it together.
        if (!connections.Add(Context, options.Value.MaxConnectionsPerUser))
        {
            Context.Abort();
        }

        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        return Task.CompletedTask;
    }
}

/// <summary>Open hub connections per user, and in all.</summary>
internal sealed class ConnectionCounter : IRealtimeConnections
{
    private readonly ConcurrentDictionary<string, int> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new(StringComparer.Ordinal);

    public int Total => _open.Count;

    public int Of(string userId) => _byUser.GetValueOrDefault(userId);

    /// <summary>Counts the connection (its disconnect will uncount it) and says whether it is within the user's cap.</summary>
    public bool Add(HubCallerContext connection, int maxPerUser)
    {
        _open[connection.ConnectionId] = connection;
        var count = _byUser.AddOrUpdate(connection.UserIdentifier!, 1, (_, current) => current + 1);
        return count <= maxPerUser;
    }

    public void Remove(HubCallerContext connection)
    {
        _open.TryRemove(connection.ConnectionId, out _);
        var userId = connection.UserIdentifier!;
        _byUser.AddOrUpdate(userId, 0, (_, count) => Math.Max(0, count - 1));
        _byUser.TryRemove(new KeyValuePair<string, int>(userId, 0));
    }

    /// <summary>
    /// Closes every open connection of the user, as SignalR Service's close-connection API does: clients see the
    /// server drop them and must reconnect (and negotiate again).
    /// </summary>
    /// <returns>How many connections were closed.</returns>
    public int CloseAll(string userId)
    {
        var closed = 0;
        foreach (var connection in _open.Values.Where(connection => connection.UserIdentifier == userId))
        {
            connection.Abort();
            closed++;
        }

        return closed;
    }

    public Task CloseUserConnectionsAsync(string userId, CancellationToken cancellationToken)
    {
        CloseAll(userId);
        return Task.CompletedTask;
    }
}
