using Microsoft.Playwright;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Browser;

/// <summary>
/// The API reference (/scalar) shares the console's origin: a script running there reads the CSRF cookie and calls the
/// API with the signed-in user's session. Only the scripts the gateway wrote into the page may run.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ReferencePageTests(GatewayHosts hosts, Chromium chromium) : IClassFixture<Chromium>
{
    private string Console => hosts.Gateway.Endpoints.HttpUri.ToString();

    [Fact]
    public async Task The_reference_page_renders_and_an_inline_script_injected_into_it_does_not_run()
    {
        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await ConsolePages.SignInAsync(page, Console, IdentityTestHost.AdminLogin);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        var reference = await page.GotoAsync($"{Console}scalar/");
        Assert.Equal(200, reference?.Status);
        // Scalar's own inline start-up script ran: the bundle rendered the document's operations.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "post /api/v1/accounts", Exact = true })).ToBeVisibleAsync();
        // Nor did it ask for anything the policy refuses (its default fonts come from its CDN).
        Assert.Empty(errors);

        // What markup injected into the page would do: an inline script reading the CSRF cookie.
        try
        {
            await page.AddScriptTagAsync(new() { Content = "window.injected = document.cookie;" });
        }
        catch (PlaywrightException)
        {
            // Refused by the policy: what the assertion below checks.
        }

        Assert.True(await page.EvaluateAsync<bool>("() => window.injected === undefined"), "an injected inline script ran on the reference page");
    }
}
