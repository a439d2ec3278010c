namespace Fleet.LocalHost.Dashboard;

/// <summary>
/// Section <c>Fleet:Dashboard</c>: what the dashboard reads from <c>config.json</c> when the local host serves it (in
/// Azure a deployment hook writes that file instead).
/// </summary>
public sealed class DashboardOptions
{
    public const string Section = "Fleet:Dashboard";

    /// <summary>A map tile URL template (<c>{z}/{x}/{y}</c>); none by default, so the map needs no internet.</summary>
    public string? TileUrl { get; set; }

    public string TileAttribution { get; set; } = "";

    /// <summary>An OpenID Connect provider users sign in with (authorization code with PKCE); none by default.</summary>
    public DashboardSignIn? SignIn { get; set; }
}

/// <param name="Authority">The issuer whose <c>.well-known/openid-configuration</c> names the endpoints.</param>
/// <param name="Scope">What the access token must grant: the API's scope, whose audience the API validates.</param>
public sealed record DashboardSignIn(string Authority, string ClientId, string Scope);

/// <summary>The dashboard's <c>config.json</c>; the API is always this host's own origin.</summary>
public sealed record DashboardConfig(string ApiBase, string? TileUrl, string TileAttribution, DashboardSignIn? SignIn);
