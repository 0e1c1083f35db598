using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// A portal customer names themselves after the commonest words of other people's tickets and letters, or after
/// another customer, asks to be removed, and an admin approves: their own ticket loses the name, nobody else's ticket
/// changes and nobody else's letter is cancelled.
/// </summary>
public sealed class SelfChosenNameTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Theory]
    [InlineData("the")]
    [InlineData("Request received")]
    public async Task A_customer_named_like_common_words_takes_no_one_else_s_text_or_letter_with_them(string chosenName)
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var mallory = await NewCustomerAsync($"mallory.{unique}@example.org", "Mallory Example", project);
        var bob = await NewCustomerAsync($"bob.{unique}@example.org", "Bob Stays", project);
        // Bob's mail server is down: his letter waits in the queue with its message, as a letter naming someone would.
        await _system.Smtp.StopAsync();
        var own = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = mallory.Id, Summary = $"Mallory: {chosenName} VPN", Description = "Mine." }, agent);
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = "The printer on the third floor", Description = "The toner is out, then the paper." }, agent);
        await _system.WaitForQueuedLetterAsync(bob.Id, "Bob's");

        var asMallory = await _system.NewSignedInAsync(Role.Customer, mallory.Id);
        await _system.RenameAsThemselvesAsync(mallory.Id, asMallory, chosenName, own.Id, agent);
        await _system.RemoveAtTheirRequestAsync(asMallory);

        await AssertUnchangedAsync(agent, bobs);
        await AssertLetterStaysAsync(bob.Id);
        await _system.Smtp.StartAgainAsync();
        await Eventually.WaitForAsync(() => _system.Smtp.MessagesTo(bob.Address).Count == 1, "Bob's letter to go out once his mail server is back", TimeSpan.FromSeconds(60));
        var ownAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = own.Id }, agent);
        Assert.DoesNotContain(chosenName, ownAfter.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Mallory: Former customer", ownAfter.Summary, StringComparison.Ordinal);
    }

    /// <summary>Two words, held by few other tickets: not a common phrase, and still not the customer's to take away.</summary>
    [Fact]
    public async Task A_customer_who_names_themselves_like_someone_else_takes_none_of_their_tickets_or_letters_with_them()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var janesName = $"Jane R{unique}";
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var jane = await NewCustomerAsync($"jane.{unique}@example.org", janesName, project);
        var mallory = await NewCustomerAsync($"mallory.{unique}@example.org", "Mallory Example", project);
        var bob = await NewCustomerAsync($"bob.{unique}@example.org", "Bob Stays", project);
        await _system.Smtp.StopAsync();
        var janes = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = $"{janesName}: laptop", Description = $"Signed, {janesName}." }, agent);
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = $"Meeting with {janesName}", Description = "Room 4." }, agent);
        var own = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = mallory.Id, Summary = $"VPN for {janesName}", Description = "Mine." }, agent);
        await _system.WaitForQueuedLetterAsync(jane.Id, "Jane's");
        await _system.WaitForQueuedLetterAsync(bob.Id, "Bob's");

        var asMallory = await _system.NewSignedInAsync(Role.Customer, mallory.Id);
        await _system.RenameAsThemselvesAsync(mallory.Id, asMallory, janesName, own.Id, agent);
        await _system.RemoveAtTheirRequestAsync(asMallory);

        await AssertUnchangedAsync(agent, janes, bobs);
        await AssertLetterStaysAsync(jane.Id, bob.Id);
        var ownAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = own.Id }, agent);
        Assert.DoesNotContain(janesName, ownAfter.Summary, StringComparison.OrdinalIgnoreCase);
        await _system.Smtp.StartAgainAsync();
    }

    private async Task<Customer> NewCustomerAsync(string address, string displayName, string project) =>
        await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = displayName, ProjectKeys = { project } }, _system.Admin);

    private async Task AssertUnchangedAsync(Grpc.Core.Metadata agent, params Ticket[] tickets)
    {
        foreach (var ticket in tickets)
        {
            var after = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent);
            Assert.Equal((ticket.Summary, ticket.Description, ticket.Version), (after.Summary, after.Description, after.Version));
        }
    }

    private async Task AssertLetterStaysAsync(params string[] customerIds)
    {
        var letters = _system.Notification.Services.GetRequiredService<IDeliveryStore>();
        foreach (var customerId in customerIds)
        {
            Assert.Single(await letters.ListToRecipientAsync(customerId, string.Empty, CancellationToken.None));
        }
    }
}
