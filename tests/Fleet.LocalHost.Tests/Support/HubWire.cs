using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;

namespace Fleet.LocalHost.Tests.Support;

/// <summary>
/// The two requests that open a hub connection, sent by hand, for the tests whose subject is what the hub lets through: each
/// answers the HTTP status the hub gave, with exactly the token and Origin a browser page would send. The official client
/// (<see cref="SignalRTestClient"/>) is for everything that plays a browser or an app; on the wire it is not a browser (it
/// sends the token of a WebSocket as a header, where a page can only put it in the query), and it reports a refused
/// upgrade as an exception's text, not as a status.
/// </summary>
public static class HubWire
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// <c>POST {path}/negotiate?{query}&amp;negotiateVersion=1</c> with the token as a bearer token, as the SignalR clients
    /// negotiate at the <c>url</c> that <c>/api/negotiate</c> returned.
    /// </summary>
    public static async Task<HttpStatusCode> NegotiateAsync(Uri clientUrl, string accessToken, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(clientUrl);
        var negotiate = new UriBuilder(clientUrl);
        negotiate.Path += negotiate.Path.EndsWith('/') ? "negotiate" : "/negotiate";
        negotiate.Query = WithParameter(clientUrl, "negotiateVersion=1");
        using var request = new HttpRequestMessage(HttpMethod.Post, negotiate.Uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// The WebSocket upgrade straight to <paramref name="clientUrl"/> with the token in the query, as a browser page sends
    /// it (browsers cannot set headers on WebSockets), and no negotiate before it. Answers 101 Switching Protocols when the hub
    /// accepted (the socket is then dropped), else the status it refused with.
    /// </summary>
    public static async Task<HttpStatusCode> UpgradeAsync(Uri clientUrl, string accessToken, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(clientUrl);
        var upgrade = new UriBuilder(clientUrl)
        {
            Scheme = clientUrl.Scheme == Uri.UriSchemeHttps ? Uri.UriSchemeWss : Uri.UriSchemeWs,
            Query = WithParameter(clientUrl, "access_token=" + Uri.EscapeDataString(accessToken)),
        };
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.ConnectAsync(upgrade.Uri, timeout.Token);
        }
        catch (WebSocketException) when (socket.HttpStatusCode != 0)
        {
            // Refused with an HTTP answer; with none (nothing listening) the exception is the test's failure.
        }

        return socket.HttpStatusCode;
    }

    private static string WithParameter(Uri url, string parameter) =>
        url.Query.Length > 1 ? url.Query.TrimStart('?') + "&" + parameter : parameter;
}
