using Microsoft.Playwright;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Browser;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>, installed by deploy/local/prerequisites.sh) driven by Playwright,
/// headless; Playwright's own browser download is never used.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 860 };

    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots: beside the test assembly, under the test output.</summary>
    public static string ScreenshotDirectory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run deploy/local/prerequisites.sh (apt-get install -y chromium).");
        }

        // Generous, as the pages' own timeout below: an assertion's default is 5 s, and a page can take longer while CI
        // runs every test project at once on two cores. An assertion that holds returns as soon as it does.
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(LaunchOptions());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// A second browser, with the back/forward cache on as browsers ship it (Playwright turns it off by default); the
    /// caller disposes it.
    /// </summary>
    public async Task<IBrowser> LaunchWithBackForwardCacheAsync()
    {
        var options = LaunchOptions();
        options.IgnoreDefaultArgs = ["--disable-back-forward-cache"];
        return await _playwright!.Chromium.LaunchAsync(options);
    }

    private static BrowserTypeLaunchOptions LaunchOptions() => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    };

    /// <summary>A fresh browser context (its own cookies) at the viewport, with a page on it.</summary>
    public async Task<IPage> NewPageAsync(ViewportSize viewport)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport });
        // Generous: CI runs every test project at once on two cores.
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }
}
