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
/// A removal looks for every name and address the customer had, not only the last ones, and for a name the customer
/// chose themselves only in their own tickets and letters: renaming themselves first neither hides their real name nor
/// takes someone else's with them.
/// </summary>
public sealed class FormerNameTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task A_customer_renamed_and_readdressed_before_removal_leaves_none_of_their_former_names_or_addresses()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var formerName = $"Mallory Q{unique}";
        var formerAddress = $"mallory.{unique}@oldco.example";
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var mallory = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = formerAddress, DisplayName = formerName, ProjectKeys = { project } }, _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{unique}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        await _system.Smtp.StopAsync();
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = $"Printer for {formerName}", Description = $"{formerName} asked, from {formerAddress}." },
            agent);
        var letters = _system.Notification.Services.GetRequiredService<IDeliveryStore>();
        await Eventually.WaitForAsync(
            () => letters.ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None),
            toBob => toBob is [{ Attempts: >= 1, Message: not null }],
            "Bob's letter about his ticket to wait for his mail server");

        // Staff give her a new address, then she names herself anew.
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, Address = $"mallory.{unique}@newco.example" }, _system.Admin);
        var asMallory = await _system.NewSignedInAsync(Role.Customer, mallory.Id);
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, DisplayName = "Mal Newco" }, asMallory);
        var known = _system.Notification.Services.GetRequiredService<IKnownCustomerStore>();
        await Eventually.WaitForAsync(
            () => known.FindAsync(mallory.Id, CancellationToken.None), customer => customer?.DisplayName == "Mal Newco", "Notification to learn the new name");
        await RemoveAsync(asMallory);

        var bobsAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = bobs.Id }, agent);
        Assert.Equal("Printer for Former customer", bobsAfter.Summary[..27]);
        Assert.DoesNotContain(formerName, bobsAfter.Description, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(formerAddress, bobsAfter.Description, StringComparison.OrdinalIgnoreCase);
        // Bob's letter named her by her former name: it is cancelled with hers.
        Assert.Empty(await letters.ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None));
        var leftovers = await _system.ScanAsync(formerName, formerAddress);
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
        await _system.Smtp.StartAgainAsync();
    }

    [Fact]
    public async Task A_customer_who_names_themselves_like_someone_else_takes_none_of_their_tickets_or_letters_with_them()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var janesName = $"Jane R{unique}";
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var jane = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"jane.{unique}@example.org", DisplayName = janesName, ProjectKeys = { project } }, _system.Admin);
        var mallory = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"mallory.{unique}@example.org", DisplayName = "Mallory Example", ProjectKeys = { project } }, _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{unique}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        await _system.Smtp.StopAsync();
        var janes = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = $"{janesName}: laptop", Description = $"Signed, {janesName}." }, agent);
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = $"Meeting with {janesName}", Description = "Room 4." }, agent);
        var own = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = mallory.Id, Summary = $"VPN for {janesName}", Description = "Mine." }, agent);
        var letters = _system.Notification.Services.GetRequiredService<IDeliveryStore>();
        foreach (var (customer, who) in new[] { (jane.Id, "Jane"), (bob.Id, "Bob") })
        {
            await Eventually.WaitForAsync(
                () => letters.ListToRecipientAsync(customer, string.Empty, CancellationToken.None),
                queued => queued is [{ Attempts: >= 1, Message: not null }],
                $"{who}'s letter about their ticket to wait for the mail server");
        }

        var asMallory = await _system.NewSignedInAsync(Role.Customer, mallory.Id);
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, DisplayName = janesName }, asMallory);
        await Eventually.WaitForAsync(
            () => _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = own.Id }, agent).ResponseAsync,
            ticket => ticket.Reporter.DisplayName == janesName,
            "Ticketing to learn the new name");
        var known = _system.Notification.Services.GetRequiredService<IKnownCustomerStore>();
        await Eventually.WaitForAsync(
            () => known.FindAsync(mallory.Id, CancellationToken.None), customer => customer?.DisplayName == janesName, "Notification to learn the new name");
        await RemoveAsync(asMallory);

        foreach (var ticket in new[] { janes, bobs })
        {
            var after = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent);
            Assert.Equal((ticket.Summary, ticket.Description, ticket.Version), (after.Summary, after.Description, after.Version));
        }

        Assert.Single(await letters.ListToRecipientAsync(jane.Id, string.Empty, CancellationToken.None));
        Assert.Single(await letters.ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None));
        var ownAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = own.Id }, agent);
        Assert.DoesNotContain(janesName, ownAfter.Summary, StringComparison.OrdinalIgnoreCase);
        await _system.Smtp.StartAgainAsync();
    }

    /// <summary>The customer asks for their own removal and an admin approves it; returns once every service has finished.</summary>
    private async Task RemoveAsync(Grpc.Core.Metadata asCustomer)
    {
        var request = await _system.Erasures.RequestOwnRemovalAsync(new RequestOwnRemovalRequest { Mode = ErasureMode.Anonymize }, asCustomer);
        await _system.Erasures.ApproveErasureAsync(new ApproveErasureRequest { ErasureId = request.Id }, _system.Admin);
        await Eventually.WaitForAsync(
            () => _system.Erasures.GetErasureAsync(new GetErasureRequest { ErasureId = request.Id }, _system.Admin).ResponseAsync,
            erasure => erasure.Status == ErasureStatus.Completed,
            "every service's receipt",
            TimeSpan.FromSeconds(60));
    }
}
