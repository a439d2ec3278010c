using Fleet.Adapters;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.AddFleetCore();
builder.AddFleetPostgres();
builder.AddFleetTables();
await builder.Build().RunAsync();
