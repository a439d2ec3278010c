using Azure.Core;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>Hands out numbered tokens valid for a given time from the clock's now, counting the requests.</summary>
internal sealed class FakeTokenCredential(TimeProvider clock, TimeSpan lifetime) : TokenCredential
{
    private int _issued;

    public int Issued => Volatile.Read(ref _issued);

    public List<string[]> Scopes { get; } = [];

    /// <summary>When set, every fetch waits for it: concurrent callers pile up behind one fetch.</summary>
    public Task? Gate { get; set; }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The client must fetch tokens asynchronously.");

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (Gate is not null)
        {
            await Gate.WaitAsync(cancellationToken);
        }

        lock (Scopes)
        {
            Scopes.Add(requestContext.Scopes);
        }

        var number = Interlocked.Increment(ref _issued);
        return new AccessToken($"token-{number}", clock.GetUtcNow() + lifetime);
    }
}
