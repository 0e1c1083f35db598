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
    public async Task<Ticket> GetTicketAsync(Caller caller, string ticketId, CancellationToken cancellationToken)
    {
        caller.RequireAuthenticated();
        var ticket = await tickets.GetAsync(ticketId, cancellationToken);
        return ticket is not null && CanSee(caller, ticket) && await IsCustomerOfProjectAsync(caller, ticket.ProjectKey, cancellationToken)
            ? ticket
            : throw new NotFoundException("ticket", ticketId, "ticket_id");
    }

    /// <summary>
    /// A customer sees their tickets only while Directory lists them in the ticket's project: one taken out of it (or
    /// removed, whom Directory no longer knows) neither reads nor changes them, with a token issued before.
    /// </summary>
    private async Task<bool> IsCustomerOfProjectAsync(Caller caller, string projectKey, CancellationToken cancellationToken) =>
        caller.Role != CallerRole.Customer || (await OwnCustomerAsync(caller, cancellationToken)).ProjectKeys.Contains(projectKey);

    /// <summary>A customer caller as Directory knows them now (a customer token without a customer is refused).</summary>
    private Task<CustomerSnapshot> OwnCustomerAsync(Caller caller, CancellationToken cancellationToken) =>
        caller.CustomerId is { Length: > 0 } customerId
            ? customers.ReadAsync(customerId, "customer", cancellationToken)
            : throw new PermissionDeniedException("The customer token names no customer.");

    private static bool CanSee(Caller caller, Ticket ticket) => caller.Role switch
    {
        CallerRole.Admin or CallerRole.Service => true,
        CallerRole.Agent => caller.ProjectKeys.Contains(ticket.ProjectKey),
        CallerRole.Customer => caller.CustomerId is { } customerId && ticket.Concerns(customerId),
        _ => false,
    };
}
