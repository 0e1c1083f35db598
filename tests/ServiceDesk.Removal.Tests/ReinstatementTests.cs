using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// A removal blocks every address the customer had, their former ones too, in every service; an admin's reinstatement
/// lifts them in every service, not in Directory alone: its sender's mail is taken in again and written back to.
/// </summary>
public sealed class ReinstatementTests : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task Mail_from_a_removed_customer_s_former_address_is_refused_until_a_reinstatement_after_which_it_is_taken_in_and_answered()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var (former, current) = ($"pat.{unique}@oldco.example", $"pat.{unique}@newco.example");
        var project = await _system.NewProjectAsync(acceptMailFromAnyone: true);
        var pat = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = former, DisplayName = $"Pat Q{unique}", ProjectKeys = { project } }, _system.Admin);
        await _system.Customers.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = pat.Id, Address = current }, _system.Admin);
        var removal = await _system.Erasures.RemoveCustomerAsync(new RemoveCustomerRequest { CustomerId = pat.Id, Reason = ErasureReason.ContactMoved }, _system.Admin);
        var completed = await _system.WaitForCompletionAsync(removal.Id);
        Assert.Equal(
            (2L, 2L),
            (completed.Participants.Single(p => p.Service == ServiceNames.Directory).Counts["addresses_tombstoned"],
                completed.Participants.Single(p => p.Service == ServiceNames.Notification).Counts["addresses_suppressed"]));
        var intake = Bearer(await _system.Identity.ServiceTokenAsync(ServiceNames.MailIntake));

        foreach (var address in new[] { former, current.ToUpperInvariant() })
        {
            Assert.Equal(IngestOutcome.RejectedErasedSender, (await _system.Tickets.IngestEmailAsync(Mail(project, address), intake)).Outcome);
            Assert.Equal(
                IsSuppressedResponse.Types.Reason.Erased,
                (await _system.Notifications.IsSuppressedAsync(new IsSuppressedRequest { Address = address }, _system.Admin)).Reason);
        }

        await _system.Erasures.ReinstateAddressAsync(new ReinstateAddressRequest { ErasureId = removal.Id, Reason = ReinstatementReason.CustomerReturned }, _system.Admin);

        // Rejected mail is not recorded, so the MTA's retry is judged again: once Ticketing has heard, it is taken in.
        var taken = await Eventually.WaitForAsync(
            () => _system.Tickets.IngestEmailAsync(Mail(project, $"Pat Again <{former}>"), intake).ResponseAsync,
            answer => answer.Outcome != IngestOutcome.RejectedErasedSender,
            "Ticketing to take mail from the reinstated address");
        Assert.Equal(IngestOutcome.TicketCreated, taken.Outcome);
        var returned = await _system.Customers.GetCustomerAsync(
            new GetCustomerRequest { CustomerId = (await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = taken.TicketId }, _system.Admin)).Reporter.CustomerId },
            _system.Admin);
        Assert.Equal(former, returned.Address);
        Assert.NotEqual(pat.Id, returned.Id);
        // Notification heard too: the new customer's "Request received" letter goes out to the address.
        await Eventually.WaitForAsync(() => _system.Smtp.MessagesTo(former).Count == 1, "the letter to the reinstated address", TimeSpan.FromSeconds(30));
        Assert.False((await _system.Notifications.IsSuppressedAsync(new IsSuppressedRequest { Address = current }, _system.Admin)).Suppressed);
        Assert.Equal(IngestOutcome.TicketCreated, (await _system.Tickets.IngestEmailAsync(Mail(project, current), intake)).Outcome);
    }

    private static IngestEmailRequest Mail(string project, string from) =>
        new() { ProjectKey = project, MessageId = $"<{Guid.NewGuid():N}@mail.example>", From = from, Subject = "Hello again", BodyText = "Hi." };
}
