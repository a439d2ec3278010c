using System.Text.Json;
using Fleet.Adapters.InMemory;
using Fleet.Core.Api;
using Fleet.Core.Devices;
using Fleet.Core.Tests.Support;

namespace Fleet.Core.Tests.Devices;

/// <summary>Device credentials as a company's admins create, list and revoke them (DESIGN 3.5).</summary>
public sealed class DeviceCredentialsApiHandlerTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly FleetCaller Admin = new("u-admin", "c-1", FleetRole.Admin, new HashSet<string>());
    private static readonly FleetCaller Dispatcher = new("u-dispatch", "c-1", FleetRole.Dispatcher, new HashSet<string>());
    private static readonly FleetCaller Driver = new("u-sam", "c-1", FleetRole.Driver, new HashSet<string> { "v-1" });
    private static readonly FleetCaller Viewer = new("u-rider", "c-1", FleetRole.Viewer, new HashSet<string> { "v-1" });
    private static readonly FleetCaller GlobexAdmin = new("u-globex", "c-2", FleetRole.Admin, new HashSet<string>());

    private readonly InMemoryFleetDirectory _directory = new();
    private readonly InMemoryDeviceCredentialStore _store = new();
    private readonly FrozenClock _clock = new(FixStream.Start);
    private readonly DeviceAuthenticator _authenticator;
    private readonly DeviceCredentialsApiHandler _credentials;

    public DeviceCredentialsApiHandlerTests()
    {
        _directory.AddCompany("c-1", "Acme");
        _directory.AddCompany("c-2", "Globex");
        _directory.AddVehicle(TestFleet.Vehicle("v-1"), "dev-1");
        _directory.AddVehicle(TestFleet.Vehicle("v-2"), "dev-2");
        _directory.AddVehicle(TestFleet.Vehicle("v-9", "c-2"), "dev-9");
        _authenticator = new DeviceAuthenticator(_store, _directory, _clock);
        _credentials = new DeviceCredentialsApiHandler(_store, _directory, _authenticator, _clock);
    }

    [Fact]
    public async Task Only_admins_create_list_and_revoke_credentials()
    {
        var created = (await _credentials.CreateAsync(Admin, "dev-1", null, None)).Value!;

        foreach (var caller in new[] { Dispatcher, Driver, Viewer })
        {
            Assert.Equal(403, (await _credentials.CreateAsync(caller, "dev-1", new DeviceCredentialRequest("mine"), None)).Status);
            Assert.Equal(403, (await _credentials.ListAsync(caller, "dev-1", None)).Status);
            Assert.Equal(403, (await _credentials.RevokeAsync(caller, "dev-1", created.Credential.CredentialId, None)).Status);
        }

        var stored = Assert.Single(await _store.OfDeviceAsync("c-1", "dev-1", None));
        Assert.False(stored.Revoked);
    }

    [Fact]
    public async Task A_device_of_another_company_or_an_unknown_one_is_a_404_for_create_list_and_revoke()
    {
        var theirs = (await _credentials.CreateAsync(GlobexAdmin, "dev-9", new DeviceCredentialRequest("Globex tracker"), None)).Value!;
        var theirId = theirs.Credential.CredentialId;

        foreach (var device in new[] { "dev-9", "dev-none" })
        {
            Assert.Equal(404, (await _credentials.CreateAsync(Admin, device, null, None)).Status);
            Assert.Equal(404, (await _credentials.ListAsync(Admin, device, None)).Status);
            Assert.Equal(404, (await _credentials.RevokeAsync(Admin, device, theirId, None)).Status);
        }

        Assert.Empty(await _store.OfDeviceAsync("c-1", "dev-9", None));
        Assert.Empty(await _store.OfDeviceAsync("c-1", "dev-none", None));
        Assert.False((await _store.GetAsync(theirId, None))!.Revoked);
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(theirs.Token, None)).Status);
    }

    [Fact]
    public async Task A_credential_of_another_device_or_an_unknown_one_is_a_404_for_revoke()
    {
        var other = (await _credentials.CreateAsync(Admin, "dev-2", null, None)).Value!;

        Assert.Equal(404, (await _credentials.RevokeAsync(Admin, "dev-1", other.Credential.CredentialId, None)).Status);
        Assert.Equal(404, (await _credentials.RevokeAsync(Admin, "dev-1", "dc-none", None)).Status);

        Assert.False((await _store.GetAsync(other.Credential.CredentialId, None))!.Revoked);
    }

    [Fact]
    public async Task Create_returns_the_token_once_and_the_view_never_holds_the_secret()
    {
        var created = await _credentials.CreateAsync(Admin, "dev-1", new DeviceCredentialRequest("  Sam's phone "), None);

        Assert.Equal(201, created.Status);
        Assert.Equal("/api/devices/dev-1/credentials", created.Location);
        var (view, token) = (created.Value!.Credential, created.Value.Token);
        Assert.Equal(("dev-1", "Sam's phone", FixStream.Start, null, null), (view.DeviceId, view.Label, view.CreatedAt, view.LastUsedAt, view.RevokedAt));
        var parsed = DeviceTokens.Parse(token);
        Assert.Equal(view.CredentialId, parsed?.CredentialId);
        Assert.Matches("^dc-[a-km-np-z2-9]{12}$", view.CredentialId);

        var stored = (await _store.GetAsync(view.CredentialId, None))!;
        Assert.Equal(("c-1", "dev-1", "u-admin", "Sam's phone"), (stored.CompanyId, stored.DeviceId, stored.CreatedByUserId, stored.Label));
        Assert.True(DeviceTokens.Matches(parsed!.Value.Secret, stored.SecretHash));
        Assert.DoesNotContain(parsed.Value.Secret, JsonSerializer.Serialize(view), StringComparison.Ordinal);
        Assert.DoesNotContain(typeof(DeviceCredentialView).GetProperties(), property => property.PropertyType == typeof(byte[]) || property.Name.Contains("Secret", StringComparison.Ordinal) || property.Name.Contains("Token", StringComparison.Ordinal));

        var listed = await _credentials.ListAsync(Admin, "dev-1", None);
        Assert.Equal(200, listed.Status);
        Assert.Equal([view], listed.Value!);
        Assert.DoesNotContain(parsed.Value.Secret, JsonSerializer.Serialize(listed.Value), StringComparison.Ordinal);
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(token, None)).Status);
    }

    [Fact]
    public async Task A_device_lists_its_credentials_oldest_first_with_the_revoked_ones()
    {
        var first = (await _credentials.CreateAsync(Admin, "dev-1", new DeviceCredentialRequest("old"), None)).Value!.Credential;
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = (await _credentials.CreateAsync(Admin, "dev-1", null, None)).Value!.Credential;
        await _credentials.CreateAsync(Admin, "dev-2", null, None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(204, (await _credentials.RevokeAsync(Admin, "dev-1", first.CredentialId, None)).Status);

        var listed = (await _credentials.ListAsync(Admin, "dev-1", None)).Value!;

        Assert.Equal([first with { RevokedAt = FixStream.Start.AddMinutes(2) }, second], listed);
    }

    [Theory]
    [InlineData(101, false)]
    [InlineData(100, true)]
    public async Task A_label_over_100_characters_is_a_400_naming_label(int length, bool allowed)
    {
        var result = await _credentials.CreateAsync(Admin, "dev-1", new DeviceCredentialRequest(new string('x', length)), None);

        if (allowed)
        {
            Assert.Equal(201, result.Status);
            Assert.Equal(length, result.Value!.Credential.Label!.Length);
            return;
        }

        Assert.Equal(400, result.Status);
        Assert.Equal("label", Assert.Single(result.Problem!.Errors!.Keys));
        Assert.Empty(await _store.OfDeviceAsync("c-1", "dev-1", None));
    }

    [Fact]
    public async Task A_label_with_a_control_character_is_a_400_naming_label()
    {
        var result = await _credentials.CreateAsync(Admin, "dev-1", new DeviceCredentialRequest("line\nbreak"), None);

        Assert.Equal((400, "label"), (result.Status, Assert.Single(result.Problem!.Errors!.Keys)));
        Assert.Empty(await _store.OfDeviceAsync("c-1", "dev-1", None));
    }

    [Fact]
    public async Task Revoking_refuses_the_token_at_once_though_the_authenticator_had_cached_it_and_leaves_the_others()
    {
        var revoked = (await _credentials.CreateAsync(Admin, "dev-1", new DeviceCredentialRequest("old"), None)).Value!;
        var kept = (await _credentials.CreateAsync(Admin, "dev-1", new DeviceCredentialRequest("new"), None)).Value!;
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(revoked.Token, None)).Status);
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(kept.Token, None)).Status);

        var result = await _credentials.RevokeAsync(Admin, "dev-1", revoked.Credential.CredentialId, None);

        Assert.Equal(204, result.Status);
        Assert.Equal(401, (await _authenticator.AuthenticateAsync(revoked.Token, None)).Status);
        Assert.Equal(200, (await _authenticator.AuthenticateAsync(kept.Token, None)).Status);
        Assert.Equal(FixStream.Start, (await _store.GetAsync(revoked.Credential.CredentialId, None))!.RevokedAt);
        Assert.Equal(204, (await _credentials.RevokeAsync(Admin, "dev-1", revoked.Credential.CredentialId, None)).Status);
    }
}
