using Google.Protobuf.WellKnownTypes;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;
using Messages = ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Ticketing.Grpc;

/// <summary>
/// Domain records to their v1 messages: people from the snapshots, internal comments only for staff, and customers
/// named to agents by the ids Directory gives agents (scoped to the ticket's project), never their own ids.
/// </summary>
public sealed class TicketMessages(ICustomerSnapshotStore snapshots, ProjectScopedIds scopedIds)
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
        var showCustomersAccounts = caller.Role != CallerRole.Agent;
        return [.. tickets.Select(ticket => ToMessage(ticket, people, showInternal, showCustomersAccounts, CustomerIdsFor(caller, ticket.ProjectKey)))];
    }

    private Func<string, string> CustomerIdsFor(Caller caller, string projectKey) =>
        caller.Role == CallerRole.Agent
            ? id => ProjectScopedIds.IsCustomerId(id) ? scopedIds.For(id, projectKey) : id
            : id => id;

    private static Messages.Ticket ToMessage(
        Ticket ticket, IReadOnlyDictionary<string, CustomerSnapshot> people, bool showInternal, bool showCustomersAccounts, Func<string, string> customerIdOf) => new()
    {
        Id = ticket.Id,
        Version = ticket.Version,
        ProjectKey = ticket.ProjectKey,
        Summary = ticket.Summary,
        Description = ticket.Description,
        Reporter = Person(ticket.ReporterId, people, customerIdOf),
        Participants = { ticket.ParticipantIds.Select(id => Person(id, people, customerIdOf)) },
        Status = ticket.Status,
        Comments = { ticket.Comments.Where(comment => showInternal || !comment.Internal).Select(comment => ToMessage(comment, showCustomersAccounts, customerIdOf)) },
        CreatedAt = Timestamp.FromDateTimeOffset(ticket.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(ticket.UpdatedAt),
    };

    private static Messages.Person Person(string customerId, IReadOnlyDictionary<string, CustomerSnapshot> people, Func<string, string> customerIdOf) =>
        people.TryGetValue(customerId, out var snapshot)
            ? new Messages.Person { CustomerId = customerIdOf(customerId), DisplayName = snapshot.DisplayName, Address = snapshot.Address, Erased = snapshot.Erased }
            : new Messages.Person { CustomerId = customerIdOf(customerId) };

    /// <summary>
    /// A customer's account id is the same in every project, so it would link the customer across projects as their own
    /// id would: agents know the author by <c>author_customer_id</c> only.
    /// </summary>
    private static Messages.Comment ToMessage(TicketComment comment, bool showCustomersAccounts, Func<string, string> customerIdOf) => new()
    {
        Id = comment.Id,
        AuthorAccountId = comment.AuthorCustomerId is null || showCustomersAccounts ? comment.AuthorAccountId ?? string.Empty : string.Empty,
        AuthorCustomerId = comment.AuthorCustomerId is { } author ? customerIdOf(author) : string.Empty,
        Body = comment.Body,
        Internal = comment.Internal,
        CreatedAt = Timestamp.FromDateTimeOffset(comment.CreatedAt),
    };
}
