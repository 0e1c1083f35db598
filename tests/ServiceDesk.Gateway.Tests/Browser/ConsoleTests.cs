using Microsoft.Playwright;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Browser;

[Collection(GatewayCollection.Name)]
public sealed class ConsoleTests(GatewayHosts hosts, Chromium chromium) : IClassFixture<Chromium>
{
    private string Console => hosts.Gateway.Endpoints.HttpUri.ToString();

    [Fact]
    public async Task An_agent_signs_in_picks_reporter_and_participant_as_they_type_and_creates_a_request()
    {
        var project = await hosts.NewProjectAsync();
        var reporterAddress = GatewayHosts.NewAddress("rita");
        var participantAddress = GatewayHosts.NewAddress("paula");
        await hosts.NewCustomerAsync("Rita Reporter", reporterAddress, project);
        await hosts.NewCustomerAsync("Paula Participant", participantAddress, project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        var page = await chromium.NewPageAsync(Chromium.Desktop);

        await SignInAsync(page, agent);
        await page.GotoAsync($"{Console}#/new-request");
        await PickAsync(page, "Reporter", reporterAddress[..6], "Rita Reporter");
        await PickAsync(page, "Request participants", participantAddress[..7], "Paula Participant");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Chosen participants" })).ToContainTextAsync("Paula Participant");
        await page.GetByLabel("Summary").FillAsync("Printer on fire");
        await page.GetByLabel("Description").FillAsync("It smokes.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create request" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/tickets/{project}-1$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"{project}-1: Printer on fire");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Participants" })).ToContainTextAsync("Paula Participant");
        Assert.DoesNotContain("@", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_picker_is_keyboard_navigable_and_an_answer_for_an_older_prefix_never_replaces_a_newer_one()
    {
        var (page, agent, domain) = await AnnaAndAntonAsync();
        // The answer for "an" is held back until the one for "ant" has been shown, and only then reaches the page.
        var olderAsked = new TaskCompletionSource();
        var newerShown = new TaskCompletionSource();
        var olderDone = new TaskCompletionSource();
        page.RequestFinished += (_, request) => { if (IsOlder(request)) olderDone.TrySetResult(); };
        page.RequestFailed += (_, request) => { if (IsOlder(request)) olderDone.TrySetResult(); };
        await page.RouteAsync("**/api/v1/customers/suggestions", async route =>
        {
            if (IsOlder(route.Request))
            {
                olderAsked.TrySetResult();
                await newerShown.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }

            await route.ContinueAsync();
        });

        await SignInAsync(page, agent);
        await page.GotoAsync($"{Console}#/new-request");
        var reporter = page.GetByRole(AriaRole.Combobox, new() { Name = "Reporter" });
        // Seen where it is held, as in the test below.
        await reporter.PressSequentiallyAsync("an");
        await olderAsked.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await reporter.PressSequentiallyAsync("t");
        var options = page.GetByRole(AriaRole.Listbox, new() { Name = "Reporter suggestions" }).GetByRole(AriaRole.Option);
        await Assertions.Expect(options).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Anton Later")]);
        newerShown.SetResult();
        await olderDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Assertions.Expect(options).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Anton Later")]);

        await reporter.PressAsync("ArrowDown");
        await Assertions.Expect(reporter).ToHaveAttributeAsync("aria-activedescendant", new System.Text.RegularExpressions.Regex("-0$"));
        await reporter.PressAsync("Enter");
        await Assertions.Expect(reporter).ToHaveValueAsync($"Anton Later <anton@{domain}>");
        await Assertions.Expect(reporter).ToHaveAttributeAsync("aria-expanded", "false");
    }

    [Fact]
    public async Task A_highlighted_suggestion_stays_highlighted_when_a_newer_answer_still_offers_it()
    {
        var (page, agent, domain) = await AnnaAndAntonAsync();
        // The answer for "ann" is held back until the user has moved to a suggestion of the answer before it.
        var newerAsked = new TaskCompletionSource();
        var highlighted = new TaskCompletionSource();
        await page.RouteAsync("**/api/v1/customers/suggestions", async route =>
        {
            if (IsFor(route.Request, "ann"))
            {
                newerAsked.TrySetResult();
                await highlighted.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }

            await route.ContinueAsync();
        });

        await SignInAsync(page, agent);
        await page.GotoAsync($"{Console}#/new-request");
        var reporter = page.GetByRole(AriaRole.Combobox, new() { Name = "Reporter" });
        var options = page.GetByRole(AriaRole.Listbox, new() { Name = "Reporter suggestions" }).GetByRole(AriaRole.Option);
        await reporter.PressSequentiallyAsync("an");
        await Assertions.Expect(options).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Anna Early"), new System.Text.RegularExpressions.Regex("Anton Later")]);
        await reporter.PressSequentiallyAsync("n");
        await newerAsked.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await reporter.PressAsync("ArrowDown");
        await Assertions.Expect(reporter).ToHaveAttributeAsync("aria-activedescendant", new System.Text.RegularExpressions.Regex("-0$"));
        highlighted.SetResult();

        // The held answer offers Anna alone: shown, it has replaced the two suggestions the user moved among.
        await Assertions.Expect(options).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Anna Early")]);
        await Assertions.Expect(reporter).ToHaveAttributeAsync("aria-activedescendant", new System.Text.RegularExpressions.Regex("-0$"));
        await reporter.PressAsync("Enter");
        await Assertions.Expect(reporter).ToHaveValueAsync($"Anna Early <anna@{domain}>");
    }

    [Fact]
    public async Task A_page_whose_answer_arrives_after_the_user_moved_on_neither_replaces_the_next_page_nor_takes_its_focus()
    {
        var project = await hosts.NewProjectAsync();
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        var page = await chromium.NewPageAsync(Chromium.Desktop);
        var ticketUrl = $"/api/v1/tickets/{project}-404";
        var asked = new TaskCompletionSource();
        var movedOn = new TaskCompletionSource();
        await page.RouteAsync($"**{ticketUrl}", async route =>
        {
            asked.TrySetResult();
            await movedOn.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await route.ContinueAsync();
        });
        await SignInAsync(page, agent);
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });

        await page.GotoAsync($"{Console}#/tickets/{project}-404");
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await page.GotoAsync($"{Console}#/new-request");
        await Assertions.Expect(heading).ToHaveTextAsync("New request");
        var reporter = page.GetByRole(AriaRole.Combobox, new() { Name = "Reporter" });
        await reporter.FocusAsync();
        // The ticket's answer (a 404) reaches the page only now, and the page's code has run on it once the next
        // timer and frame have.
        await page.RunAndWaitForResponseAsync(() => { movedOn.SetResult(); return Task.CompletedTask; }, response => response.Url.EndsWith(ticketUrl, StringComparison.Ordinal));
        await page.EvaluateAsync("() => new Promise(resolve => setTimeout(() => requestAnimationFrame(() => setTimeout(resolve, 0)), 0))");

        await Assertions.Expect(heading).ToHaveTextAsync("New request");
        await Assertions.Expect(reporter).ToBeVisibleAsync();
        // Typing goes on where the user was: the late page once moved the focus to the page's main area, and the
        // picker tests' keystrokes were lost on a loaded machine.
        await Assertions.Expect(reporter).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_picker_asks_once_for_what_is_typed_within_its_debounce()
    {
        var project = await hosts.NewProjectAsync();
        var address = GatewayHosts.NewAddress("dora");
        await hosts.NewCustomerAsync("Dora Debounce", address, project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        var page = await chromium.NewPageAsync(Chromium.Desktop);
        var asked = new List<string>();
        page.Request += (_, request) => { if (request.Url.EndsWith("/api/v1/customers/suggestions", StringComparison.Ordinal)) asked.Add(request.PostData ?? string.Empty); };
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await page.Clock.InstallAsync(new() { TimeDate = start });
        await SignInAsync(page, agent);
        await page.GotoAsync($"{Console}#/new-request");
        var reporter = page.GetByRole(AriaRole.Combobox, new() { Name = "Reporter" });
        await Assertions.Expect(reporter).ToBeVisibleAsync();

        // With the page's clock stopped, however slowly the keys arrive, no debounce runs out between them.
        await page.Clock.PauseAtAsync(start.AddDays(1));
        await reporter.PressSequentiallyAsync(address[..5]);
        var whileTyping = asked.Count;
        await page.Clock.RunForAsync(100);
        var beforeDebounce = asked.Count;
        await page.Clock.RunForAsync(150);

        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { NameRegex = new System.Text.RegularExpressions.Regex("Dora Debounce") })).ToBeVisibleAsync();
        Assert.Equal((0, 0), (whileTyping, beforeDebounce));
        Assert.Equal([$"\"text\":\"{address[..5]}\""], asked.Select(body => System.Text.RegularExpressions.Regex.Match(body, "\"text\":\"[^\"]*\"").Value));
    }

    [Fact]
    public async Task Every_failure_is_shown_in_the_page_a_wrong_password_and_a_service_that_is_not_there_yet()
    {
        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await page.GotoAsync(Console);
        await page.GetByLabel("Login (e-mail address)").FillAsync(IdentityTestHost.AdminLogin);
        await page.GetByLabel("Password").FillAsync("wrong password, surely");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Last).ToContainTextAsync("Sign-in required");

        await SignInAsync(page, IdentityTestHost.AdminLogin);
        await page.GotoAsync($"{Console}#/erasures");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Erasures" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_customer_sees_the_other_customers_on_their_request_by_name_without_their_address()
    {
        var project = await hosts.NewProjectAsync();
        var rita = await hosts.NewCustomerAsync("Rita Reporter", GatewayHosts.NewAddress("rita"), project);
        var paulaAddress = GatewayHosts.NewAddress("paula");
        var paula = await hosts.NewCustomerAsync("Paula Participant", paulaAddress, project);
        var otto = await hosts.NewCustomerAsync("Otto Other", GatewayHosts.NewAddress("otto"), project);
        var customer = await hosts.NewAccountAsync(Role.Customer, rita.Id);
        using (var admin = await hosts.AdminClientAsync())
        {
            await admin.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets",
                new { projectKey = project, reporterCustomerId = rita.Id, summary = "Printer on fire" });
            await admin.ExpectAsync(System.Net.HttpStatusCode.OK, HttpMethod.Put, $"/api/v1/tickets/{project}-1/participants/{paula.Id}");
            await admin.ExpectAsync(System.Net.HttpStatusCode.OK, HttpMethod.Put, $"/api/v1/tickets/{project}-1/participants/{otto.Id}");
        }

        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(page, customer);
        await page.GotoAsync($"{Console}#/tickets/{project}-1");

        var participants = page.GetByRole(AriaRole.List, new() { Name = "Participants" });
        await Assertions.Expect(participants).ToContainTextAsync("Paula Participant");
        Assert.DoesNotContain(paulaAddress, await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<>", await participants.InnerTextAsync(), StringComparison.Ordinal);
        // The reporter may remove anyone; a participant only themselves, and is offered nothing else.
        await Assertions.Expect(participants.GetByRole(AriaRole.Button)).ToHaveCountAsync(2);

        var asPaula = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(asPaula, await hosts.NewAccountAsync(Role.Customer, paula.Id));
        await asPaula.GotoAsync($"{Console}#/tickets/{project}-1");
        var paulaSees = asPaula.GetByRole(AriaRole.List, new() { Name = "Participants" });
        await Assertions.Expect(paulaSees).ToContainTextAsync("Otto Other");
        await Assertions.Expect(paulaSees.GetByRole(AriaRole.Button, new() { Name = "Remove Otto Other" })).ToHaveCountAsync(0);
        await Assertions.Expect(paulaSees.GetByRole(AriaRole.Button, new() { Name = "Remove Paula Participant" })).ToHaveCountAsync(1);
    }

    /// <summary>
    /// The console showed no comment's author. It names each as the API names them to the reader: agents see a customer by
    /// name and staff by account; customers see staff by the operator's one name for them, never by account.
    /// </summary>
    [Fact]
    public async Task Each_comment_names_its_author_to_agents_and_to_customers_as_the_API_names_them()
    {
        var project = await hosts.NewProjectAsync();
        var rita = await hosts.NewCustomerAsync("Rita Reporter", GatewayHosts.NewAddress("rita"), project);
        var paula = await hosts.NewCustomerAsync("Paula Participant", GatewayHosts.NewAddress("paula"), project);
        var customer = await hosts.NewAccountAsync(Role.Customer, rita.Id);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        string colleagueAccount;
        using (var admin = await hosts.AdminClientAsync())
        using (var colleague = await hosts.SignedInAsync(Role.Agent, null, project))
        using (var asPaula = await hosts.SignedInAsync(Role.Customer, paula.Id))
        using (var asRita = hosts.NewClient())
        {
            await admin.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets", new { projectKey = project, reporterCustomerId = rita.Id, summary = "Printer on fire" });
            await admin.ExpectAsync(System.Net.HttpStatusCode.OK, HttpMethod.Put, $"/api/v1/tickets/{project}-1/participants/{paula.Id}");
            await colleague.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, $"/api/v1/tickets/{project}-1/comments", new { body = "On our way." });
            colleagueAccount = (await colleague.ExpectAsync(System.Net.HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me")).GetProperty("id").GetString()!;
            await asPaula.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, $"/api/v1/tickets/{project}-1/comments", new { body = "Mine smokes too." });
            await asRita.SignInAsync(customer);
            await asRita.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, $"/api/v1/tickets/{project}-1/comments", new { body = "Thanks." });
        }

        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(page, agent);
        await page.GotoAsync($"{Console}#/tickets/{project}-1");
        await page.GetByLabel("Add a comment").FillAsync("Fixed.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Comment" }).ClickAsync();
        var authors = page.Locator("ul.comments > li .author");
        await Assertions.Expect(authors).ToHaveTextAsync([$"Staff account {colleagueAccount}", "Paula Participant", "Rita Reporter", "You"]);
        await ConsolePages.ShotAsync(page, "agent-ticket-comments-desktop");

        var portal = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(portal, customer);
        await portal.GotoAsync($"{Console}#/tickets/{project}-1");
        await Assertions.Expect(portal.Locator("ul.comments > li .author")).ToHaveTextAsync(["Support team", "Paula Participant", "You", "Support team"]);
        await ConsolePages.ShotAsync(portal, "customer-ticket-comments-desktop");
        Assert.DoesNotContain(colleagueAccount, await portal.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_rejects_a_customers_own_removal_request_with_a_reason_by_keyboard()
    {
        var project = await hosts.NewProjectAsync();
        var rob = await hosts.NewCustomerAsync("Rob Requester", GatewayHosts.NewAddress("rob"), project);
        using (var customer = await hosts.SignedInAsync(Role.Customer, rob.Id))
        {
            await customer.ExpectAsync(System.Net.HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/me/removal-request", new { mode = "anonymize" });
        }

        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(page, IdentityTestHost.AdminLogin);
        await page.GotoAsync($"{Console}#/erasures");
        var row = page.Locator("tbody tr").Filter(new() { HasText = rob.Id });
        await Assertions.Expect(row).ToContainTextAsync("awaiting approval");
        await row.GetByRole(AriaRole.Button, new() { Name = "Reject" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var reason = row.GetByLabel("Rejection reason");
        await Assertions.Expect(reason).ToBeFocusedAsync();
        await reason.SelectOptionAsync("legal_hold");
        await ConsolePages.ShotAsync(page, "admin-reject-removal-request-desktop");
        await row.GetByRole(AriaRole.Button, new() { Name = "Confirm rejection" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(row).ToContainTextAsync("rejected");
        await Assertions.Expect(row).ToContainTextAsync("reason: legal hold");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        // Nothing was asked of any service, and nothing is due.
        await Assertions.Expect(row).ToContainTextAsync("identity: not started");
        await Assertions.Expect(row).Not.ToContainTextAsync("pending");
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("—");
    }

    [Fact]
    public async Task An_admin_reinstates_a_removed_customer_s_addresses_with_a_reason_by_keyboard()
    {
        var project = await hosts.NewProjectAsync();
        var rita = await hosts.NewCustomerAsync("Rita Returning", GatewayHosts.NewAddress("rita"), project);
        using (var admin = await hosts.AdminClientAsync())
        {
            await admin.ExpectAsync(System.Net.HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures", new { customerId = rita.Id, mode = "anonymize", reason = "contact_moved" });
        }

        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(page, IdentityTestHost.AdminLogin);
        await page.GotoAsync($"{Console}#/erasures");
        var row = page.Locator("tbody tr").Filter(new() { HasText = rita.Id });
        await row.GetByRole(AriaRole.Button, new() { Name = "Reinstate addresses" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var reason = row.GetByLabel("Reinstatement reason");
        await Assertions.Expect(reason).ToBeFocusedAsync();
        await reason.SelectOptionAsync("removed_in_error");
        await row.GetByRole(AriaRole.Button, new() { Name = "Confirm reinstatement" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(row).ToContainTextAsync("addresses reinstated: removed in error");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Reinstate addresses" })).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Disabling the button pressed, or drawing the page again, dropped a keyboard user's focus to the document's start:
    /// after a comment or a status change, and every 3 s on the erasures page, whatever they had tabbed to.
    /// </summary>
    [Fact]
    public async Task After_an_action_or_a_refresh_the_focus_stays_where_the_keyboard_user_works()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane Focus", GatewayHosts.NewAddress("jane"), project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        var gone = await hosts.NewCustomerAsync("Gone Focus", GatewayHosts.NewAddress("gone"), project);
        using (var admin = await hosts.AdminClientAsync())
        {
            await admin.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets", new { projectKey = project, reporterCustomerId = jane.Id, summary = "Keyboard only" });
            await admin.ExpectAsync(System.Net.HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/erasures", new { customerId = gone.Id, mode = "anonymize", reason = "contact_moved" });
        }

        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(page, agent);
        await page.GotoAsync($"{Console}#/tickets/{project}-1");
        var comment = page.GetByLabel("Add a comment");
        await comment.FillAsync("Seen.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Comment" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.List).Filter(new() { HasText = "Seen." })).ToBeVisibleAsync();
        await Assertions.Expect(comment).ToBeFocusedAsync();
        await page.Locator("#ticket-status").SelectOptionAsync("in_progress");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change status" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("in progress");
        await Assertions.Expect(page.Locator("#ticket-status")).ToBeFocusedAsync();

        var adminPage = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(adminPage, IdentityTestHost.AdminLogin);
        await adminPage.GotoAsync($"{Console}#/erasures");
        var row = adminPage.Locator("tbody tr").Filter(new() { HasText = gone.Id });
        await row.GetByRole(AriaRole.Button, new() { Name = "Evidence" }).FocusAsync();
        // Two refreshes later (each draws the table anew), the focus is still on that row's button.
        for (var refresh = 0; refresh < 2; refresh++)
        {
            await adminPage.WaitForResponseAsync(response => response.Url.Contains("/api/v1/erasures?", StringComparison.Ordinal));
        }

        await adminPage.EvaluateAsync("() => new Promise(resolve => setTimeout(resolve, 100))");
        await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = "Evidence" })).ToBeFocusedAsync();
    }

    /// <summary>The reason is recorded in the signed evidence: it was preset to "The customer asked", which one confirm recorded unread.</summary>
    [Fact]
    public async Task A_removal_is_not_confirmed_until_the_admin_has_chosen_its_reason()
    {
        var project = await hosts.NewProjectAsync();
        var sam = await hosts.NewCustomerAsync("Sam Reasoned", GatewayHosts.NewAddress("sam"), project);
        var page = await chromium.NewPageAsync(Chromium.Desktop);
        var removals = 0;
        page.Request += (_, request) => { if (request.Method == "POST" && request.Url.EndsWith("/api/v1/erasures", StringComparison.Ordinal)) removals++; };
        await SignInAsync(page, IdentityTestHost.AdminLogin);
        await page.GotoAsync($"{Console}#/customers/{sam.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove customer" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var reason = page.GetByLabel("Reason");
        await Assertions.Expect(reason).ToHaveValueAsync("");

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm removal" }).ClickAsync();
        Assert.True(await reason.EvaluateAsync<bool>("select => !select.validity.valid"));
        await reason.SelectOptionAsync("account_closed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm removal" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/erasures$"));
        await Assertions.Expect(page.Locator("tbody tr").Filter(new() { HasText = sam.Id })).ToContainTextAsync("account closed");
        Assert.Equal(1, removals);
    }

    /// <summary>
    /// A customer once saw their request only in the answer to asking; back on "Delete my data" the form was offered
    /// again, and asking again said "… (AwaitingApproval)". Now the page lists their requests, in words.
    /// </summary>
    [Fact]
    public async Task A_customer_sees_their_own_removal_requests_status_and_a_rejections_reason_on_delete_my_data()
    {
        var project = await hosts.NewProjectAsync();
        var rob = await hosts.NewCustomerAsync("Rob Requester", GatewayHosts.NewAddress("rob"), project);
        var customer = await hosts.NewAccountAsync(Role.Customer, rob.Id);
        using (var own = hosts.NewClient())
        using (var admin = await hosts.AdminClientAsync())
        {
            await own.SignInAsync(customer);
            var asked = await own.ExpectAsync(System.Net.HttpStatusCode.Accepted, HttpMethod.Post, "/api/v1/me/removal-request", new { mode = "anonymize" });
            await admin.ExpectAsync(System.Net.HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/erasures/{asked.GetProperty("id").GetString()}/rejection", new { reason = "legal_hold" });
        }

        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await SignInAsync(page, customer);
        await page.GotoAsync($"{Console}#/delete-my-data");
        var requests = page.GetByRole(AriaRole.Region, new() { Name = "Your requests" }).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(requests).ToHaveCountAsync(1);
        await Assertions.Expect(requests.First).ToContainTextAsync("rejected, because a legal hold applies to your data.");

        // Rejected, they may ask again; the new request shows at once, and while it is open no second one is offered.
        await page.GetByLabel("I understand that this cannot be undone.").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete my data" }).ClickAsync();
        await Assertions.Expect(requests).ToHaveCountAsync(2);
        await Assertions.Expect(requests.First).ToContainTextAsync("waiting for an administrator's approval");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your requests" })).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete my data" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("you can ask again once it has been decided")).ToBeVisibleAsync();
        Assert.DoesNotContain("AwaitingApproval", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
    }

    /// <summary>The console has no forms for projects: an admin without one was told that "an admin creates projects".</summary>
    [Fact]
    public async Task An_admin_with_no_project_yet_is_pointed_at_the_API_that_creates_one()
    {
        var page = await chromium.NewPageAsync(Chromium.Desktop);
        await page.RouteAsync(new System.Text.RegularExpressions.Regex("/api/v1/projects\\?"), route => route.FulfillAsync(new() { ContentType = "application/json", Body = "{\"items\":[],\"nextPageToken\":\"\"}" }));
        await SignInAsync(page, IdentityTestHost.AdminLogin);
        await page.GotoAsync($"{Console}#/tickets");

        var notice = page.Locator("main .notice");
        await Assertions.Expect(notice).ToContainTextAsync("There is no project yet");
        await Assertions.Expect(notice.GetByRole(AriaRole.Link, new() { Name = "API reference" })).ToHaveAttributeAsync("href", "/scalar");
        await Assertions.Expect(notice).Not.ToContainTextAsync("An admin creates projects");
    }

    [Fact]
    public async Task Screenshots_of_the_main_pages_at_desktop_and_phone_width()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane Customer", GatewayHosts.NewAddress("jane"), project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        var customer = await hosts.NewAccountAsync(Role.Customer, jane.Id);
        using (var admin = await hosts.AdminClientAsync())
        {
            await admin.ExpectAsync(System.Net.HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets",
                new { projectKey = project, reporterCustomerId = jane.Id, summary = "The VPN drops every hour", description = "Since Monday." });
        }

        var saved = new List<string>();
        foreach (var (width, viewport) in new[] { ("desktop", Chromium.Desktop), ("phone", Chromium.Phone) })
        {
            var page = await chromium.NewPageAsync(viewport);
            await page.GotoAsync(Console);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
            saved.Add(await ConsolePages.ShotAsync(page, $"sign-in-{width}"));
            await SignInAsync(page, agent);
            foreach (var (name, route, ready) in new[]
            {
                ("tickets", "#/tickets", "The VPN drops every hour"),
                ("ticket", $"#/tickets/{project}-1", "Comments"),
                ("new-request", "#/new-request", "Request participants"),
                ("customers", "#/customers", "Jane Customer"),
                ("customer", $"#/customers/{jane.Id}", "Requests reported"),
            })
            {
                await page.GotoAsync(Console + route);
                await Assertions.Expect(page.GetByText(ready).First).ToBeVisibleAsync();
                saved.Add(await ConsolePages.ShotAsync(page, $"agent-{name}-{width}"));
            }

            var adminPage = await chromium.NewPageAsync(viewport);
            await adminPage.GotoAsync(Console);
            await SignInAsync(adminPage, IdentityTestHost.AdminLogin);
            await adminPage.GotoAsync($"{Console}#/customers/{jane.Id}");
            await adminPage.GetByRole(AriaRole.Button, new() { Name = "Remove customer" }).ClickAsync();
            saved.Add(await ConsolePages.ShotAsync(adminPage, $"admin-remove-customer-{width}"));
            await adminPage.GotoAsync($"{Console}#/erasures");
            await Assertions.Expect(adminPage.GetByRole(AriaRole.Heading, new() { Name = "Erasures" })).ToBeVisibleAsync();
            saved.Add(await ConsolePages.ShotAsync(adminPage, $"admin-erasures-{width}"));

            var customerPage = await chromium.NewPageAsync(viewport);
            await customerPage.GotoAsync(Console);
            await SignInAsync(customerPage, customer);
            await Assertions.Expect(customerPage.GetByText("The VPN drops every hour")).ToBeVisibleAsync();
            saved.Add(await ConsolePages.ShotAsync(customerPage, $"customer-my-requests-{width}"));
            await customerPage.GotoAsync($"{Console}#/delete-my-data");
            await Assertions.Expect(customerPage.GetByRole(AriaRole.Button, new() { Name = "Delete my data" })).ToBeVisibleAsync();
            saved.Add(await ConsolePages.ShotAsync(customerPage, $"customer-delete-my-data-{width}"));

            // Usable at phone width: nothing wider than the viewport.
            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, $"the page scrolls sideways at {width} width");
        }

        Assert.All(saved, path => Assert.True(new FileInfo(path).Length > 1000, path));
    }

    /// <summary>A project with customers Anna Early and Anton Later (at addresses in a new domain) and a page for its agent.</summary>
    private async Task<(IPage Page, string Agent, string Domain)> AnnaAndAntonAsync()
    {
        var project = await hosts.NewProjectAsync();
        var domain = $"{Guid.NewGuid():N}.example";
        await hosts.NewCustomerAsync("Anna Early", $"anna@{domain}", project);
        await hosts.NewCustomerAsync("Anton Later", $"anton@{domain}", project);
        var agent = await hosts.NewAccountAsync(Role.Agent, null, project);
        return (await chromium.NewPageAsync(Chromium.Desktop), agent, domain);
    }

    private static bool IsOlder(IRequest request) => IsFor(request, "an");

    private static bool IsFor(IRequest request, string text) =>
        request.Url.EndsWith("/api/v1/customers/suggestions", StringComparison.Ordinal) && request.PostData?.Contains($"\"text\":\"{text}\"", StringComparison.Ordinal) == true;

    private Task SignInAsync(IPage page, string login) => ConsolePages.SignInAsync(page, Console, login);

    /// <summary>Types the start of an address into a picker, waits to be offered the customer, and takes it with the keyboard.</summary>
    private static async Task PickAsync(IPage page, string picker, string typed, string offered)
    {
        var input = page.GetByRole(AriaRole.Combobox, new() { Name = picker });
        await input.PressSequentiallyAsync(typed, new() { Delay = 40 });
        var option = page.GetByRole(AriaRole.Listbox, new() { Name = $"{picker} suggestions" }).GetByRole(AriaRole.Option, new() { Name = offered });
        await Assertions.Expect(option).ToBeVisibleAsync();
        await input.PressAsync("ArrowDown");
        await input.PressAsync("Enter");
    }
}
