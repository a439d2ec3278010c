using System.Net.Http.Headers;
using Azure.Core;

namespace Fleet.Adapters.Tables;

/// <summary>Adds the Authorization header to a request that already carries its <c>x-ms-date</c>.</summary>
internal interface ITableRequestAuthorizer
{
    ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken);
}

/// <summary>
/// SharedKeyLite for the Table service: HMAC-SHA256 over the request date and the canonicalized resource, which is
/// <c>/{account}</c> followed by the request path exactly as sent. Against Azurite the path itself starts with the
/// account, so it appears twice. No request here carries a <c>comp</c> parameter, the only query part that is signed.
/// </summary>
internal sealed class SharedKeyLiteAuthorizer(TableSharedKeyCredential credential) : ITableRequestAuthorizer
{
    public ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var date = request.Headers.GetValues(TablePipeline.DateHeader).Single();
        var stringToSign = date + "\n/" + credential.AccountName + request.RequestUri!.AbsolutePath;
        request.Headers.TryAddWithoutValidation("Authorization", $"SharedKeyLite {credential.AccountName}:{credential.Sign(stringToSign)}");
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// An Entra ID bearer token (managed identity) for Storage, fetched once and reused until shortly before it expires
/// (or when the credential says to refresh). Concurrent requests share one fetch.
/// </summary>
internal sealed class BearerTokenAuthorizer(TokenCredential credential, TimeProvider timeProvider) : ITableRequestAuthorizer
{
    public const string StorageScope = "https://storage.azure.com/.default";

    // Refreshing early keeps a token from expiring between being attached and being checked by the service.
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private static readonly TokenRequestContext Context = new([StorageScope]);

    private readonly SemaphoreSlim _fetching = new(1, 1);
    private CachedToken? _cached;

    public async ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && timeProvider.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Token;
        }

        await _fetching.WaitAsync(cancellationToken);
        try
        {
            cached = Volatile.Read(ref _cached);
            if (cached is not null && timeProvider.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Token;
            }

            var token = await credential.GetTokenAsync(Context, cancellationToken);
            var refreshAt = token.ExpiresOn - RefreshMargin;
            if (token.RefreshOn is { } refreshOn && refreshOn < refreshAt)
            {
                refreshAt = refreshOn;
            }

            Volatile.Write(ref _cached, new CachedToken(token.Token, refreshAt));
            return token.Token;
        }
        finally
        {
            _fetching.Release();
        }
    }

    // A class, not a record: a record's printed form would include the token.
    private sealed class CachedToken(string token, DateTimeOffset refreshAt)
    {
        public string Token { get; } = token;

        public DateTimeOffset RefreshAt { get; } = refreshAt;
    }
}
