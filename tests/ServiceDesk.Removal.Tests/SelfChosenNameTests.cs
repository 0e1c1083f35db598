using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// A portal customer names themselves after the commonest words of other people's tickets and letters, asks to be
/// removed, and an admin approves: their own ticket loses the name, nobody else's ticket changes and nobody else's
/// letter is cancelled.
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
        var mallory = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"mallory.{unique}@example.org", DisplayName = "Mallory Example", ProjectKeys = { project } }, _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{unique}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        // Bob's mail server is down: his letter waits in the queue with its message, as a letter naming someone would.
        await _system.Smtp.StopAsync();
        var own = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = mallory.Id, Summary = $"Mallory: {chosenName} VPN", Description = "Mine." }, agent);
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = "The printer on the third floor", Description = "The toner is out, then the paper." }, agent);
        var letters = _system.Notification.Services.GetRequiredService<IDeliveryStore>();
        await Eventually.WaitForAsync(
            () => letters.ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None),
            toBob => toBob is [{ Attempts: >= 1, Message: not null }],
            "Bob's letter about his ticket to wait for his mail server");

        var asMallory = await _system.NewSignedInAsync(Role.Customer, mallory.Id);
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, DisplayName = chosenName }, asMallory);
        // Ticketing and Notification know her by the new name before she asks.
        await Eventually.WaitForAsync(
            () => _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = own.Id }, agent).ResponseAsync,
            ticket => ticket.Reporter.DisplayName == chosenName,
            "Ticketing to learn the new name");
        var known = _system.Notification.Services.GetRequiredService<IKnownCustomerStore>();
        await Eventually.WaitForAsync(
            () => known.FindAsync(mallory.Id, CancellationToken.None), customer => customer?.DisplayName == chosenName, "Notification to learn the new name");
        var request = await _system.Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Anonymize }, asMallory);
        await _system.Erasures.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = request.Id }, _system.Admin);
        await Eventually.WaitForAsync(
            () => _system.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "every service's receipt",
            TimeSpan.FromSeconds(60));

        var bobsAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = bobs.Id }, agent);
        Assert.Equal((bobs.Summary, bobs.Description, bobs.Version), (bobsAfter.Summary, bobsAfter.Description, bobsAfter.Version));
        Assert.Single(await letters.ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None));
        await _system.Smtp.StartAgainAsync();
        await Eventually.WaitForAsync(() => _system.Smtp.MessagesTo(bob.Address).Count == 1, "Bob's letter to go out once his mail server is back", TimeSpan.FromSeconds(60));
        var ownAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = own.Id }, agent);
        Assert.DoesNotContain(chosenName, ownAfter.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Mallory: Former customer", ownAfter.Summary, StringComparison.Ordinal);
    }
}
