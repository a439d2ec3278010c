using System.Net;
using Azure.Core;
using Fleet.Adapters.SignalR;
using Fleet.Core.Realtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fleet.Adapters.Tests.SignalR;

/// <summary>Closing a revoked user's connections on Azure SignalR Service through its data-plane REST API.</summary>
public sealed class SignalRServiceConnectionsTests
{
    private static readonly SignalRServiceEndpoint Endpoint = new(new Uri("https://fleet-test.service.signalr.net"), "FleetHub");

    [Fact]
    public async Task The_users_connections_are_closed_with_an_entra_token_for_signalr_and_the_user_id_escaped()
    {
        var service = new ServiceAnswering(HttpStatusCode.NoContent);
        var credential = new IssuingCredential();
        using var http = new HttpClient(service);
        var connections = new SignalRServiceConnections(http, new EntraSignalRAuthorization(credential), Endpoint, NullLogger<SignalRServiceConnections>.Instance);

        await connections.CloseUserConnectionsAsync(RealtimeUsers.Of("c-acme", "u/1"), CancellationToken.None);

        var request = Assert.Single(service.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/hubs/fleethub/users/c-acme%2Fu%2F1/:closeConnections", request.RequestUri!.AbsolutePath);
        Assert.StartsWith("?api-version=2022-06-01&reason=", request.RequestUri.Query, StringComparison.Ordinal);
        Assert.Equal(("Bearer", "token-1"), (request.Headers.Authorization!.Scheme, request.Headers.Authorization.Parameter));
        Assert.Equal(["https://signalr.azure.com/.default"], Assert.Single(credential.Scopes));
    }

    [Fact]
    public async Task With_an_access_key_the_token_is_signed_with_it_for_the_requests_url_without_its_query()
    {
        const string AccessKey = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";
        var service = new ServiceAnswering(HttpStatusCode.NoContent);
        using var http = new HttpClient(service);
        var emulator = new SignalRServiceEndpoint(new Uri("http://localhost:8888"), "FleetHub");
        var connections = new SignalRServiceConnections(
            http, new AccessKeySignalRAuthorization(AccessKey, TimeProvider.System), emulator, NullLogger<SignalRServiceConnections>.Instance);

        await connections.CloseUserConnectionsAsync("c-acme/u-1", CancellationToken.None);

        var request = Assert.Single(service.Requests);
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(request.Headers.Authorization!.Parameter, new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidAudience = "http://localhost:8888/api/hubs/fleethub/users/c-acme%2Fu-1/:closeConnections",
            IssuerSigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(AccessKey)),
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
    }

    [Fact]
    public async Task A_refusal_or_an_unreachable_service_does_not_fail_the_change_that_asked_for_the_close()
    {
        using var refusing = new HttpClient(new ServiceAnswering(HttpStatusCode.Forbidden));
        using var unreachable = new HttpClient(new ServiceAnswering(null));

        await new SignalRServiceConnections(refusing, new EntraSignalRAuthorization(new IssuingCredential()), Endpoint, NullLogger<SignalRServiceConnections>.Instance)
            .CloseUserConnectionsAsync("c-acme/u-1", CancellationToken.None);
        await new SignalRServiceConnections(unreachable, new EntraSignalRAuthorization(new IssuingCredential()), Endpoint, NullLogger<SignalRServiceConnections>.Instance)
            .CloseUserConnectionsAsync("c-acme/u-1", CancellationToken.None);
    }

    [Fact]
    public async Task A_cancelled_close_is_cancelled_not_swallowed()
    {
        using var unreachable = new HttpClient(new ServiceAnswering(null));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var connections = new SignalRServiceConnections(unreachable, new EntraSignalRAuthorization(new IssuingCredential()), Endpoint, NullLogger<SignalRServiceConnections>.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connections.CloseUserConnectionsAsync("c-acme/u-1", cancelled.Token));
    }

    /// <summary>Answers every request with the status, or fails it as an unreachable host does when there is none.</summary>
    private sealed class ServiceAnswering(HttpStatusCode? status) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Requests.Add(request);
            return status is { } answer
                ? Task.FromResult(new HttpResponseMessage(answer))
                : Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"));
        }
    }

    private sealed class IssuingCredential : TokenCredential
    {
        public List<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Scopes.Add(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Scopes.Count}", DateTimeOffset.UtcNow.AddHours(1)));
        }
    }
}
