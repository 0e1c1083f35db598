using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// A removal through Directory finds her name as people write it otherwise: typed on a keyboard without its letters
/// (Þ as Th, Æ as Ae), with an invisible mark inside a word, with its apostrophe typed as a backtick or left out.
/// </summary>
public sealed class TypedNameTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task Her_name_written_otherwise_leaves_no_byte_in_other_people_s_tickets_or_letters()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);
        var thorunn = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"th.{unique}@example.org", DisplayName = $"\u00DE\u00F3runn \u00C6gisd\u00F3ttir-O'Brien{unique}", ProjectKeys = { project } },
            _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{unique}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        await _system.Smtp.StopAsync();
        var bobs = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest
            {
                ProjectKey = project, ReporterCustomerId = bob.Id, Summary = $"Printer for Thorunn Aegisdottir-OBrien{unique}",
                Description = $"Tho\u034Frunn Aegisdottir-O`Brien{unique} asked; Thorunn Aegisdottir stays.",
            },
            agent);
        await _system.WaitForQueuedLetterAsync(bob.Id, "Bob's");

        var request = await _system.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = thorunn.Id, Reason = ErasureReason.ContactMoved }, _system.Admin);
        await _system.WaitForCompletionAsync(request.Id);

        var bobsAfter = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = bobs.Id }, agent);
        Assert.StartsWith("Printer for Former customer", bobsAfter.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Former customer", bobsAfter.Description, StringComparison.Ordinal);
        Assert.EndsWith(" asked; Thorunn Aegisdottir stays.", bobsAfter.Description, StringComparison.Ordinal);
        // Bob's letter named her in its ticket's summary: it is cancelled with hers.
        Assert.Empty(await _system.Notification.Services.GetRequiredService<IDeliveryStore>().ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None));
        var leftovers = await _system.ScanAsync($"Brien{unique}");
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
        await _system.Smtp.StartAgainAsync();
    }
}
