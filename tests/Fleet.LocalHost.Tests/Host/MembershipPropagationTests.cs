using System.Net;
using System.Net.Http.Json;
using Fleet.Core.Identity;
using Fleet.LocalHost.Tests.Support;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Two instances over one PostgreSQL database, as two Function instances run: what one stores the other reads, and a
/// removed membership stops working at once where it was removed and within the membership cache's lifetime (30 s,
/// inside the promised 60 s) on the other.
/// </summary>
public sealed class MembershipPropagationTests : IAsyncLifetime
{
    private readonly ShiftedClock _secondClock = new();
    private LocalHostRig _first = null!;
    private LocalHostRig _second = null!;

    public async Task InitializeAsync()
    {
        _first = await LocalHostRig.StartAsync(HostStores.Servers);
        _second = await LocalHostRig.StartBesideAsync(_first, _secondClock);
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task A_membership_removed_on_one_instance_stops_working_on_the_other_within_the_cache_lifetime()
    {
        using var admin = await _first.ClientAsync("acme-admin-propagation", "c-acme", "admin");
        using (var added = await admin.PostAsJsonAsync("/api/users", new { user_id = "u-leaving", role = "dispatcher" }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        var token = await _first.IdentityTokenAsync("u-leaving");
        using var onFirst = _first.Client(token);
        using var onSecond = _second.Client(token);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(onSecond));

        using (var removed = await admin.DeleteAsync("/api/users/u-leaving"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(onFirst));
        var stillCached = await StatusAsync(onSecond);
        _secondClock.Shift(MembershipDirectory.CacheLifetime + TimeSpan.FromSeconds(1));
        var afterLifetime = await StatusAsync(onSecond);

        Assert.Equal(HttpStatusCode.OK, stillCached);
        Assert.Equal(HttpStatusCode.Forbidden, afterLifetime);
        Assert.True(MembershipDirectory.CacheLifetime <= TimeSpan.FromSeconds(60));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/api/vehicles");
        return response.StatusCode;
    }
}
