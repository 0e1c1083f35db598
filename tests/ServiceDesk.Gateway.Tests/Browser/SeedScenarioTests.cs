using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Browser;

/// <summary>
/// Issue 12's seed scenario in the console, against the gateway and the four real services: the picker offers the
/// customer's old address; an admin previews and removes the customer; the picker offers it no more; the
/// erasures page shows every service done; the customer's own session has ended. About 15 s on a quiet machine.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SeedScenarioTests(GatewayHosts hosts, Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly string[] Participants = ["directory", "identity", "notification", "ticketing"];

    private string Console => hosts.Gateway.Endpoints.HttpUri.ToString();

    [Fact]
    public async Task An_admin_removes_a_customer_the_picker_forgets_the_old_address_every_service_is_done_and_the_customers_session_ends()
    {
        var project = await hosts.NewProjectAsync();
        var oldAddress = GatewayHosts.NewAddress("olga");
        var olga = await hosts.NewCustomerAsync("Olga Oldaddress", oldAddress, project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        var customerLogin = await hosts.NewAccountAsync(Role.Customer, olga.Id);
        using (var staff = await hosts.AdminClientAsync())
        {
            await staff.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets",
                new { projectKey = project, reporterCustomerId = olga.Id, summary = "Printer on fire" });
        }

        var customer = await chromium.NewPageAsync(Chromium.Desktop);
        await ConsolePages.SignInAsync(customer, Console, customerLogin);
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "My requests" })).ToBeVisibleAsync();

        // The agent starts typing the old address and is offered the customer.
        var agentPage = await chromium.NewPageAsync(Chromium.Desktop);
        await ConsolePages.SignInAsync(agentPage, Console, agent);
        await agentPage.GotoAsync($"{Console}#/new-request");
        var picker = agentPage.GetByRole(AriaRole.Combobox, new() { Name = "Request participants" });
        var offered = agentPage.GetByRole(AriaRole.Listbox, new() { Name = "Request participants suggestions" }).GetByRole(AriaRole.Option);
        await picker.PressSequentiallyAsync(oldAddress[..6], new() { Delay = 40 });
        await Assertions.Expect(offered).ToHaveTextAsync([new Regex("Olga Oldaddress")]);

        // The admin previews what each service will do, then removes the customer.
        var admin = await chromium.NewPageAsync(Chromium.Desktop);
        await ConsolePages.SignInAsync(admin, Console, IdentityTestHost.AdminLogin);
        await admin.GotoAsync($"{Console}#/customers/{olga.Id}");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Remove customer" }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var preview = admin.GetByRole(AriaRole.Table, new() { Name = "What each service will do" }).Locator("tbody tr");
        await Assertions.Expect(preview).ToHaveCountAsync(Participants.Length);
        await Assertions.Expect(preview.Filter(new() { HasText = "Could not be asked" })).ToHaveCountAsync(0);
        await ConsolePages.ShotAsync(admin, "seed-removal-preview-desktop");
        await admin.GetByLabel("Reason").SelectOptionAsync("contact_moved");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Confirm removal" }).ClickAsync();

        // The erasures page shows each service's progress until all four are done (it refreshes every 3 s).
        await Assertions.Expect(admin).ToHaveURLAsync(new Regex("#/erasures$"));
        var row = admin.Locator("tbody tr").Filter(new() { HasText = olga.Id });
        await Assertions.Expect(row).ToContainTextAsync("completed", new() { Timeout = 90_000 });
        foreach (var service in Participants)
        {
            await Assertions.Expect(row).ToContainTextAsync($"{service}: done");
        }

        await ConsolePages.ShotAsync(admin, "seed-erasures-completed-desktop");

        // The picker offers the old address no more.
        await picker.FillAsync(string.Empty);
        await picker.PressSequentiallyAsync(oldAddress[..6], new() { Delay = 40 });
        await Assertions.Expect(agentPage.Locator($"#{await picker.GetAttributeAsync("aria-describedby")}")).ToHaveTextAsync("No matching customer.");
        await Assertions.Expect(offered).ToHaveCountAsync(0);

        // Her request names her by the same pseudonym in the list and on its page.
        await agentPage.GotoAsync($"{Console}#/tickets");
        var pseudonym = new Regex("^Former customer [0-9A-F]{4}$");
        await Assertions.Expect(agentPage.Locator("tbody tr").Filter(new() { HasText = $"{project}-1" }).Locator("td").Nth(3)).ToHaveTextAsync(pseudonym);
        await agentPage.GotoAsync($"{Console}#/tickets/{project}-1");
        await Assertions.Expect(agentPage.Locator("dt:text-is('Reporter') + dd")).ToHaveTextAsync(pseudonym);

        // The customer's session, signed in before the removal, no longer works.
        await customer.ReloadAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "My requests" })).ToHaveCountAsync(0);
        Assert.All(new[] { customer.Url, agentPage.Url, admin.Url }, url => Assert.DoesNotContain("@", url, StringComparison.Ordinal));
    }
}
