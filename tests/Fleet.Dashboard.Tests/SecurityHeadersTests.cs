using Fleet.Dashboard.Tests.Support;

namespace Fleet.Dashboard.Tests;

/// <summary>The dashboard and the tracking page are served with browser protections that hold in a real browser (issue 15).</summary>
public sealed class SecurityHeadersTests(QuietFleet fleet) : IClassFixture<QuietFleet>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/track/")]
    [InlineData("/config.json")]
    public async Task Pages_are_served_with_a_content_security_policy_no_framing_no_sniffing_and_no_referrer(string path)
    {
        using var response = await fleet.Host.Http.GetAsync(path);

        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task The_browser_refuses_a_script_injected_into_the_page()
    {
        await using var page = await DashboardPage.OpenAsync(fleet.Browser, fleet.Host.BaseAddress, "acme-dispatcher-csp", "c-acme");

        var ran = await page.Page.EvaluateAsync<bool>("""
            () => {
              const script = document.createElement('script');
              script.textContent = 'window.injected = true;';
              document.body.append(script);
              return window.injected === true;
            }
            """);

        Assert.False(ran);
        Assert.Contains(page.Problems, problem => problem.Contains("Content Security Policy", StringComparison.Ordinal));
    }
}

public sealed class ContentSecurityPolicyTests
{
    [Fact]
    public void The_configured_tile_server_and_sign_in_authority_are_the_only_other_origins()
    {
        var policy = Fleet.LocalHost.Dashboard.SecurityHeaders.PolicyFor(new Fleet.LocalHost.Dashboard.DashboardOptions
        {
            TileUrl = "https://{s}.tile.example.org/{z}/{x}/{y}.png",
            SignIn = new("https://login.example.com/tenant/v2.0", "dashboard", "api://fleet/access"),
        });

        Assert.Contains("img-src 'self' data: https://*.tile.example.org;", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self' https://login.example.com;", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'self';", policy, StringComparison.Ordinal);
    }
}
