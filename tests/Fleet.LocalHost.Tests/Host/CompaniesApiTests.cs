using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fleet.Core.Ports;
using Fleet.Core.Telemetry;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Host;

/// <summary>
/// Companies as the demo's platform operator (<c>fleet-operator</c> in the development settings) and the demo admins
/// manage them on the real host: clear errors per field, each admin confined to their company, and a disabled company
/// whose users and devices are refused while its data stays.
/// </summary>
public sealed class CompaniesApiTests : IAsyncLifetime
{
    private LocalHostRig _host = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalHostRig.StartAsync();
        _operator = await _host.IdentityClientAsync("fleet-operator");
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task The_demo_operator_lists_the_demo_companies_and_every_bad_field_of_a_new_one_is_named()
    {
        var companies = await _operator.GetFromJsonAsync<JsonElement>("/api/companies");
        using var invalid = await _operator.PostAsJsonAsync("/api/companies", new
        {
            name = "Contoso",
            time_zone = "Taipei Standard Time",
            currency = "euro",
            fuel_price_per_liter = -1,
            rules = new { trips = new { min_stop_seconds = 1 }, speeding = new { top_speed = 5 } },
        });

        Assert.Equal(["c-acme", "c-globex"], companies.EnumerateArray().Select(company => company.GetProperty("company_id").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(
            ["currency", "fuel_price_per_liter", "rules.speeding.top_speed", "rules.trips.min_stop_seconds", "time_zone"],
            errors.EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal("rules.trips.min_stop_seconds must be a number from 10 to 86400.", errors.GetProperty("rules.trips.min_stop_seconds").GetString());
    }

    [Fact]
    public async Task An_admin_manages_their_own_company_only_and_a_dispatcher_none()
    {
        using var acmeAdmin = await _host.ClientAsync("acme-admin", "c-acme", "admin");
        using var acmeDispatcher = await _host.ClientAsync("acme-dispatcher", "c-acme", "dispatcher");

        using var own = await acmeAdmin.PutAsJsonAsync("/api/companies/c-acme", new { time_zone = "Asia/Taipei", currency = "TWD", fuel_price_per_liter = 31.5 });
        using var other = await acmeAdmin.GetAsync("/api/companies/c-globex");
        using var disable = await acmeAdmin.PutAsJsonAsync("/api/companies/c-acme", new { disabled = true });
        using var asDispatcher = await acmeDispatcher.GetAsync("/api/companies/c-acme");
        using var list = await acmeAdmin.GetAsync("/api/companies");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var settings = await own.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Asia/Taipei", "TWD", 31.5), (settings.GetProperty("time_zone").GetString(), settings.GetProperty("currency").GetString(), settings.GetProperty("fuel_price_per_liter").GetDouble()));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asDispatcher.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task A_disabled_company_keeps_its_data_while_its_users_are_refused_and_its_devices_events_are_dead_lettered()
    {
        using var dispatcher = await _host.ClientAsync("acme-dispatcher", "c-acme", "dispatcher");
        using (var before = await dispatcher.GetAsync("/api/vehicles"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var disabled = await _operator.DeleteAsync("/api/companies/c-acme"))
        {
            Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);
        }

        using var refused = await dispatcher.GetAsync("/api/vehicles");
        using var sent = await _host.SendBatchAsync([LocalHostRig.Fix("sim-001", DateTimeOffset.UtcNow.AddSeconds(-5), 25.03, 121.56, 20)]);
        await _host.WaitUntilProcessedAsync(TimeSpan.FromSeconds(10));
        var deadLetters = await _host.Services.GetRequiredService<IFleetHistory>().DeadLettersAsync("c-acme", 10, CancellationToken.None);
        var kept = await _operator.GetFromJsonAsync<JsonElement>("/api/companies/c-acme");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Company 'c-acme' is disabled; its users cannot sign in.", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal(RejectionReason.CompanyDisabled, Assert.Single(deadLetters).Reason);
        Assert.True(kept.GetProperty("disabled").GetBoolean());
        Assert.Equal("Acme Logistics", kept.GetProperty("name").GetString());
    }
}
