using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Ops;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;
using NotificationV1 = ServiceDesk.Contracts.Notification.V1;

namespace ServiceDesk.Removal.Tests;

/// <summary>
/// The case the product exists for: a portal customer who moved to a new company asks never to be contacted
/// at the old address. She was sent mail, and more waits in Notification's queue while her mail server is down.
/// After an admin removes her, the picker no longer offers her, the queued messages are cancelled and no message
/// goes to the address once the mail server is back, every service sends its receipt, the evidence holds no
/// personal data, and no byte of the address or the name is left in any file, in Redis or in the logs.
/// </summary>
public sealed class SeedScenarioTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RemovalSystem _system = new();

    public Task InitializeAsync() => _system.InitializeAsync();

    public Task DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task A_removed_customer_is_never_suggested_notified_or_found_in_any_byte_and_every_service_sends_its_receipt()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var address = $"jane.roe.{unique}@oldco.example";
        var name = $"Jane Roe{unique}";
        var project = await _system.NewProjectAsync();
        var agent = await _system.NewSignedInAsync(Role.Agent, null, project);

        var jane = await _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address, DisplayName = name, ProjectKeys = { project } }, _system.Admin);
        var bob = await _system.Customers.CreateCustomerAsync(
            new CreateCustomerRequest { Address = $"bob.{unique}@example.org", DisplayName = "Bob Stays", ProjectKeys = { project } }, _system.Admin);
        var reported = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = jane.Id, Summary = $"Printer broken, says {name}", Description = $"Reply to {address}." }, agent);
        await Eventually.WaitForAsync(() => _system.Smtp.MessagesTo(address).Count == 1, "the customer's message about her ticket to leave before the removal");

        // Her mail server is down from now on: what the next changes send her waits in Notification's queue.
        await _system.Smtp.StopAsync();
        var participating = await _system.Tickets.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = bob.Id, Summary = "VPN down", Description = "Since Monday." }, agent);
        await _system.Tickets.AddParticipantAsync(new AddParticipantRequest { TicketId = participating.Id, CustomerId = jane.Id }, agent);
        await _system.Tickets.AddCommentAsync(
            new AddCommentRequest { TicketId = participating.Id, Body = $"Copying {name.ToUpperInvariant()} ({address.ToUpperInvariant()}) on this." }, agent);
        var outbox = _system.Notification.Services.GetRequiredService<IDeliveryStore>();
        await Eventually.WaitForAsync(
            () => outbox.ListToRecipientAsync(jane.Id, string.Empty, CancellationToken.None),
            toJane => toJane.Count(delivery => delivery is { Status: NotificationV1.DeliveryStatus.Queued, Attempts: >= 1 }) == 2,
            "her two messages about the other ticket to be refused by her mail server and stay queued");
        await Eventually.WaitForAsync(
            () => outbox.ListToRecipientAsync(bob.Id, string.Empty, CancellationToken.None),
            toBob => toBob.Count(delivery => delivery.Status == NotificationV1.DeliveryStatus.Queued) == 2,
            "the other customer's two messages to be queued");

        // The agent types the old address into the participant picker and is offered it (under the id agents see).
        var offered = await _system.Customers.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = address[..8], Limit = 10 }, agent);
        Assert.Contains(offered.Suggestions, suggestion => suggestion.Address == address);

        var request = await _system.Erasures.RemoveCustomerAsync(
            new RemoveCustomerRequest { CustomerId = jane.Id, Mode = ErasureMode.Anonymize, Reason = ErasureReason.ContactMoved }, _system.Admin);

        foreach (var typed in new[] { address[..8], address, "jane", name })
        {
            var afterwards = await _system.Customers.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = project, Text = typed, Limit = 10 }, agent);
            Assert.DoesNotContain(afterwards.Suggestions, suggestion => suggestion.Address == address || suggestion.DisplayName == name);
        }

        var completed = await _system.WaitForCompletionAsync(request.Id);
        output.WriteLine(string.Join("\n", completed.Participants.Select(p => $"{p.Service}: {p.State} {string.Join(", ", p.Counts.Select(c => $"{c.Key}={c.Value}"))}")));
        Assert.Equal(["directory", "identity", "notification", "ticketing"], completed.Participants.Select(p => p.Service).Order());
        Assert.All(completed.Participants, participant => Assert.Equal(ParticipantState.Done, participant.State));
        IReadOnlyDictionary<string, long> CountsOf(string service) => completed.Participants.Single(p => p.Service == service).Counts;
        Assert.Equal(0, CountsOf("identity").Values.Sum());
        Assert.Equal((1, 1, 1), (CountsOf("directory")["profiles_deleted"], CountsOf("directory")["customer_keys_destroyed"], CountsOf("directory")["addresses_tombstoned"]));
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["tickets_moved"] = 0, ["tickets_deleted"] = 0, ["tickets_anonymized"] = 1, ["participations_removed"] = 1,
                ["texts_redacted"] = 3, ["snapshots_anonymized"] = 1,
            },
            CountsOf("ticketing"));
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["queued_messages_cancelled"] = 2, ["delivery_log_entries_deleted"] = 1, ["pickup_files_deleted"] = 0,
                ["messages_naming_the_customer_deleted"] = 0, ["addresses_suppressed"] = 1, ["known_customers_deleted"] = 1,
            },
            CountsOf("notification"));

        var anonymised = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = reported.Id }, agent);
        Assert.True(anonymised.Reporter.Erased);
        Assert.StartsWith("Former customer", anonymised.Reporter.DisplayName, StringComparison.Ordinal);
        var stillOpen = await _system.Tickets.GetTicketAsync(new GetTicketRequest { TicketId = participating.Id }, agent);
        Assert.DoesNotContain(stillOpen.Participants, participant => participant.CustomerId == jane.Id);

        // Her mail server is back, and a later change to a ticket she was on notifies nobody at the old address: once
        // nothing is queued any more and the other customer got every message, she got none after the first.
        await _system.Smtp.StartAgainAsync();
        await _system.Tickets.AddCommentAsync(new AddCommentRequest { TicketId = reported.Id, Body = "Closing this." }, agent);
        await _system.Tickets.AddCommentAsync(new AddCommentRequest { TicketId = participating.Id, Body = "Fixed." }, agent);
        await Eventually.WaitForAsync(
            async () => (await Task.WhenAll(new[] { reported.Id, participating.Id }.Select(ticket => DeliveriesAsync(ticket)))).SelectMany(deliveries => deliveries).ToList(),
            deliveries => deliveries.Count(delivery => delivery.RecipientCustomerId == bob.Id && delivery.Status == NotificationV1.DeliveryStatus.Sent) == 3
                && deliveries.All(delivery => delivery.Status != NotificationV1.DeliveryStatus.Queued),
            "the other customer's three messages to go out and nothing to be left queued",
            TimeSpan.FromSeconds(60));
        Assert.Equal(3, _system.Smtp.MessagesTo(bob.Address).Count);
        Assert.Single(_system.Smtp.MessagesTo(address));
        Assert.All(
            _system.Smtp.Messages().Where(message => !message.To.Mailboxes.Any(mailbox => mailbox.Address == address)).Select(message => message.ToString()),
            text => Assert.True(!text.Contains(address, StringComparison.OrdinalIgnoreCase) && !text.Contains(name, StringComparison.OrdinalIgnoreCase), text));
        Assert.Empty((await _system.Notifications.ListDeliveriesAsync(new NotificationV1.ListDeliveriesRequest { RecipientCustomerId = jane.Id }, _system.Admin)).Deliveries);

        var evidence = await _system.Erasures.ExportErasureEvidenceAsync(new ExportErasureEvidenceRequest { ErasureId = request.Id }, _system.Admin);
        var document = evidence.Document.ToStringUtf8();
        Assert.Contains(request.Id, document, StringComparison.Ordinal);
        Assert.DoesNotContain(address, document, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(name, document, StringComparison.OrdinalIgnoreCase);
        Assert.Null(EvidenceVerification.Verify(evidence, evidence.PublicKeyPem));

        var leftovers = await _system.ScanAsync(address, name);
        Assert.True(leftovers.Count == 0, $"Left at rest:\n{string.Join('\n', leftovers.Take(20))}");
        _system.AssertNoLogHolds(address, name);

        await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            () => _system.Customers.CreateCustomerAsync(new CreateCustomerRequest { Address = address.ToUpperInvariant(), DisplayName = "Jane Again", ProjectKeys = { project } }, _system.Admin));
    }

    private async Task<IReadOnlyList<NotificationV1.Delivery>> DeliveriesAsync(string ticketId) =>
        (await _system.Notifications.ListDeliveriesAsync(new NotificationV1.ListDeliveriesRequest { TicketId = ticketId }, _system.Admin)).Deliveries;
}
