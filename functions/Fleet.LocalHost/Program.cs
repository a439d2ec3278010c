using Fleet.Adapters;
using Fleet.Adapters.Auth;
using Fleet.Core.Ports;
using Fleet.Http;
using Fleet.LocalHost;
using Fleet.LocalHost.Api;
using Fleet.LocalHost.Dashboard;
using Fleet.LocalHost.Demo;
using Fleet.LocalHost.Ingestion;
using Fleet.LocalHost.Realtime;
using Fleet.LocalHost.Simulation;
using Fleet.LocalHost.Timers;
using Microsoft.Extensions.Options;

await using var app = LocalHostApp.Build(args);
await app.RunAsync();

/// <summary>The local host: the shared composition, stores chosen by configuration, and the local stand-ins.</summary>
internal static class LocalHostApp
{
    /// <param name="timeProvider">The clock of everything that keeps time here (tests move it by hand); the system clock by default.</param>
    public static WebApplication Build(string[] args, TimeProvider? timeProvider = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Settings and the dashboard ship beside the binary, wherever it is started from.
            ContentRootPath = AppContext.BaseDirectory,
            // `dotnet run` with nothing set is a developer on their machine: the demo token endpoint is meant for them.
            EnvironmentName = new ConfigurationBuilder().AddCommandLine(args).Build()[HostDefaults.EnvironmentKey]
                ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                ?? Environments.Development,
        });

        DevelopmentSecrets.RefuseOutsideDevelopment(builder.Configuration, builder.Environment);
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.AddFleetCore();
        if (builder.Configuration.GetConnectionString(FleetComposition.PostgresConnectionName) is { Length: > 0 })
        {
            builder.AddFleetPostgres();
        }
        else
        {
            builder.AddFleetInMemory();
        }

        if (builder.Configuration.GetConnectionString(FleetComposition.TablesConnectionName) is { Length: > 0 })
        {
            builder.AddFleetTables();
        }
        else
        {
            builder.AddFleetInMemoryAlerts();
        }

        builder.AddLocalHost();
        builder.AddLocalTimers();

        var app = builder.Build();
        app.UseLocalHost();
        app.MapOpenApi();
        app.MapFleetApi();
        app.MapEventHubsIngestion();
        app.MapHub<FleetHub>(SignalRClientAuthentication.HubPath, hub => hub.CloseOnAuthenticationExpiration = true);
        StartupBanner.PrintWhenStarted(app);
        return app;
    }
}

/// <summary>The local stand-ins for Event Hubs and SignalR Service, registered beside the shared composition.</summary>
internal static class LocalHostComposition
{
    public static void AddLocalHost(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LocalHostOptions>().Bind(builder.Configuration.GetSection(LocalHostOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LocalEventHubsOptions>().Bind(builder.Configuration.GetSection(LocalEventHubsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoFleetOptions>()
            .Bind(builder.Configuration.GetSection(DemoFleetOptions.Section))
            .PostConfigure(demo => demo.Vehicles = Math.Max(demo.Vehicles, BuiltInSimulation.VehiclesOf(builder.Configuration)));
        services.AddHostedService<DemoFleet>();
        services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.Section));

        // A database makes the event log durable; without one it lives in memory, as everything else then does.
        if (builder.Configuration.GetConnectionString(FleetComposition.PostgresConnectionName) is { Length: > 0 })
        {
            services.AddSingleton<PostgresEventLog>();
            services.AddSingleton<ILocalEventLog>(provider => provider.GetRequiredService<PostgresEventLog>());
            services.AddHostedService(provider => provider.GetRequiredService<PostgresEventLog>());
        }
        else
        {
            services.AddSingleton<ILocalEventLog, InMemoryEventLog>();
        }

        services.AddSingleton<IProcessingProgress>(provider => provider.GetRequiredService<ILocalEventLog>());
        services.AddHostedService<PartitionConsumers>();
        services.AddHostedService<BuiltInSimulation>();
        services.AddSingleton<PublisherRateLimiter>();
        services.AddSingleton<EventHubsAuthorization>();
        services.AddSingleton<ITelemetryIngress, LocalTelemetryIngress>();

        services.AddSingleton<UserGroups>();
        services.AddSingleton<IRealtimeGroups>(provider => provider.GetRequiredService<UserGroups>());
        services.AddSingleton<IVehicleFollowers>(provider => provider.GetRequiredService<UserGroups>());
        services.AddSingleton<IRealtimePublisher, HubRealtimePublisher>();
        services.AddSingleton<ConnectionCounter>();
        services.AddSingleton<IRealtimeConnections>(provider => provider.GetRequiredService<ConnectionCounter>());
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<LocalHostOptions>>().Value;
            return new SignalRClientTokens(options.SignalRAccessKey, options.SignalRTokenLifetime, provider.GetRequiredService<TimeProvider>());
        });
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SignalRClientAuthentication>(SignalRClientAuthentication.SchemeName, null);
        services.AddAuthorization();
        services.AddSignalR().AddJsonProtocol(json => FleetJson.Configure(json.PayloadSerializerOptions));
        services.AddFleetHttpApi();
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddCors();
    }

    public static void UseLocalHost(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value;
        // A request the routes cannot bind (malformed JSON, a query value of the wrong type) is the caller's error.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseDashboard();
        app.UseCors(cors => cors.WithOrigins(options.AllowedOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials());
        app.UseWhen(context => context.Request.Path.StartsWithSegments(SignalRClientAuthentication.HubPath), hub => hub.Use(async (context, next) =>
        {
            // Browsers always send Origin on WebSockets; a page from elsewhere must not ride on a user's token.
            // The dashboard the host serves itself is always welcome, whatever port the host runs on.
            var origin = context.Request.Headers.Origin.ToString();
            var sameOrigin = string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase);
            if (origin.Length > 0 && !sameOrigin && !options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Origin not allowed", detail: $"Origin '{origin}' is not allowed.").ExecuteAsync(context);
                return;
            }

            await next(context);
        }));
        app.UseAuthentication();
        app.UseAuthorization();
    }
}
