using Grpc.Core;
using Microsoft.Extensions.Options;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Notification.Erasure;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Sending;
using ServiceDesk.Notification.Templates;
using TicketStatus = ServiceDesk.Contracts.Ticketing.V1.TicketStatus;

namespace ServiceDesk.Notification.Tickets;

/// <summary>
/// Turns ticket events into queued messages. Events carry ids only: the ticket, with its reporter's and
/// participants' names and addresses (Ticketing's snapshots, which Ticketing erases), is read with GetTicket under
/// Notification's service identity. Recipients are customers of the ticket's project only, never the author of the change:
/// created → the reporter; a public comment or a status change → the reporter and the participants; an internal
/// comment → nobody; a participant added → that participant; a participant removed → the reporter and the
/// remaining participants. One message per recipient per event (the delivery id is the event id and the
/// recipient's), so a redelivered event queues nothing twice.
/// </summary>
public sealed class TicketEventHandler(
    TicketingService.TicketingServiceClient ticketing,
    IDeliveryStore deliveries,
    MessageTemplates templates,
    Suppression suppression,
    DeliverySignal signal,
    IOptions<NotificationOptions> options,
    TimeProvider time)
    : IIntegrationEventHandler<TicketCreated>,
        IIntegrationEventHandler<TicketCommented>,
        IIntegrationEventHandler<TicketStatusChanged>,
        IIntegrationEventHandler<TicketParticipantAdded>,
        IIntegrationEventHandler<TicketParticipantRemoved>
{
    public Task HandleAsync(TicketCreated message, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, message.TicketId, MessageTemplates.Created, ticket => [ticket.Reporter], message.ActorCustomerId, cancellationToken);

    public Task HandleAsync(TicketCommented message, EventContext context, CancellationToken cancellationToken) =>
        message.Internal
            ? Task.CompletedTask
            : NotifyAsync(context, message.TicketId, MessageTemplates.Commented, Everyone, message.ActorCustomerId, cancellationToken);

    public Task HandleAsync(TicketStatusChanged message, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, message.TicketId, MessageTemplates.StatusChanged, Everyone, actorCustomerId: string.Empty, cancellationToken, (TicketStatus)message.NewStatus);

    public Task HandleAsync(TicketParticipantAdded message, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(
            context,
            message.TicketId,
            MessageTemplates.ParticipantAdded,
            ticket => ticket.Participants.Where(person => person.CustomerId == message.CustomerId),
            message.ActorCustomerId,
            cancellationToken);

    public Task HandleAsync(TicketParticipantRemoved message, EventContext context, CancellationToken cancellationToken) =>
        NotifyAsync(context, message.TicketId, MessageTemplates.ParticipantRemoved, Everyone, message.ActorCustomerId, cancellationToken);

    private static IEnumerable<Person> Everyone(Ticket ticket) => [ticket.Reporter, .. ticket.Participants];

    private async Task NotifyAsync(
        EventContext context,
        string ticketId,
        string template,
        Func<Ticket, IEnumerable<Person>> recipientsOf,
        string actorCustomerId,
        CancellationToken cancellationToken,
        TicketStatus newStatus = TicketStatus.Unspecified)
    {
        if (await ReadTicketAsync(ticketId, cancellationToken) is not { } ticket)
        {
            return;
        }

        var now = time.GetUtcNow();
        var recipients = recipientsOf(ticket)
            // An erased customer has a pseudonym and no address: nothing to send. Ticketing may not have erased its copy
            // yet: the store keeps nothing for a suppressed recipient.
            // Nor to a customer taken out of the ticket's project: they may no longer read it.
            .Where(person => person is { Erased: false, LeftProject: false, Address.Length: > 0 } && person.CustomerId != actorCustomerId)
            .DistinctBy(person => person.CustomerId)
            .ToList();
        // Ticketing may not have redacted a removed customer's name yet (the services' parts of a removal run
        // independently, and Notification's may be done): the store refuses a letter whose summary names one removed
        // since the ticket was created (Delivery.TicketCreatedAt), checked in the letter's own transaction, so also for
        // a removal recorded meanwhile, and the letters go without the summary. Should even that name a removed customer (one named like the placeholder's words), the erasure would
        // delete those letters, so they are not stored at all.
        var added = await QueueAsync(ticket.Summary) ?? await QueueAsync(MessageTemplates.SummaryLeftOut);
        if (added > 0)
        {
            signal.Wake();
        }

        async Task<int?> QueueAsync(string shownSummary)
        {
            try
            {
                return await deliveries.AddAsync([.. recipients.Select(person => ToDelivery(context, ticket, shownSummary, person, template, newStatus, now))], cancellationToken);
            }
            catch (SummaryNamesErasedException)
            {
                return null;
            }
        }
    }

    private Delivery ToDelivery(EventContext context, Ticket ticket, string summary, Person person, string template, TicketStatus newStatus, DateTimeOffset now) =>
        new()
        {
            Id = Delivery.IdOf(context.EventId, person.CustomerId),
            TicketId = ticket.Id,
            ProjectKey = ticket.ProjectKey,
            RecipientCustomerId = person.CustomerId,
            ReporterCustomerId = ticket.Reporter?.CustomerId,
            RecipientAddress = person.Address,
            RecipientName = person.DisplayName,
            AddressHash = suppression.HashAddress(person.Address),
            Template = template,
            Message = templates.Render(template, new TemplateModel(ticket.Id, summary, person.DisplayName, newStatus)),
            Status = Contracts.Notification.V1.DeliveryStatus.Queued,
            NextAttemptAt = now,
            CreatedAt = now,
            // By Ticketing's clock: as early as it may be by Notification's.
            TicketCreatedAt = ticket.CreatedAt?.ToDateTimeOffset() - options.Value.ClockMargin,
        };

    /// <summary>The ticket now; null when it is gone (a purged customer's ticket), which leaves nobody to notify.</summary>
    private async Task<Ticket?> ReadTicketAsync(string ticketId, CancellationToken cancellationToken)
    {
        try
        {
            return await ticketing.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }
}
