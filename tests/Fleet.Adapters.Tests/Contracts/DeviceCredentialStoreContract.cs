using System.Security.Cryptography;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Devices;
using Fleet.Core.Ports;
using Fleet.Core.Registry;
using Fleet.Core.Settings;
using Npgsql;

namespace Fleet.Adapters.Tests.Contracts;

/// <summary>
/// What every <see cref="IDeviceCredentialStore"/> must do (DESIGN 3.5), run against each implementation so they cannot
/// drift apart. Each test uses companies and credential ids of its own, so implementations may share one store between
/// tests. Times are whole microseconds where they must read back exactly: PostgreSQL keeps no finer.
/// </summary>
public abstract class DeviceCredentialStoreContract
{
    // Not on a whole second, so a store that dropped the fraction would be caught.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);

    // One shared instance, so two credentials with their hashes set aside compare equal as records.
    private static readonly byte[] NoHash = [];

    protected abstract IDeviceCredentialStore Store { get; }

    /// <summary>Where the companies the credentials name are created (PostgreSQL's credentials refer to them).</summary>
    protected abstract IFleetConfiguration Configuration { get; }

    private static CancellationToken Token => CancellationToken.None;

    [Fact]
    public async Task A_created_credential_reads_back_every_field_with_and_without_a_label()
    {
        var company = await NewCompanyAsync();
        var id = NewCredentialId();
        var labelled = Credential(id + "-a", company, "dev-1", Now, "Zo\u00eb's phone \u6797 \"spare\"");
        var bare = Credential(id + "-b", company, "dev-1", Now.AddTicks(10), null);

        await Store.CreateAsync(labelled, Token);
        await Store.CreateAsync(bare, Token);

        AssertSame(labelled, await Store.GetAsync(labelled.CredentialId, Token));
        AssertSame(bare, await Store.GetAsync(bare.CredentialId, Token));
        var read = await Store.GetAsync(labelled.CredentialId, Token);
        Assert.Equal(32, read!.SecretHash.Length);
        Assert.Null(read.LastUsedAt);
        Assert.Null(read.RevokedAt);
        Assert.False(read.Revoked);
        Assert.Null(await Store.GetAsync(NewCredentialId(), Token));
    }

    [Fact]
    public async Task A_creation_time_finer_than_a_microsecond_reads_back_within_one()
    {
        var company = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), company, "dev-1", Now.AddTicks(7), "fine");

        await Store.CreateAsync(credential, Token);

        var read = await Store.GetAsync(credential.CredentialId, Token);
        Assert.InRange(credential.CreatedAt - read!.CreatedAt, TimeSpan.Zero, TimeSpan.FromTicks(9));
    }

    [Fact]
    public async Task A_devices_credentials_are_listed_oldest_first_and_those_created_together_by_id_in_code_point_order()
    {
        var company = await NewCompanyAsync();
        var id = NewCredentialId();
        // Created out of order; the three of one instant differ in case, which code-point order puts upper case first.
        var newest = Credential(id + "-z", company, "dev-1", Now.AddMinutes(5), "newest");
        var oldest = Credential(id + "-y", company, "dev-1", Now.AddMinutes(-5), "oldest");
        var lower = Credential(id + "-b", company, "dev-1", Now, null);
        var upper = Credential(id + "-B", company, "dev-1", Now, null);
        var first = Credential(id + "-a", company, "dev-1", Now, null);
        foreach (var credential in new[] { newest, lower, oldest, upper, first })
        {
            await Store.CreateAsync(credential, Token);
        }

        var listed = await Store.OfDeviceAsync(company, "dev-1", Token);

        AssertSame([oldest, upper, first, lower, newest], listed);
    }

    [Fact]
    public async Task A_list_holds_only_that_company_and_device_never_another_companys_credential_for_the_same_device_id()
    {
        var ours = await NewCompanyAsync();
        var theirs = await NewCompanyAsync();
        var id = NewCredentialId();
        var mine = Credential(id + "-1", ours, "dev-1", Now, "ours");
        var otherDevice = Credential(id + "-2", ours, "dev-2", Now, "our other device");
        var foreign = Credential(id + "-3", theirs, "dev-1", Now.AddSeconds(-1), "theirs, same device id");
        foreach (var credential in new[] { mine, otherDevice, foreign })
        {
            await Store.CreateAsync(credential, Token);
        }

        AssertSame([mine], await Store.OfDeviceAsync(ours, "dev-1", Token));
        AssertSame([otherDevice], await Store.OfDeviceAsync(ours, "dev-2", Token));
        AssertSame([foreign], await Store.OfDeviceAsync(theirs, "dev-1", Token));
        Assert.Empty(await Store.OfDeviceAsync(theirs, "dev-2", Token));
        Assert.Empty(await Store.OfDeviceAsync(ours, "dev-3", Token));
    }

    [Fact]
    public async Task Revoking_sets_the_time_and_revoking_again_keeps_the_first_time_and_is_still_true()
    {
        var company = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), company, "dev-1", Now, "to revoke");
        await Store.CreateAsync(credential, Token);

        Assert.True(await Store.RevokeAsync(company, credential.CredentialId, Now.AddMinutes(1), Token));
        Assert.True(await Store.RevokeAsync(company, credential.CredentialId, Now.AddMinutes(2), Token));

        var revoked = credential with { RevokedAt = Now.AddMinutes(1) };
        AssertSame(revoked, await Store.GetAsync(credential.CredentialId, Token));
        Assert.True((await Store.GetAsync(credential.CredentialId, Token))!.Revoked);
        AssertSame([revoked], await Store.OfDeviceAsync(company, "dev-1", Token));
    }

    [Fact]
    public async Task Revoking_another_companys_credential_or_an_unknown_one_is_false_and_changes_nothing()
    {
        var ours = await NewCompanyAsync();
        var theirs = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), theirs, "dev-1", Now, "theirs");
        await Store.CreateAsync(credential, Token);

        Assert.False(await Store.RevokeAsync(ours, credential.CredentialId, Now.AddMinutes(1), Token));
        Assert.False(await Store.RevokeAsync(ours, NewCredentialId(), Now.AddMinutes(1), Token));
        Assert.False(await Store.RevokeAsync(theirs, NewCredentialId(), Now.AddMinutes(1), Token));

        AssertSame(credential, await Store.GetAsync(credential.CredentialId, Token));
        AssertSame([credential], await Store.OfDeviceAsync(theirs, "dev-1", Token));
    }

    [Fact]
    public async Task Marking_use_only_moves_the_last_use_forward()
    {
        var company = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), company, "dev-1", Now, null);
        await Store.CreateAsync(credential, Token);

        await Store.MarkUsedAsync(credential.CredentialId, Now.AddMinutes(2), Token);
        AssertSame(credential with { LastUsedAt = Now.AddMinutes(2) }, await Store.GetAsync(credential.CredentialId, Token));

        await Store.MarkUsedAsync(credential.CredentialId, Now.AddMinutes(1), Token);
        AssertSame(credential with { LastUsedAt = Now.AddMinutes(2) }, await Store.GetAsync(credential.CredentialId, Token));

        await Store.MarkUsedAsync(credential.CredentialId, Now.AddMinutes(2), Token);
        AssertSame(credential with { LastUsedAt = Now.AddMinutes(2) }, await Store.GetAsync(credential.CredentialId, Token));

        await Store.MarkUsedAsync(credential.CredentialId, Now.AddMinutes(3).AddTicks(10), Token);
        AssertSame(credential with { LastUsedAt = Now.AddMinutes(3).AddTicks(10) }, await Store.GetAsync(credential.CredentialId, Token));
    }

    [Fact]
    public async Task Marking_use_of_an_unknown_credential_does_nothing()
    {
        var company = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), company, "dev-1", Now, null);
        await Store.CreateAsync(credential, Token);

        await Store.MarkUsedAsync(NewCredentialId(), Now.AddMinutes(1), Token);

        AssertSame(credential, await Store.GetAsync(credential.CredentialId, Token));
        Assert.Null(await Store.GetAsync(NewCredentialId(), Token));
    }

    [Fact]
    public async Task A_duplicate_credential_id_is_refused_and_the_first_credential_stays()
    {
        var company = await NewCompanyAsync();
        var other = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), company, "dev-1", Now, "first");
        await Store.CreateAsync(credential, Token);

        var sameCompany = Credential(credential.CredentialId, company, "dev-2", Now.AddMinutes(1), "second");
        var otherCompany = Credential(credential.CredentialId, other, "dev-1", Now.AddMinutes(1), "third");

        await Assert.ThrowsAnyAsync<Exception>(() => Store.CreateAsync(sameCompany, Token));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.CreateAsync(otherCompany, Token));

        AssertSame(credential, await Store.GetAsync(credential.CredentialId, Token));
        Assert.Empty(await Store.OfDeviceAsync(company, "dev-2", Token));
        Assert.Empty(await Store.OfDeviceAsync(other, "dev-1", Token));
    }

    protected async Task<string> NewCompanyAsync()
    {
        var company = "c-" + Guid.NewGuid().ToString("N")[..12];
        await Configuration.SaveCompanyAsync(new CompanySettings(company, company, RuleSettings.Default, TimeZoneInfo.Utc), Token);
        return company;
    }

    protected static string NewCredentialId() => "dc-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A credential with a hash of its own, as <see cref="DeviceTokens.Create"/> makes them.</summary>
    protected static DeviceCredential Credential(string credentialId, string companyId, string deviceId, DateTimeOffset createdAt, string? label) =>
        new(credentialId, companyId, deviceId, RandomNumberGenerator.GetBytes(32), label, createdAt, "u-admin-" + companyId);

    /// <summary>Records compare the hash by reference, so it is compared by content and the rest as a record.</summary>
    protected static void AssertSame(DeviceCredential expected, DeviceCredential? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.SecretHash, actual.SecretHash);
        Assert.Equal(expected with { SecretHash = NoHash }, actual with { SecretHash = NoHash });
    }

    protected static void AssertSame(IReadOnlyList<DeviceCredential> expected, IReadOnlyList<DeviceCredential> actual)
    {
        Assert.Equal(expected.Select(credential => credential.CredentialId), actual.Select(credential => credential.CredentialId));
        foreach (var (wanted, read) in expected.Zip(actual))
        {
            AssertSame(wanted, read);
        }
    }
}

public sealed class InMemoryDeviceCredentialStoreContract : DeviceCredentialStoreContract
{
    protected override IDeviceCredentialStore Store { get; } = new InMemory.InMemoryDeviceCredentialStore();

    protected override IFleetConfiguration Configuration { get; } = new InMemory.InMemoryFleetDirectory();
}

public sealed class PostgresDeviceCredentialStoreContract(PostgresDatabase database) : DeviceCredentialStoreContract, IClassFixture<PostgresDatabase>
{
    protected override IDeviceCredentialStore Store { get; } = new Postgres.PostgresDeviceCredentialStore(database.DataSource, database.Retry);

    protected override IFleetConfiguration Configuration { get; } = new Postgres.PostgresFleetDirectory(database.DataSource, database.Retry);

    [Fact]
    public async Task Credentials_survive_a_new_store_over_the_same_database()
    {
        var company = await NewCompanyAsync();
        var credential = Credential(NewCredentialId(), company, "dev-1", new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), "kept");
        await Store.CreateAsync(credential, CancellationToken.None);

        await using var restarted = NpgsqlDataSource.Create(database.ConnectionString);
        var store = new Postgres.PostgresDeviceCredentialStore(restarted, database.Retry);

        AssertSame(credential, await store.GetAsync(credential.CredentialId, CancellationToken.None));
        AssertSame([credential], await store.OfDeviceAsync(company, "dev-1", CancellationToken.None));
    }
}

/// <summary>The same contract on a database that does not sort text by code point, as a production server may not.</summary>
public sealed class EnglishCollatedPostgresDeviceCredentialStoreContract(EnglishCollatedPostgresDatabase fixture)
    : DeviceCredentialStoreContract, IClassFixture<EnglishCollatedPostgresDatabase>
{
    protected override IDeviceCredentialStore Store { get; } = new Postgres.PostgresDeviceCredentialStore(fixture.Database.DataSource, fixture.Database.Retry);

    protected override IFleetConfiguration Configuration { get; } = new Postgres.PostgresFleetDirectory(fixture.Database.DataSource, fixture.Database.Retry);
}
