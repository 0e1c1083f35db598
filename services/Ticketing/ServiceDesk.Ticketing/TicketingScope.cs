using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;

namespace ServiceDesk.Ticketing;

/// <summary>
/// What a caller may see. Admins and services: every project and ticket. Agents: the projects in their token
/// and those projects' tickets. Customers: the projects Directory lists them in, and the tickets of those projects
/// they report or take part in. Whatever lies outside is answered as NOT_FOUND, exactly like what does not exist.
/// </summary>
public sealed class TicketingScope(IProjectStore projects, ITicketStore tickets, DirectoryCustomers customers)
{
    /// <summary>The projects the caller may see; null for every project.</summary>
    public async Task<IReadOnlySet<string>?> VisibleProjectsAsync(Caller caller, CancellationToken cancellationToken) =>
        caller.RequireAuthenticated().Role switch
        {
            CallerRole.Agent => caller.ProjectKeys,
            CallerRole.Customer => (await OwnCustomerAsync(caller, cancellationToken)).ProjectKeys.ToHashSet(StringComparer.Ordinal),
            _ => null,
        };

    /// <exception cref="NotFoundException">The project does not exist or is outside the caller's scope.</exception>
    public async Task<Project> GetProjectAsync(Caller caller, string projectKey, string requestField, CancellationToken cancellationToken)
    {
        var visible = await VisibleProjectsAsync(caller, cancellationToken);
        return (visible is null || visible.Contains(projectKey) ? await projects.GetAsync(projectKey, cancellationToken) : null)
            ?? throw new NotFoundException("project", projectKey, requestField);
    }

    /// <exception cref="NotFoundException">The ticket does not exist or is outside the caller's scope.</exception>
    /// <remarks>
    /// A ticket of a project the caller sees (<see cref="VisibleProjectsAsync"/>), and to a customer one they report or
    /// take part in: one staff took out of a project (or whose removal Directory recorded) neither reads nor changes
    /// its tickets from then on, with a token issued before.
    /// </remarks>
    public async Task<Ticket> GetTicketAsync(Caller caller, string ticketId, CancellationToken cancellationToken)
    {
        caller.RequireAuthenticated();
        var ticket = await tickets.GetAsync(ticketId, cancellationToken);
        return ticket is not null && IsTheirsIfCustomer(caller, ticket) && (await VisibleProjectsAsync(caller, cancellationToken))?.Contains(ticket.ProjectKey) != false
            ? ticket
            : throw new NotFoundException("ticket", ticketId, "ticket_id");
    }

    /// <summary>A customer caller as Directory knows them now (a customer token without a customer is refused).</summary>
    private Task<CustomerSnapshot> OwnCustomerAsync(Caller caller, CancellationToken cancellationToken) =>
        caller.CustomerId is { Length: > 0 } customerId
            ? customers.ReadAsync(customerId, "customer", cancellationToken)
            : throw new PermissionDeniedException("The customer token names no customer.");

    private static bool IsTheirsIfCustomer(Caller caller, Ticket ticket) =>
        caller.Role != CallerRole.Customer || caller.CustomerId is { } customerId && ticket.Concerns(customerId);
}
