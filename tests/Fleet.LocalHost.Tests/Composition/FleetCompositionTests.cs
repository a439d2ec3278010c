using Fleet.Adapters;
using Fleet.Adapters.Tests.Support;
using Fleet.Core.Jobs;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.LocalHost.Tests.Composition;

/// <summary>
/// The composition both hosts share: the job settings it binds, which Table Storage settings it needs, and that what it
/// registers works against a real Table service.
/// </summary>
public sealed class FleetCompositionTests
{
    [Fact]
    public void Job_settings_are_bound_from_fleet_jobs_and_the_rest_keep_their_defaults()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Fleet:Jobs:ArrivalRadiusMeters"] = "120";
        builder.Configuration["Fleet:Jobs:RecentSpeedSeconds"] = "90";

        builder.AddFleetCore();

        var settings = builder.Services.BuildServiceProvider().GetRequiredService<JobProgressSettings>();
        Assert.Equal(JobProgressSettings.Default with { ArrivalRadiusMeters = 120, RecentSpeedSeconds = 90 }, settings);
    }

    [Fact]
    public void A_job_setting_that_cannot_work_is_refused_at_start_up_by_its_key()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Fleet:Jobs:MinEtaSpeedKmh"] = "0";

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddFleetCore());

        Assert.Equal("Fleet:Jobs:MinEtaSpeedKmh must be above 0", error.Message);
    }

    [Theory]
    [InlineData("EventHubConnection:fullyQualifiedNamespace", "fleet-test.servicebus.windows.net")]
    [InlineData("EventHubConnection", "Endpoint=sb://127.0.0.1;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=k;UseDevelopmentEmulator=true")]
    public async Task The_device_gateway_sends_to_event_hubs_on_the_ingest_triggers_connection(string key, string value)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[key] = value;
        builder.Configuration[FleetComposition.EventHubNameKey] = "telemetry";

        builder.AddFleetEventHubsIngress();

        await using var services = builder.Services.BuildServiceProvider();
        Assert.IsType<Fleet.Adapters.EventHubs.EventHubsTelemetryIngress>(services.GetRequiredService<ITelemetryIngress>());
        Assert.Equal("telemetry", services.GetRequiredService<Azure.Messaging.EventHubs.Producer.EventHubProducerClient>().EventHubName);
    }

    [Fact]
    public void The_device_gateway_without_an_event_hubs_connection_names_both_settings()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[FleetComposition.EventHubNameKey] = "telemetry";

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddFleetEventHubsIngress());

        Assert.Contains(FleetComposition.EventHubsNamespaceKey, error.Message, StringComparison.Ordinal);
        Assert.Contains(FleetComposition.EventHubsConnectionKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tables_without_a_connection_string_or_an_endpoint_name_both_settings()
    {
        var builder = WebApplication.CreateSlimBuilder();

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddFleetTables());

        Assert.Contains("ConnectionStrings:FleetTables", error.Message, StringComparison.Ordinal);
        Assert.Contains(FleetComposition.TablesEndpointKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tables_endpoint_that_is_not_a_url_is_refused_at_start_up()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[FleetComposition.TablesEndpointKey] = "mystorage.table";

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddFleetTables());

        Assert.Contains(FleetComposition.TablesEndpointKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parked_telemetry_from_the_composition_parks_reads_and_deletes_on_the_table_service()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["ConnectionStrings:FleetTables"] = TestServers.TablesConnectionString;
        builder.AddFleetTables();
        await using var app = builder.Build();
        var parked = app.Services.GetRequiredService<IParkedTelemetry>();
        var partition = "c" + Guid.NewGuid().ToString("N");
        TelemetryEvent[] events = [new("{}"u8.ToArray(), new EventMetadata(partition, 1, DateTimeOffset.UnixEpoch))];
        var batch = new ParkedBatch(ParkedBatch.IdOf(events), "IOException: down", DateTimeOffset.UnixEpoch, events);

        await parked.ParkAsync(batch, CancellationToken.None);

        var stored = Assert.Single((await parked.GetAsync(batch.BatchId, CancellationToken.None))!.Events);
        Assert.Equal((events[0].Metadata, "{}"), (stored.Metadata, System.Text.Encoding.UTF8.GetString(stored.Body.Span)));
        await parked.DeleteAsync(batch.BatchId, CancellationToken.None);
        Assert.Null(await parked.GetAsync(batch.BatchId, CancellationToken.None));
    }
}
