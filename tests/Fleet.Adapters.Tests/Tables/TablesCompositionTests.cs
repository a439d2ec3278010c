using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Adapters.Tests.Tables;

/// <summary>How the stores reach Table Storage: a connection string locally, the account's endpoint and the app's identity in Azure.</summary>
public sealed class TablesCompositionTests
{
    [Fact]
    public void The_development_storage_shortcut_addresses_azurites_table_endpoint()
    {
        var service = TableServiceFor(new() { ["ConnectionStrings:" + FleetComposition.TablesConnectionName] = "UseDevelopmentStorage=true" });

        Assert.Equal(("devstoreaccount1", "http://127.0.0.1:10002/devstoreaccount1"), (service.AccountName, service.Uri.ToString().TrimEnd('/')));
    }

    [Fact]
    public void An_endpoint_without_a_connection_string_is_the_account_reached_with_the_apps_identity()
    {
        var service = TableServiceFor(new()
        {
            [FleetComposition.TablesEndpointKey] = "https://fleetstore.table.core.windows.net/",
            [FleetComposition.TablesManagedIdentityKey] = "00000000-0000-0000-0000-000000000001",
        });

        Assert.Equal(("fleetstore", "https://fleetstore.table.core.windows.net/"), (service.AccountName, service.Uri.ToString()));
    }

    [Theory]
    [InlineData(null, "ConnectionStrings:FleetTables or Fleet:Tables:Endpoint is required")]
    [InlineData("not a url", "Fleet:Tables:Endpoint must be an absolute URL")]
    public void Without_a_usable_setting_the_start_fails_naming_it(string? endpoint, string expected)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => TableServiceFor(new() { [FleetComposition.TablesEndpointKey] = endpoint }));

        Assert.StartsWith(expected, failure.Message, StringComparison.Ordinal);
    }

    private static TableServiceClient TableServiceFor(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFleetTables();
        return builder.Services.BuildServiceProvider().GetRequiredService<TableServiceClient>();
    }
}
