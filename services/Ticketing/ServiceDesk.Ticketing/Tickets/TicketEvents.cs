using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Auth;
using EventStatus = ServiceDesk.Contracts.Events.V1.TicketStatus;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>The integration events of ticket changes: ids, statuses and the ticket's version, never summaries or comment text.</summary>
public static class TicketEvents
{
    public static TicketCreated Created(Ticket ticket, Caller actor) => new()
    {
        TicketId = ticket.Id,
        ProjectKey = ticket.ProjectKey,
        ReporterCustomerId = ticket.ReporterId,
        Version = ticket.Version,
        ActorAccountId = actor.AccountId ?? string.Empty,
        ActorCustomerId = actor.CustomerId ?? string.Empty,
    };

    public static TicketCommented Commented(Ticket ticket, TicketComment comment) => new()
    {
        TicketId = ticket.Id,
        ProjectKey = ticket.ProjectKey,
        CommentId = comment.Id,
        Internal = comment.Internal,
        Version = ticket.Version,
        ActorAccountId = comment.AuthorAccountId ?? string.Empty,
        ActorCustomerId = comment.AuthorCustomerId ?? string.Empty,
    };

    public static TicketStatusChanged StatusChanged(Ticket before, Ticket after, Caller actor) => new()
    {
        TicketId = after.Id,
        ProjectKey = after.ProjectKey,
        OldStatus = (EventStatus)before.Status,
        NewStatus = (EventStatus)after.Status,
        Version = after.Version,
        ActorAccountId = actor.AccountId ?? string.Empty,
    };

    public static TicketParticipantAdded ParticipantAdded(Ticket ticket, string customerId, Caller actor) => new()
    {
        TicketId = ticket.Id,
        ProjectKey = ticket.ProjectKey,
        CustomerId = customerId,
        Version = ticket.Version,
        ActorAccountId = actor.AccountId ?? string.Empty,
        ActorCustomerId = actor.CustomerId ?? string.Empty,
    };

    public static TicketParticipantRemoved ParticipantRemoved(Ticket ticket, string customerId, Caller actor) => new()
    {
        TicketId = ticket.Id,
        ProjectKey = ticket.ProjectKey,
        CustomerId = customerId,
        Version = ticket.Version,
        ActorAccountId = actor.AccountId ?? string.Empty,
        ActorCustomerId = actor.CustomerId ?? string.Empty,
    };
}
