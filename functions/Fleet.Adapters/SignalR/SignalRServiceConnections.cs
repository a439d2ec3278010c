using System.Net.Http.Headers;
using Azure.Identity;
using Fleet.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Fleet.Adapters.SignalR;

/// <summary>
/// Closes a user's connections on Azure SignalR Service through its data-plane REST API
/// (<c>POST /api/hubs/{hub}/users/{user}/:closeConnections</c>, version 2022-06-01): the management SDK behind the
/// Functions extension closes connections only by connection id, which serverless negotiation never learns.
/// </summary>
public sealed class SignalRServiceConnections(
    HttpClient http, SignalRServiceAuthorization authorization, SignalRServiceEndpoint endpoint, ILogger<SignalRServiceConnections> logger) : IRealtimeConnections
{
    private const string ApiVersion = "2022-06-01";

    /// <summary>What the client's close event says, when it asked for detailed errors.</summary>
    private const string Reason = "access changed; negotiate again";

    public async Task CloseUserConnectionsAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var path = $"api/hubs/{Uri.EscapeDataString(endpoint.Hub.ToLowerInvariant())}/users/{Uri.EscapeDataString(userId)}/:closeConnections"
            + $"?api-version={ApiVersion}&reason={Uri.EscapeDataString(Reason)}";
        try
        {
            var address = new Uri(endpoint.ServiceUri, path);
            using var request = new HttpRequestMessage(HttpMethod.Post, address);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await authorization.TokenForAsync(address, cancellationToken));
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Log.RealtimeCloseRefused(logger, (int)response.StatusCode);
            }
        }
        catch (Exception exception) when ((exception is HttpRequestException or TaskCanceledException or AuthenticationFailedException)
                                          && !cancellationToken.IsCancellationRequested)
        {
            // The user's groups are already empty, so nothing more reaches them. A failed close must not fail the
            // membership change that asked for it: that change is stored and holds at the client's next negotiate.
            Log.RealtimeCloseFailed(logger, exception);
        }
    }
}

/// <summary>Where the hub lives: the service's URI (<c>https://name.service.signalr.net</c>) and the hub's name.</summary>
public sealed record SignalRServiceEndpoint(Uri ServiceUri, string Hub);
