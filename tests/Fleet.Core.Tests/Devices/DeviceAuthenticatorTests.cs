using Fleet.Adapters.InMemory;
using Fleet.Core.Devices;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Devices;

/// <summary>Device tokens as the gateway checks them (DESIGN 3.5): the cache, how long a revocation takes, last use.</summary>
public sealed class DeviceAuthenticatorTests
{
    private const string NotValid = "This device token is not valid: it is unknown, wrong or revoked.";
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly InMemoryFleetDirectory _companies = new();
    private readonly CountingCredentialStore _store = new();
    private readonly FrozenClock _clock = new(FixStream.Start);
    private readonly DeviceAuthenticator _authenticator;

    public DeviceAuthenticatorTests()
    {
        _companies.AddCompany("c-1", "Acme");
        _companies.SaveCompanyAsync(new CompanySettings("c-off", "Dormant", RuleSettings.Default, TimeZoneInfo.Utc, Disabled: true), None).GetAwaiter().GetResult();
        _authenticator = new DeviceAuthenticator(_store, _companies, _clock);
    }

    [Fact]
    public async Task A_valid_token_speaks_for_its_device()
    {
        var token = await CreateAsync("dc-1", "c-1", "dev-1");

        var authentication = await _authenticator.AuthenticateAsync(token, None);

        Assert.Equal((200, null), (authentication.Status, authentication.Failure));
        Assert.Equal(new DeviceCaller("c-1", "dev-1", "dc-1"), authentication.Device);
    }

    [Fact]
    public async Task A_wrong_secret_an_unknown_id_and_a_revoked_credential_get_the_same_401()
    {
        var token = await CreateAsync("dc-1", "c-1", "dev-1");
        var revoked = await CreateAsync("dc-2", "c-1", "dev-1");
        await _store.RevokeAsync("c-1", "dc-2", _clock.GetUtcNow(), None);
        var (otherToken, _) = DeviceTokens.Create("dc-1");
        var unknown = token.Replace("fdk_dc-1_", "fdk_dc-9_", StringComparison.Ordinal);

        foreach (var refused in new[] { otherToken, unknown, revoked })
        {
            var authentication = await _authenticator.AuthenticateAsync(refused, None);

            Assert.Null(authentication.Device);
            Assert.Equal((401, NotValid), (authentication.Status, authentication.Failure));
        }

        Assert.Equal(0, _store.MarkedUsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dev-1")]
    [InlineData("fdk_dc-1")]
    public async Task Something_not_shaped_like_a_token_is_a_401_that_asks_for_one(string? token)
    {
        var authentication = await _authenticator.AuthenticateAsync(token, None);

        Assert.Null(authentication.Device);
        Assert.Equal(401, authentication.Status);
        Assert.Contains("required", authentication.Failure, StringComparison.Ordinal);
        Assert.Equal(0, _store.Reads);
    }

    [Fact]
    public async Task A_disabled_or_missing_company_is_a_403_and_not_recorded_as_use()
    {
        var disabled = await CreateAsync("dc-1", "c-off", "dev-1");
        var missing = await CreateAsync("dc-2", "c-gone", "dev-2");

        var refused = await _authenticator.AuthenticateAsync(disabled, None);
        var gone = await _authenticator.AuthenticateAsync(missing, None);

        Assert.Equal((403, null), (refused.Status, refused.Device));
        Assert.Contains("'c-off' is disabled", refused.Failure, StringComparison.Ordinal);
        Assert.Equal((403, null), (gone.Status, gone.Device));
        Assert.Equal(0, _store.MarkedUsed);
    }

    [Fact]
    public async Task A_revocation_in_the_store_is_accepted_from_the_cache_until_its_lifetime_passes()
    {
        var token = await CreateAsync("dc-1", "c-1", "dev-1");
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(token, None)).Status);

        await _store.RevokeAsync("c-1", "dc-1", _clock.GetUtcNow(), None);
        _clock.Advance(DeviceAuthenticator.CacheLifetime - TimeSpan.FromTicks(1));

        Assert.Equal(200, (await _authenticator.AuthenticateAsync(token, None)).Status);
        Assert.Equal(1, _store.Reads);

        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.Equal((401, NotValid), Outcome(await _authenticator.AuthenticateAsync(token, None)));
        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task A_revocation_is_refused_at_once_after_Forget()
    {
        var token = await CreateAsync("dc-1", "c-1", "dev-1");
        var other = await CreateAsync("dc-2", "c-1", "dev-1");
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(token, None)).Status);
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(other, None)).Status);
        await _store.RevokeAsync("c-1", "dc-1", _clock.GetUtcNow(), None);

        _authenticator.Forget("dc-1");

        Assert.Equal((401, NotValid), Outcome(await _authenticator.AuthenticateAsync(token, None)));
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(other, None)).Status);
    }

    [Fact]
    public async Task A_credential_created_after_an_unknown_id_was_asked_for_is_found_once_the_cache_lifetime_passes()
    {
        var (token, hash) = DeviceTokens.Create("dc-1");
        Assert.Equal(401, (await _authenticator.AuthenticateAsync(token, None)).Status);
        await _store.CreateAsync(new DeviceCredential("dc-1", "c-1", "dev-1", hash, null, _clock.GetUtcNow(), "u-admin"), None);

        _clock.Advance(DeviceAuthenticator.CacheLifetime);

        Assert.Equal(200, (await _authenticator.AuthenticateAsync(token, None)).Status);
    }

    [Fact]
    public async Task Last_use_is_written_on_first_use_not_again_within_the_resolution_and_again_after_it()
    {
        var token = await CreateAsync("dc-1", "c-1", "dev-1");
        var start = _clock.GetUtcNow();

        await AuthenticatedAsync(token);
        Assert.Equal(1, _store.MarkedUsed);
        Assert.Equal(start, (await _store.GetAsync("dc-1", None))!.LastUsedAt);

        _clock.Advance(TimeSpan.FromSeconds(10));
        await AuthenticatedAsync(token);
        // Past the cache lifetime the credential is read again; the write it made is still remembered.
        _clock.Advance(DeviceAuthenticator.CacheLifetime);
        await AuthenticatedAsync(token);
        _clock.Advance(DeviceAuthenticator.LastUsedResolution - DeviceAuthenticator.CacheLifetime - TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        await AuthenticatedAsync(token);
        Assert.Equal(1, _store.MarkedUsed);

        _clock.Advance(TimeSpan.FromTicks(1));
        await AuthenticatedAsync(token);

        Assert.Equal(2, _store.MarkedUsed);
        Assert.Equal(start + DeviceAuthenticator.LastUsedResolution, (await _store.GetAsync("dc-1", None))!.LastUsedAt);
    }

    [Fact]
    public async Task A_last_use_stored_by_another_instance_within_the_resolution_is_not_written_again()
    {
        var token = await CreateAsync("dc-1", "c-1", "dev-1");
        await _store.MarkUsedAsync("dc-1", _clock.GetUtcNow() - TimeSpan.FromSeconds(20), None);
        var written = _store.MarkedUsed;

        await AuthenticatedAsync(token);
        Assert.Equal(written, _store.MarkedUsed);

        _clock.Advance(TimeSpan.FromSeconds(40));
        await AuthenticatedAsync(token);
        Assert.Equal(written + 1, _store.MarkedUsed);
    }

    private async Task<string> CreateAsync(string credentialId, string companyId, string deviceId)
    {
        var (token, hash) = DeviceTokens.Create(credentialId);
        await _store.CreateAsync(new DeviceCredential(credentialId, companyId, deviceId, hash, null, _clock.GetUtcNow(), "u-admin"), None);
        return token;
    }

    private async Task AuthenticatedAsync(string token) => Assert.Equal(200, (await _authenticator.AuthenticateAsync(token, None)).Status);

    private static (int Status, string? Failure) Outcome(DeviceAuthentication authentication) => (authentication.Status, authentication.Failure);

    /// <summary>The in-memory store, counting the reads and last-use writes the authenticator makes.</summary>
    private sealed class CountingCredentialStore : IDeviceCredentialStore
    {
        private readonly InMemoryDeviceCredentialStore _inner = new();
        private int _reads;
        private int _markedUsed;

        public int Reads => Volatile.Read(ref _reads);

        public int MarkedUsed => Volatile.Read(ref _markedUsed);

        public Task CreateAsync(DeviceCredential credential, CancellationToken cancellationToken) => _inner.CreateAsync(credential, cancellationToken);

        public Task<DeviceCredential?> GetAsync(string credentialId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return _inner.GetAsync(credentialId, cancellationToken);
        }

        public Task<IReadOnlyList<DeviceCredential>> OfDeviceAsync(string companyId, string deviceId, CancellationToken cancellationToken) =>
            _inner.OfDeviceAsync(companyId, deviceId, cancellationToken);

        public Task<bool> RevokeAsync(string companyId, string credentialId, DateTimeOffset at, CancellationToken cancellationToken) =>
            _inner.RevokeAsync(companyId, credentialId, at, cancellationToken);

        public Task MarkUsedAsync(string credentialId, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _markedUsed);
            return _inner.MarkUsedAsync(credentialId, at, cancellationToken);
        }
    }
}
