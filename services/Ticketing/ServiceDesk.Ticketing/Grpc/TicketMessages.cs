using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;
using Messages = ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Ticketing.Grpc;

/// <summary>
/// Domain records to their v1 messages: people from the snapshots, internal comments only for staff. Customers are
/// named to agents, and to the other customers on a ticket, by the ids Directory gives agents (scoped to the ticket's
/// project), never by their own ids: an own id is the same in every project, so it would link the customer across
/// projects, and as a version-7 UUID it tells when they first came. A customer sees their own id, address and account
/// on a ticket; of the other customers on it only the scoped id and the name, as agents see no customer's account.
/// Customers see staff by the one name the operator chose for them, never by account.
/// </summary>
public sealed class TicketMessages(ICustomerSnapshotStore snapshots, ProjectScopedIds scopedIds, IOptions<TicketingOptions> options)
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
        return [.. tickets.Select(ticket => ToMessage(ticket, people, ViewerOf(caller, ticket.ProjectKey)))];
    }

    /// <summary>What one caller sees of the people on a ticket of one project.</summary>
    /// <param name="CustomerIdOf">The id the caller knows a customer by, from the customer's own id.</param>
    /// <param name="SeesAddressOf">Whether the caller sees the address of the customer with this own id.</param>
    /// <param name="SeesAccountOf">Whether the caller sees the account id behind a comment of the customer with this own id.</param>
    /// <param name="SeesInternal">Internal comments, and the ticket's version and time of its last change of any kind; else the last change customers see, and no version.</param>
    /// <param name="SeesWhoLeft">The name and address of a customer no longer in the ticket's project (admins and services).</param>
    /// <param name="StaffName">Null: staff are shown by account id; else the name every staff author is shown by (customers).</param>
    private sealed record Viewer(
        bool SeesInternal, Func<string, string> CustomerIdOf, Func<string, bool> SeesAddressOf, Func<string, bool> SeesAccountOf, bool SeesWhoLeft, string? StaffName = null);

    private Viewer ViewerOf(Caller caller, string projectKey)
    {
        string Scoped(string id) => ProjectScopedIds.IsCustomerId(id) ? scopedIds.For(id, projectKey) : id;
        bool IsCaller(string id) => id == caller.CustomerId;
        return caller.Role switch
        {
            CallerRole.Customer => new Viewer(false, id => IsCaller(id) ? id : Scoped(id), IsCaller, IsCaller, SeesWhoLeft: false, options.Value.StaffDisplayName),
            CallerRole.Agent => new Viewer(true, Scoped, _ => true, _ => false, SeesWhoLeft: false),
            _ => new Viewer(true, id => id, _ => true, _ => true, SeesWhoLeft: true),
        };
    }

    private static Messages.Ticket ToMessage(Ticket ticket, IReadOnlyDictionary<string, CustomerSnapshot> people, Viewer viewer) => new()
    {
        Id = ticket.Id,
        Version = viewer.SeesInternal ? ticket.Version : 0,
        ProjectKey = ticket.ProjectKey,
        Summary = ticket.Summary,
        Description = ticket.Description,
        Reporter = Person(ticket.ReporterId, ticket.ProjectKey, people, viewer),
        Participants = { ticket.ParticipantIds.Select(id => Person(id, ticket.ProjectKey, people, viewer)) },
        Status = ticket.Status,
        Comments = { ticket.Comments.Where(comment => viewer.SeesInternal || !comment.Internal).Select(comment => ToMessage(comment, viewer)) },
        CreatedAt = Timestamp.FromDateTimeOffset(ticket.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(viewer.SeesInternal ? ticket.UpdatedAt : ticket.CustomersUpdatedAt ?? ticket.UpdatedAt),
    };

    /// <summary>
    /// A customer Directory took out of the ticket's project is named to agents and other customers by id alone: their
    /// snapshot follows them, so their name and address would show changes made in projects those callers cannot see.
    /// </summary>
    private static Messages.Person Person(string customerId, string projectKey, IReadOnlyDictionary<string, CustomerSnapshot> people, Viewer viewer)
    {
        if (!people.TryGetValue(customerId, out var snapshot))
        {
            return new Messages.Person { CustomerId = viewer.CustomerIdOf(customerId) };
        }

        var left = !snapshot.Erased && !snapshot.ProjectKeys.Contains(projectKey, StringComparer.Ordinal);
        var shown = !left || viewer.SeesWhoLeft;
        return new Messages.Person
        {
            CustomerId = viewer.CustomerIdOf(customerId),
            DisplayName = shown ? snapshot.DisplayName : string.Empty,
            Address = shown && viewer.SeesAddressOf(customerId) ? snapshot.Address : string.Empty,
            Erased = snapshot.Erased,
            LeftProject = left,
        };
    }

    /// <summary>
    /// A customer's account id is the same in every project, so it would link the customer across projects as their own
    /// id would: agents and other customers know the author by <c>author_customer_id</c> only. Customers know staff by
    /// the operator's one name for them: an agent's account id would tell them apart and follow them across tickets.
    /// </summary>
    private static Messages.Comment ToMessage(TicketComment comment, Viewer viewer)
    {
        var byStaff = comment is { AuthorCustomerId: null, AuthorAccountId: not null };
        return new Messages.Comment
        {
            Id = comment.Id,
            AuthorAccountId = comment switch
            {
                { AuthorCustomerId: { } author } => viewer.SeesAccountOf(author) ? comment.AuthorAccountId ?? string.Empty : string.Empty,
                { AuthorAccountId: { } staff } when viewer.StaffName is null => staff,
                _ => string.Empty,
            },
            AuthorCustomerId = comment.AuthorCustomerId is { } customer ? viewer.CustomerIdOf(customer) : string.Empty,
            AuthorDisplayName = byStaff ? viewer.StaffName ?? string.Empty : string.Empty,
            Body = comment.Body,
            Internal = comment.Internal,
            CreatedAt = Timestamp.FromDateTimeOffset(comment.CreatedAt),
        };
    }
}
