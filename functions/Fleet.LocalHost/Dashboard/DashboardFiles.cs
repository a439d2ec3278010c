using Microsoft.Extensions.FileProviders;

namespace Fleet.LocalHost.Dashboard;

/// <summary>
/// The dispatcher dashboard (functions/dashboard, copied beside the binary) at <c>/</c>: the same files Azure Static Web
/// Apps serves, here on the API's own origin.
/// </summary>
internal static class DashboardFiles
{
    public const string Folder = "dashboard";

    public static void UseDashboard(this WebApplication app)
    {
        var root = Path.Combine(app.Environment.ContentRootPath, Folder);
        if (!Directory.Exists(root))
        {
            return;
        }

        // Before the files: the local host's settings are the dashboard's configuration.
        app.MapGet("/config.json", (HttpContext http, Microsoft.Extensions.Options.IOptions<DashboardOptions> options) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            var dashboard = options.Value;
            return Results.Json(new DashboardConfig("", dashboard.TileUrl, dashboard.TileAttribution, dashboard.SignIn));
        });

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,

            // Revalidated on every load (ETag), so a changed dashboard or config is never served stale.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
