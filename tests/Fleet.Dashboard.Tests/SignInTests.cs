using Fleet.Dashboard.Tests.Support;
using Fleet.LocalHost.Tests.Support;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests;

/// <summary>Signing in with the organisation's identity provider, as everyone does outside Development.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task A_dispatcher_signs_in_with_the_identity_provider_and_the_token_is_kept_in_memory_only()
    {
        await using var identityProvider = await FakeIdentityProvider.StartAsync();
        await using var host = await LocalHostRig.StartAsync(
            $"--Fleet:Dashboard:SignIn:Authority={identityProvider.Authority}",
            $"--Fleet:Dashboard:SignIn:ClientId={FakeIdentityProvider.ClientId}",
            $"--Fleet:Dashboard:SignIn:Scope={FakeIdentityProvider.Scope}");
        identityProvider.AccessToken = await host.TokenAsync("dana@acme.example", "c-acme", "dispatcher");
        await using var browser = new Browser();
        await browser.InitializeAsync();
        var context = await browser.Chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        await page.GotoAsync(host.BaseAddress.ToString());
        await page.Locator("#sign-in-provider").ClickAsync();

        await Assertions.Expect(page.Locator("#connection-state")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync("dana@acme.example");
        Assert.Equal(1, identityProvider.TokensIssued);

        // Back on the dashboard's own address, with nothing of the exchange left in the URL or in storage.
        Assert.Equal(host.BaseAddress.ToString(), page.Url);
        var stored = await page.EvaluateAsync<string>("() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })");
        Assert.DoesNotContain(identityProvider.AccessToken, stored, StringComparison.Ordinal);
        Assert.Empty(errors);
        await context.DisposeAsync();
    }
}
