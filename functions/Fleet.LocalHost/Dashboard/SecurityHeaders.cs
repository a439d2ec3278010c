using Microsoft.Extensions.Options;

namespace Fleet.LocalHost.Dashboard;

/// <summary>
/// Browser protections on every response of the host (the dashboard, the tracking page, the API): a Content Security
/// Policy that runs only this origin's scripts, connects only to this origin and the configured sign-in authority, and
/// loads images only from here, data URLs (QR codes) and the configured tile server; no framing; no MIME sniffing; no
/// referrer (a tracking page's address is its customer's secret).
/// </summary>
internal static class SecurityHeaders
{
    public static void UseSecurityHeaders(this WebApplication app)
    {
        var policy = PolicyFor(app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value);
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            await next(context);
        });
    }

    /// <summary>
    /// The policy for the dashboard as configured: its tile server and sign-in authority are the only other origins,
    /// with, where the API is not the page's own origin (Static Web Apps in Azure, <c>infra/scripts/dashboard-config.sh</c>),
    /// the API's and the realtime service's <paramref name="apiOrigins"/>.
    /// </summary>
    public static string PolicyFor(DashboardOptions dashboard, params IEnumerable<string> apiOrigins)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var images = TileSourceOf(dashboard.TileUrl);
        var signIn = OriginOf(dashboard.SignIn?.Authority);

        // Leaflet positions map panes and markers with inline styles, hence 'unsafe-inline' for styles only.
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            $"img-src 'self' data:{Prefixed(images)}",
            $"connect-src 'self'{string.Concat(apiOrigins.Select(Prefixed))}{Prefixed(signIn)}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }

    // Leaflet fills {s} with a, b or c: a template on subdomains needs them all.
    private static string? TileSourceOf(string? template)
    {
        const string Subdomain = "subdomain-placeholder";
        var origin = OriginOf(template?.Replace("{s}", Subdomain, StringComparison.Ordinal).Replace("{z}", "0", StringComparison.Ordinal)
            .Replace("{x}", "0", StringComparison.Ordinal).Replace("{y}", "0", StringComparison.Ordinal).Replace("{r}", "", StringComparison.Ordinal));
        return origin?.Replace(Subdomain, "*", StringComparison.Ordinal);
    }

    private static string? OriginOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority) : null;

    private static string Prefixed(string? origin) => origin is null ? "" : " " + origin;
}
