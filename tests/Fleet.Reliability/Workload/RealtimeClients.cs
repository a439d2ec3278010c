using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using Fleet.Core.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Fleet.Reliability.Workload;

/// <summary>
/// Dashboard-like SignalR clients, each a dispatcher of the harness's company (so each receives the whole fleet's
/// updates): negotiate with a user token at <c>/api/negotiate</c>, then connect to the <c>url</c> it answers with its
/// <c>accessToken</c> over WebSockets, as the official client does for Azure SignalR Service. They only listen and
/// count; they do not reconnect, so a connection the host drops stays counted as closed.
/// </summary>
internal sealed class RealtimeClients : IAsyncDisposable
{
    private static readonly string[] Targets = [.. typeof(RealtimeMessageTypes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)];

    private readonly List<HubConnection> _connections = [];
    private long _messages;
    private int _closed;

    public int Connected => _connections.Count(connection => connection.State == HubConnectionState.Connected);

    public int Closed => Volatile.Read(ref _closed);

    public long Messages => Interlocked.Read(ref _messages);

    public static async Task<RealtimeClients> ConnectAsync(HttpClient http, int count, CancellationToken cancellationToken)
    {
        var clients = new RealtimeClients();
        try
        {
            for (var i = 1; i <= count; i++)
            {
                var userId = string.Create(CultureInfo.InvariantCulture, $"reliability-dispatcher-{i:000}");
                var token = await FleetSetup.DevTokenAsync(http, userId, "dispatcher", cancellationToken);
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/negotiate", UriKind.Relative));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"/api/negotiate answered {(int)response.StatusCode}: {body}");
                }

                using var negotiated = JsonDocument.Parse(body);
                var url = new Uri(negotiated.RootElement.GetProperty("url").GetString()!);
                var accessToken = negotiated.RootElement.GetProperty("accessToken").GetString()!;
                await clients.StartAsync(url, accessToken, cancellationToken);
            }

            return clients;
        }
        catch
        {
            await clients.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        _connections.Clear();
    }

    private async Task StartAsync(Uri url, string accessToken, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        foreach (var target in Targets)
        {
            connection.On<JsonElement>(target, _ => Interlocked.Increment(ref _messages));
        }

        connection.Closed += _ =>
        {
            Interlocked.Increment(ref _closed);
            return Task.CompletedTask;
        };
        _connections.Add(connection);
        await connection.StartAsync(cancellationToken);
    }
}
