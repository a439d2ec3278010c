using Fleet.Adapters;
using Fleet.Functions;
using Fleet.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddFleetCore();
builder.AddFleetPostgres();
builder.AddFleetTables();
builder.AddFleetEventHubsIngress();
builder.Services.AddFleetHttpApi();
builder.AddFleetSignalRService();
await builder.Build().RunAsync();
