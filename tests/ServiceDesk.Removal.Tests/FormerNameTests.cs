using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Notification.Customers;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// A removal looks for every name and address the customer had, not only the last ones: staff giving them a new
/// address and the customer renaming themselves first leave neither the old name nor the old address anywhere.
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
        await _system.WaitForQueuedLetterAsync(bob.Id, "Bob's");

        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, Address = $"mallory.{unique}@newco.example" }, _system.Admin);
        var asMallory = await _system.NewSignedInAsync(Role.Customer, mallory.Id);
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, DisplayName = "Mal Newco" }, asMallory);
        var known = _system.Notification.Services.GetRequiredService<IKnownCustomerStore>();
        await Eventually.WaitForAsync(
            () => known.FindAsync(mallory.Id, CancellationToken.None), customer => customer?.DisplayName == "Mal Newco", "Notification to learn the new name");
        var erasureId = await _system.RemoveAtTheirRequestAsync(asMallory);

        // Both knew her profile at its last version from her events: neither asked Directory for the final profile's key.
        var finalProfileKey = (await _system.CommandAsync(erasureId)).FinalProfile.KeyId;
        Assert.False(RemovalSystem.AskedForKey(_system.Ticketing, finalProfileKey));
        Assert.False(RemovalSystem.AskedForKey(_system.Notification, finalProfileKey));
        var bobsAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = bobs.Id }, agent);
        Assert.StartsWith("Printer for Former customer", bobsAfter.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(formerName, bobsAfter.Description, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(formerAddress, bobsAfter.Description, StringComparison.OrdinalIgnoreCase);
        // Bob's letter named her by her former name: it is cancelled with hers.
        Assert.Empty(await _system.Notification.Services.GetRequiredService<IDeliveryStore>().ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None));
        var leftovers = await _system.ScanAsync(formerName, formerAddress);
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
        await _system.Smtp.StartAgainAsync();
    }

    /// <summary>
    /// Staff give the customer a new name and address and remove them while Ticketing and Notification are down: the
    /// change reaches neither (its event, sealed under the customer's key, can no longer be read once the removal has
    /// destroyed that key), so only the command's final profile tells them what to look for.
    /// </summary>
    [Fact]
    public async Task A_name_and_address_given_just_before_removal_that_no_participant_read_are_found_all_the_same()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var newName = $"Mallory Newco{unique}";
        var newAddress = $"mallory.{unique}@newco.example";
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var mallory = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"mallory.{unique}@oldco.example", DisplayName = $"Mallory Q{unique}", ProjectKeys = { project } }, _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{unique}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        await _system.Smtp.StopAsync();
        // Bob wrote her new name and address before Directory had them.
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = $"Printer for {newName}", Description = $"{newName} moved, write to {newAddress}." },
            agent);
        await _system.WaitForQueuedLetterAsync(bob.Id, "Bob's");

        var erasureId = string.Empty;
        await _system.WithTicketingAndNotificationStoppedAsync(async () =>
        {
            await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mallory.Id, DisplayName = newName, Address = newAddress }, _system.Admin);
            erasureId = (await _system.Erasures.RemoveCustomerAsync(
                new RemoveCustomerRequest { CustomerId = mallory.Id, Mode = ErasureMode.Anonymize, Reason = ErasureReason.ContactMoved }, _system.Admin)).Id;
        });
        await _system.WaitForCompletionAsync(erasureId);

        var bobsAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = bobs.Id }, agent);
        Assert.StartsWith("Printer for Former customer", bobsAfter.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(newName, bobsAfter.Description, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(newAddress, bobsAfter.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await _system.Notification.Services.GetRequiredService<IDeliveryStore>().ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None));
        var leftovers = await _system.ScanAsync(newName, newAddress);
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
        // The completed request took the final profile's key with it.
        var command = await _system.CommandAsync(erasureId);
        Assert.NotNull(command.FinalProfile);
        Assert.True(RemovalSystem.AskedForKey(_system.Ticketing, command.FinalProfile.KeyId));
        Assert.True(RemovalSystem.AskedForKey(_system.Notification, command.FinalProfile.KeyId));
        var key = await _system.Directory.Services.GetRequiredService<ICustomerKeyStore>().FindAsync(command.FinalProfile.KeyId, CancellationToken.None);
        Assert.NotNull(key!.Destroyed);
        await _system.Smtp.StartAgainAsync();
    }
}
