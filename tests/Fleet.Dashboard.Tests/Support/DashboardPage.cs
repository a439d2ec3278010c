using System.Globalization;
using Microsoft.Playwright;

namespace Fleet.Dashboard.Tests.Support;

/// <summary>
/// One browser context signed in to the dashboard, recording every console error, page error and failed request, as
/// a dispatcher's page would show them, and every realtime message it receives.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        Frames = new RealtimeFrames(page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => Record("page error: " + error);
        page.RequestFailed += (_, request) => Record($"request failed: {request.Method} {request.Url} {request.Failure}");
    }

    public IPage Page { get; }

    /// <summary>What the page was sent, from its first connection on.</summary>
    public RealtimeFrames Frames { get; }

    public ILocator Markers => Page.Locator(".vehicle-marker");

    public ILocator ConnectionState => Page.Locator("#connection-state");

    public ILocator Alerts => Page.Locator("#alerts li[data-alert-id]");

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Signs in through the URL, as demos and tests do, with that membership, and waits for the live connection.</summary>
    /// <param name="context">The browser's settings beyond the viewport, such as its time zone and locale.</param>
    /// <param name="drivenClock">
    /// The page's clock is the test's (<see cref="IPage.Clock"/>): it starts at the real time and runs on with it until the
    /// test moves it on, firing the page's timers as it goes.
    /// </param>
    public static async Task<DashboardPage> OpenAsync(
        Browser browser, Uri host, string userId, string companyId, string role = "dispatcher", BrowserNewContextOptions? context = null, bool drivenClock = false)
    {
        var dashboard = await OpenAtAsync(
            browser, host, $"/?user={Uri.EscapeDataString(userId)}&company={Uri.EscapeDataString(companyId)}&role={role}", context, drivenClock);
        await Assertions.Expect(dashboard.ConnectionState).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 10_000 });
        return dashboard;
    }

    /// <summary>
    /// Signs in through the URL as the user alone (their memberships decide what they see, as with a real identity
    /// provider's token), without waiting for anything: an operator without a company has no live connection.
    /// </summary>
    public static Task<DashboardPage> OpenAsUserAsync(Browser browser, Uri host, string userId, string query = "", BrowserNewContextOptions? context = null) =>
        OpenAtAsync(browser, host, $"/?user={Uri.EscapeDataString(userId)}{query}", context);

    /// <summary>Opens <paramref name="pathAndQuery"/> of the host (the sign-in page at "/"), without waiting for anything.</summary>
    public static async Task<DashboardPage> OpenAtAsync(
        Browser browser, Uri host, string pathAndQuery, BrowserNewContextOptions? context = null, bool drivenClock = false)
    {
        ArgumentNullException.ThrowIfNull(browser);
        context ??= new BrowserNewContextOptions();
        context.ViewportSize ??= new ViewportSize { Width = 1440, Height = 900 };
        var browserContext = await browser.Chromium.NewContextAsync(context);
        var page = await browserContext.NewPageAsync();
        var dashboard = new DashboardPage(browserContext, page);
        if (drivenClock)
        {
            // Before the page loads: its timers must be the fake clock's from the start.
            await page.Clock.InstallAsync();
        }

        await page.GotoAsync(new Uri(host, pathAndQuery).ToString());
        return dashboard;
    }

    /// <summary>
    /// The visible controls a screen reader could not name (no aria-label, text, label for it or around it), as the
    /// start of their markup: none is what an accessible page has.
    /// </summary>
    public async Task<IReadOnlyList<string>> UnnamedControlsAsync()
    {
        var unnamed = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('button, input, select, textarea, a[href]')]
              .filter(control => control.offsetParent !== null)
              .filter(control => !(control.getAttribute('aria-label') || control.textContent.trim() ||
                                   (control.id && document.querySelector(`label[for="${control.id}"]`)) || control.closest('label')))
              .map(control => control.outerHTML.slice(0, 120))
            """);
        return unnamed;
    }

    /// <summary>Where each marker says its vehicle is.</summary>
    public async Task<Dictionary<string, (double Latitude, double Longitude)>> MarkerPositionsAsync()
    {
        var positions = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var marker in await Markers.AllAsync())
        {
            var id = await marker.GetAttributeAsync("data-vehicle-id");
            var latitude = await marker.GetAttributeAsync("data-lat");
            var longitude = await marker.GetAttributeAsync("data-lon");
            positions[id!] = (double.Parse(latitude!, CultureInfo.InvariantCulture), double.Parse(longitude!, CultureInfo.InvariantCulture));
        }

        return positions;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
