using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;
using Messages = ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Ticketing.Grpc;

/// <summary>Domain records to their v1 messages: people from the snapshots, internal comments only for staff.</summary>
public sealed class TicketMessages(ICustomerSnapshotStore snapshots)
{
    public static Messages.Project ToMessage(Project project) => new()
    {
        Key = project.Key,
        Name = project.Name,
        AcceptMailFromAnyone = project.AcceptMailFromAnyone,
        CreatedAt = Timestamp.FromDateTimeOffset(project.CreatedAt),
    };

    public async Task<Messages.Ticket> ToMessageAsync(Ticket ticket, Caller caller, CancellationToken cancellationToken) =>
        (await ToMessagesAsync([ticket], caller, cancellationToken))[0];

    public async Task<IReadOnlyList<Messages.Ticket>> ToMessagesAsync(IReadOnlyList<Ticket> tickets, Caller caller, CancellationToken cancellationToken)
    {
        var people = await snapshots.GetManyAsync([.. tickets.SelectMany(ticket => ticket.CustomerIds).Distinct()], cancellationToken);
        var showInternal = caller.Role != CallerRole.Customer;
        return [.. tickets.Select(ticket => ToMessage(ticket, people, showInternal))];
    }

    private static Messages.Ticket ToMessage(Ticket ticket, IReadOnlyDictionary<string, CustomerSnapshot> people, bool showInternal) => new()
    {
        Id = ticket.Id,
        Version = ticket.Version,
        ProjectKey = ticket.ProjectKey,
        Summary = ticket.Summary,
        Description = ticket.Description,
        Reporter = Person(ticket.ReporterId, people),
        Participants = { ticket.ParticipantIds.Select(id => Person(id, people)) },
        Status = ticket.Status,
        Comments = { ticket.Comments.Where(comment => showInternal || !comment.Internal).Select(ToMessage) },
        CreatedAt = Timestamp.FromDateTimeOffset(ticket.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(ticket.UpdatedAt),
    };

    private static Messages.Person Person(string customerId, IReadOnlyDictionary<string, CustomerSnapshot> people) =>
        people.TryGetValue(customerId, out var snapshot)
            ? new Messages.Person { CustomerId = customerId, DisplayName = snapshot.DisplayName, Address = snapshot.Address, Erased = snapshot.Erased }
            : new Messages.Person { CustomerId = customerId };

    private static Messages.Comment ToMessage(TicketComment comment) => new()
    {
        Id = comment.Id,
        AuthorAccountId = comment.AuthorAccountId ?? string.Empty,
        AuthorCustomerId = comment.AuthorCustomerId ?? string.Empty,
        Body = comment.Body,
        Internal = comment.Internal,
        CreatedAt = Timestamp.FromDateTimeOffset(comment.CreatedAt),
    };
}
