using Microsoft.Playwright;
using ServiceDesk.Testing;

namespace ServiceDesk.Gateway.Tests.Browser;

/// <summary>What the browser tests do on every console page: sign in, save a screenshot.</summary>
public static class ConsolePages
{
    public static async Task SignInAsync(IPage page, string console, string login)
    {
        if (!page.Url.StartsWith(console, StringComparison.Ordinal))
        {
            await page.GotoAsync(console);
        }

        await page.GetByLabel("Login (e-mail address)").FillAsync(login);
        await page.GetByLabel("Password").FillAsync(IdentityTestHost.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>A full-page screenshot under <see cref="Chromium.ScreenshotDirectory"/>; returns its path.</summary>
    public static async Task<string> ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(Chromium.ScreenshotDirectory, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }
}
