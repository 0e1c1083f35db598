using System.Net;
using Microsoft.Playwright;
using ServiceDesk.Contracts.Identity.V1;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Browser;

/// <summary>
/// A browser keeps a page the user leaves in its back/forward cache and shows it again, as it was, on Back: without
/// asking the gateway. What the console showed then (a customer's name and address) must not outlive the session
/// or the customer.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BackForwardCacheTests(GatewayHosts hosts, Chromium chromium) : IClassFixture<Chromium>
{
    private string Console => hosts.Gateway.Endpoints.HttpUri.ToString();

    [Fact]
    public async Task Back_to_a_customer_s_page_after_a_sign_out_elsewhere_or_the_customer_s_removal_shows_neither_name_nor_address()
    {
        var project = await hosts.NewProjectAsync();
        var removedAddress = GatewayHosts.NewAddress("rhea");
        var keptAddress = GatewayHosts.NewAddress("kurt");
        var removed = await hosts.NewCustomerAsync("Rhea Removed", removedAddress, project);
        var kept = await hosts.NewCustomerAsync("Kurt Kept", keptAddress, project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        await using var browser = await chromium.LaunchWithBackForwardCacheAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Chromium.Desktop });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await ConsolePages.SignInAsync(page, Console, agent);

        // The customer is removed while the agent has gone to another page (here the API's document).
        await OpenCustomerThenLeaveAsync(page, removed.Id, removedAddress);
        using (var admin = await hosts.AdminClientAsync())
        {
            await admin.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures", new { customerId = removed.Id, mode = "anonymize", reason = "customer_request" });
        }

        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("not found", new() { IgnoreCase = true });
        await Assertions.Expect(page.GetByText(removedAddress)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Rhea Removed")).ToHaveCountAsync(0);

        // The agent signs out in another tab; on the shared machine, the next person presses Back. (A tab of its own:
        // Playwright waits for a load event that a page shown from the cache never fires.)
        page = await context.NewPageAsync();
        await OpenCustomerThenLeaveAsync(page, kept.Id, keptAddress);
        var other = await context.NewPageAsync();
        await other.GotoAsync(Console);
        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(other.GetByText("You are signed out.")).ToBeVisibleAsync();

        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(keptAddress)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Kurt Kept")).ToHaveCountAsync(0);
    }

    private async Task OpenCustomerThenLeaveAsync(IPage page, string customerId, string address)
    {
        await page.GotoAsync($"{Console}#/customers/{customerId}");
        await Assertions.Expect(page.GetByText(address)).ToBeVisibleAsync();
        await page.GotoAsync($"{Console}openapi/v1.json");
    }
}
