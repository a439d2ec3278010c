using Azure.Core;
using Azure.Data.Tables;
using Fleet.Adapters.Auth;
using Fleet.Adapters.InMemory;
using Fleet.Adapters.Postgres;
using Fleet.Adapters.Tables;
using Fleet.Core.Api;
using Fleet.Core.Ports;
using Fleet.Core.Processing;
using Fleet.Core.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Adapters;

/// <summary>
/// The one composition both hosts use (DESIGN 1): the core handlers, then stores in memory, on PostgreSQL or on Table
/// Storage. A host adds its realtime transport (<see cref="IRealtimePublisher"/>, <see cref="IRealtimeGroups"/>,
/// <see cref="IVehicleFollowers"/>) itself.
/// </summary>
public static class FleetComposition
{
    public const string PostgresConnectionName = "Fleet";
    public const string TablesConnectionName = "FleetTables";
    public const string TablesEndpointKey = "Fleet:Tables:Endpoint";
    public const string TablesManagedIdentityKey = "Fleet:Tables:ManagedIdentityClientId";
    public const string PostgresManagedIdentityKey = "Fleet:Postgres:ManagedIdentityClientId";
    public const string EventHubsConnectionKey = "EventHubConnection";
    public const string EventHubsNamespaceKey = "EventHubConnection:fullyQualifiedNamespace";
    public const string EventHubsClientIdKey = "EventHubConnection:clientId";
    public const string EventHubNameKey = "EventHubName";
    public const string SignalRServiceUriKey = "AzureSignalRConnectionString:serviceUri";
    public const string SignalRClientIdKey = "AzureSignalRConnectionString:clientId";
    public const string SignalRConnectionStringKey = "AzureSignalRConnectionString";

    public static IHostApplicationBuilder AddFleetCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IProcessingProgress, UnknownProcessingProgress>();
        services.AddSingleton<TelemetryBatchHandler>();
        services.AddSingleton<Core.Identity.MembershipDirectory>();
        services.AddSingleton<Core.Realtime.RealtimeRevocation>();
        services.AddSingleton<Core.Realtime.ConfigAnnouncer>();
        services.AddSingleton<CompaniesApiHandler>();
        services.AddSingleton<UsersApiHandler>();
        services.AddSingleton<Core.Devices.DeviceAuthenticator>();
        services.AddSingleton<DeviceCredentialsApiHandler>();
        services.AddSingleton<Core.Devices.DeviceGatewayHandler>();
        services.AddSingleton<RealtimeAccessHandler>();
        services.AddSingleton<AlertsApiHandler>();
        services.AddSingleton<VehiclesApiHandler>();
        services.AddSingleton<GeofencesApiHandler>();
        services.AddSingleton<DriversApiHandler>();
        services.AddSingleton<DashboardApiHandler>();
        services.AddSingleton<JobsApiHandler>();
        services.AddSingleton<TrackingHandler>();
        services.TryAddSingleton(JobProgressSettingsOf(builder.Configuration));
        services.AddSingleton<Core.Jobs.JobTracker>();
        services.AddSingleton<DashboardBroadcastHandler>();
        services.AddSingleton<AlertExpiryHandler>();
        services.AddSingleton<OfflineSweepHandler>();
        services.AddSingleton<AlertOutboxHandler>();
        services.AddSingleton<FleetTimerJobs>();
        services.AddOptions<UserTokenOptions>().Bind(builder.Configuration.GetSection(UserTokenOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UserTokens>();
        return builder;
    }

    private static Core.Jobs.JobProgressSettings JobProgressSettingsOf(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Core.Jobs.JobProgressSettings.Section).Get<Core.Jobs.JobProgressSettings>()
            ?? Core.Jobs.JobProgressSettings.Default;
        return settings.FindProblem() is { } problem ? throw new InvalidOperationException(problem) : settings;
    }

    /// <summary>Configuration, history and state in process memory: the local host's default, gone when it stops.</summary>
    public static IHostApplicationBuilder AddFleetInMemory(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<InMemoryFleetDirectory>();
        services.AddSingleton<IDeviceRegistry>(provider => provider.GetRequiredService<InMemoryFleetDirectory>());
        services.AddSingleton<ICompanyDirectory>(provider => provider.GetRequiredService<InMemoryFleetDirectory>());
        services.AddSingleton<IFleetConfiguration>(provider => provider.GetRequiredService<InMemoryFleetDirectory>());
        services.AddSingleton<InMemoryTelemetryStore>();
        services.AddSingleton<IVehicleStateStore>(provider => provider.GetRequiredService<InMemoryTelemetryStore>());
        services.AddSingleton<ITelemetryStore>(provider => provider.GetRequiredService<InMemoryTelemetryStore>());
        services.AddSingleton<IAlertOutbox>(provider => provider.GetRequiredService<InMemoryTelemetryStore>());
        services.AddSingleton<IFleetHistory>(provider => provider.GetRequiredService<InMemoryTelemetryStore>());
        services.AddSingleton<IJobStore, InMemoryJobStore>();
        services.AddSingleton<IJobGrantStore, InMemoryJobGrantStore>();
        services.AddSingleton<IMembershipStore, InMemoryMembershipStore>();
        services.AddSingleton<IDeviceCredentialStore, InMemoryDeviceCredentialStore>();
        return builder;
    }

    /// <summary>Alerts in process memory.</summary>
    public static IHostApplicationBuilder AddFleetInMemoryAlerts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<InMemoryAlertStore>();
        services.AddSingleton<IAlertStore>(provider => provider.GetRequiredService<InMemoryAlertStore>());
        services.AddSingleton<IAlertSink>(provider => provider.GetRequiredService<InMemoryAlertStore>());
        return builder;
    }

    /// <summary>History, state and configuration on PostgreSQL (<c>ConnectionStrings:Fleet</c>), migrated at start-up.</summary>
    public static IHostApplicationBuilder AddFleetPostgres(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(PostgresConnectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{PostgresConnectionName} is required for PostgreSQL.");
        var managedIdentityClientId = builder.Configuration[PostgresManagedIdentityKey];
        var services = builder.Services;
        services.AddSingleton(_ => FleetCredentials.PostgresDataSource(connectionString, managedIdentityClientId));
        services.AddSingleton<PostgresRetry>();
        services.AddSingleton<PostgresMigrator>();
        services.AddHostedService<PostgresMigration>();
        services.AddSingleton<PostgresRealtimeGroups>();
        services.AddSingleton<PostgresFleetDirectory>();
        services.AddSingleton<IDeviceRegistry>(provider => provider.GetRequiredService<PostgresFleetDirectory>());
        services.AddSingleton<ICompanyDirectory>(provider => provider.GetRequiredService<PostgresFleetDirectory>());
        services.AddSingleton<IFleetConfiguration>(provider => provider.GetRequiredService<PostgresFleetDirectory>());
        services.AddSingleton<PostgresTelemetryStore>();
        services.AddSingleton<IVehicleStateStore>(provider => provider.GetRequiredService<PostgresTelemetryStore>());
        services.AddSingleton<ITelemetryStore>(provider => provider.GetRequiredService<PostgresTelemetryStore>());
        services.AddSingleton<IAlertOutbox>(provider => provider.GetRequiredService<PostgresTelemetryStore>());
        services.AddSingleton<IFleetHistory>(provider => provider.GetRequiredService<PostgresTelemetryStore>());
        services.AddSingleton<IJobStore, PostgresJobStore>();
        services.AddSingleton<IJobGrantStore, PostgresJobGrantStore>();
        services.AddSingleton<IMembershipStore, PostgresMembershipStore>();
        services.AddSingleton<IDeviceCredentialStore, PostgresDeviceCredentialStore>();
        return builder;
    }

    /// <summary>
    /// Alerts and parked telemetry on Table Storage: <c>ConnectionStrings:FleetTables</c> (e.g.
    /// <c>UseDevelopmentStorage=true</c>), or <c>Fleet:Tables:Endpoint</c> with an Entra identity
    /// (<c>Fleet:Tables:ManagedIdentityClientId</c> in Azure).
    /// </summary>
    public static IHostApplicationBuilder AddFleetTables(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(TablesConnectionName);
        var endpoint = builder.Configuration[TablesEndpointKey];
        if (string.IsNullOrEmpty(connectionString) && string.IsNullOrEmpty(endpoint))
        {
            throw new InvalidOperationException($"ConnectionStrings:{TablesConnectionName} or {TablesEndpointKey} is required for Table Storage.");
        }

        if (!string.IsNullOrEmpty(endpoint) && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{TablesEndpointKey} must be an absolute URL such as https://<account>.table.core.windows.net/.");
        }

        var managedIdentityClientId = builder.Configuration[TablesManagedIdentityKey];
        var services = builder.Services;
        services.AddSingleton(provider =>
        {
            var options = TablesClientOptions(provider.GetRequiredService<ILoggerFactory>().CreateLogger("Fleet.Tables"));
            return string.IsNullOrEmpty(connectionString)
                ? new TableServiceClient(new Uri(endpoint!), FleetCredentials.For(managedIdentityClientId), options)
                : new TableServiceClient(connectionString, options);
        });
        services.AddSingleton<IParkedTelemetry>(provider => new TableParkedTelemetry(provider.GetRequiredService<TableServiceClient>()));
        services.AddSingleton<ParkedTelemetryHandler>();
        services.AddOptions<TableAlertStoreOptions>().Bind(builder.Configuration.GetSection("Fleet:Tables"));
        services.AddSingleton(provider => new TableAlertStore(
            provider.GetRequiredService<TableServiceClient>(), provider.GetRequiredService<IOptions<TableAlertStoreOptions>>().Value));
        services.AddSingleton<IAlertStore>(provider => provider.GetRequiredService<TableAlertStore>());
        services.AddSingleton<IAlertSink>(provider => new AlertSinkCircuit(
            provider.GetRequiredService<TableAlertStore>(), provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<AlertSinkCircuit>>()));
        return builder;
    }

    /// <summary>
    /// Exponential retries within what an ingest invocation can wait: a batch whose alerts cannot be written after its
    /// commit leaves them in the alert outbox for the outbox timer, so the client need not wait long itself.
    /// </summary>
    internal static TableClientOptions TablesClientOptions(ILogger logger)
    {
        var options = new TableClientOptions();
        options.AddPolicy(new FirstFailureWarningPolicy(logger, "Table Storage"), HttpPipelinePosition.PerRetry);
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.MaxRetries = 4;
        options.Retry.Delay = TimeSpan.FromMilliseconds(800);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    /// <summary>
    /// The device gateway's forwarding into Event Hubs, on the connection the ingest trigger uses: in Azure
    /// <c>EventHubConnection:fullyQualifiedNamespace</c> with the identity <c>EventHubConnection:clientId</c>; locally (the
    /// emulator) the connection string <c>EventHubConnection</c>. The hub is <c>EventHubName</c>.
    /// </summary>
    public static IHostApplicationBuilder AddFleetEventHubsIngress(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var eventHubName = configuration[EventHubNameKey] ?? throw new InvalidOperationException($"{EventHubNameKey} is required for the device gateway.");
        var fullyQualifiedNamespace = configuration[EventHubsNamespaceKey];
        var connectionString = configuration[EventHubsConnectionKey];
        if (string.IsNullOrEmpty(fullyQualifiedNamespace) && string.IsNullOrEmpty(connectionString))
        {
            throw new InvalidOperationException($"{EventHubsNamespaceKey} or {EventHubsConnectionKey} is required for the device gateway to send to Event Hubs.");
        }

        var options = new Azure.Messaging.EventHubs.Producer.EventHubProducerClientOptions
        {
            RetryOptions = new Azure.Messaging.EventHubs.EventHubsRetryOptions
            {
                Mode = Azure.Messaging.EventHubs.EventHubsRetryMode.Exponential,
                MaximumRetries = 3,
                TryTimeout = TimeSpan.FromSeconds(10),
            },
        };
        var clientId = configuration[EventHubsClientIdKey];
        builder.Services.AddSingleton(_ => string.IsNullOrEmpty(fullyQualifiedNamespace)
            ? new Azure.Messaging.EventHubs.Producer.EventHubProducerClient(connectionString, eventHubName, options)
            : new Azure.Messaging.EventHubs.Producer.EventHubProducerClient(fullyQualifiedNamespace, eventHubName, FleetCredentials.For(clientId), options));
        builder.Services.AddSingleton<ITelemetryIngress, EventHubs.EventHubsTelemetryIngress>();
        return builder;
    }

    /// <summary>
    /// Closing revoked users' connections on Azure SignalR Service, reached as the Functions extension reaches it: in
    /// Azure its address and the app's identity (<c>AzureSignalRConnectionString:serviceUri</c>, <c>:clientId</c>);
    /// locally a connection string with an access key (<c>AzureSignalRConnectionString</c>, e.g. the emulator's).
    /// </summary>
    public static IHostApplicationBuilder AddFleetSignalRServiceConnections(this IHostApplicationBuilder builder, string hubName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (serviceUri, authorization) = SignalR.SignalRServiceAccess.From(builder.Configuration);
        builder.Services.AddSingleton<IRealtimeConnections>(provider => new SignalR.SignalRServiceConnections(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) },
            authorization(provider),
            new SignalR.SignalRServiceEndpoint(serviceUri, hubName),
            provider.GetRequiredService<ILogger<SignalR.SignalRServiceConnections>>()));
        return builder;
    }

    private sealed class PostgresMigration(PostgresMigrator migrator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
