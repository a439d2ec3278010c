using Fleet.Adapters;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Fleet.LocalHost;

/// <summary>What a developer needs after <c>dotnet run</c>: where things are and how to send the first event.</summary>
internal static class StartupBanner
{
    public static void PrintWhenStarted(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:7071";
            var eventHubs = app.Services.GetRequiredService<IOptions<LocalEventHubsOptions>>().Value;
            var configuration = app.Services.GetRequiredService<IConfiguration>();
            var eventLog = app.Services.GetRequiredService<Ingestion.ILocalEventLog>();
            var stores = configuration.GetConnectionString(FleetComposition.PostgresConnectionName) is { Length: > 0 } ? "PostgreSQL" : "in memory";
            var alerts = configuration.GetConnectionString(FleetComposition.TablesConnectionName) is { Length: > 0 } ? "Table Storage" : "in memory";
            // The development token endpoint exists in Development only; elsewhere users sign in with the configured authority.
            var signIn = app.Environment.IsDevelopment()
                ? $$"""curl -s -X POST {{address}}/api/dev/token -H 'content-type: application/json' -d '{"user_id":"me","company_id":"c-acme","role":"dispatcher"}'"""
                : "tokens from the OpenID Connect authority (Fleet:Auth:Authority)";
            Console.Out.WriteLine($$"""

                FleetFunctions local host on {{address}} (history and state {{stores}}, alerts {{alerts}}, environment {{app.Environment.EnvironmentName}})
                  API description  {{address}}/openapi/v1.json
                  Telemetry        POST {{address}}/{{eventHubs.EventHubName}}/messages  (Event Hubs REST, single or application/vnd.microsoft.servicebus.json batch)
                                   SAS key name {{eventHubs.SharedAccessKeyName}}, key {{(app.Environment.IsDevelopment() ? eventHubs.SharedAccessKey : "not shown")}} (Fleet:LocalEventHubs:SharedAccessKey)
                  User token       {{signIn}}
                  Simulator        dotnet run --project functions/Fleet.Simulator -- --vehicles 20
                  {{(eventLog.NotDurableBecause is { } notDurable ? $"Not durable      {notDurable}" : $"Durable          {Ingestion.PostgresEventLog.Durability}")}}

                """);
        });
    }
}
