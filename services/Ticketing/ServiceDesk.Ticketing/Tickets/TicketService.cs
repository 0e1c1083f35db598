using System.Globalization;
using Google.Protobuf;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Hosting.Errors;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Messaging.Publishing;
using ServiceDesk.Ticketing.Customers;
using ServiceDesk.Ticketing.Mail;

namespace ServiceDesk.Ticketing.Tickets;

/// <summary>
/// Tickets: creating, reading and changing them. Requests arrive validated by the TicketValidators; every
/// method takes the caller and finds the ticket through <see cref="TicketingScope"/>, so a ticket outside the
/// caller's scope is NOT_FOUND. Each change raises the ticket's version by one and records its event with it.
/// </summary>
public sealed class TicketService(
    ITicketStore tickets,
    TicketingScope scope,
    DirectoryCustomers customers,
    ErasedCustomers erased,
    Paging paging,
    ProjectScopedIds scopedIds,
    IntegrationEvents events,
    TimeProvider time)
{
    public async Task<Ticket> CreateAsync(Caller caller, CreateTicketRequest request, CancellationToken cancellationToken)
    {
        var project = await scope.GetProjectAsync(caller, request.ProjectKey, "project_key", cancellationToken);
        var reporter = await ReporterAsync(caller, project.Key, request.ReporterCustomerId, cancellationToken);
        return await RefusingErasedAsync(
            OpenAsync(caller, project.Key, reporter.CustomerId, [], request.Summary.Trim(), request.Description, mailOf: null, cancellationToken),
            "reporter",
            caller.Role == CallerRole.Customer ? caller.CustomerId ?? string.Empty : request.ReporterCustomerId);
    }

    /// <summary>
    /// A ticket raised by an inbound message, recorded with it (<paramref name="mailOf"/> describes the message for
    /// the new ticket's id). The reporter and participants are customers of the project the intake resolved.
    /// </summary>
    /// <exception cref="Mail.DuplicateMailException">The message was taken in meanwhile; nothing is written.</exception>
    /// <exception cref="CustomerErasedException">The reporter or a participant was erased meanwhile; nothing is written.</exception>
    public Task<Ticket> OpenFromMailAsync(
        Caller caller, string projectKey, string reporterId, IReadOnlyList<string> participantIds, string summary, string description,
        Func<string, InboundMail> mailOf, CancellationToken cancellationToken) =>
        OpenAsync(caller, projectKey, reporterId, [.. participantIds.Take(Ticket.MaxParticipants)], summary, description, mailOf, cancellationToken);

    /// <summary>
    /// A comment by a customer of the ticket from an inbound message, recorded with it, together with the copied
    /// customers joining as participants (as many as a ticket holds).
    /// </summary>
    /// <exception cref="Mail.DuplicateMailException">The message was taken in meanwhile; nothing is written.</exception>
    /// <exception cref="CustomerErasedException">The author or a joining participant was erased meanwhile; nothing is written.</exception>
    public Task<Ticket> CommentFromMailAsync(
        Caller caller, string ticketId, string authorCustomerId, IReadOnlyList<string> participantIds, string body, InboundMail mail, CancellationToken cancellationToken)
    {
        var comment = new TicketComment(Guid.CreateVersion7().ToString("N"), null, authorCustomerId, body, Internal: false, time.Now());
        return ChangeAsync(
            caller,
            ticketId,
            ticket =>
            {
                RequireNotClosed(ticket);
                var joining = participantIds.Where(id => !ticket.Concerns(id)).Distinct().Take(Ticket.MaxParticipants - ticket.ParticipantIds.Count);
                return ticket.HasRoomFor(comment.Body, isInternal: false)
                    ? ticket with { ParticipantIds = [.. ticket.ParticipantIds, .. joining], Comments = [.. ticket.Comments, comment] }
                    : throw Full(ticket);
            },
            (before, changed) =>
            [
                .. changed.ParticipantIds.Except(before.ParticipantIds).Select(id => TicketEvents.ParticipantAdded(changed, id, caller)),
                TicketEvents.Commented(changed, comment),
            ],
            mail,
            cancellationToken);
    }

    public Task<Ticket> GetAsync(Caller caller, string ticketId, CancellationToken cancellationToken) => scope.GetTicketAsync(caller, ticketId, cancellationToken);

    /// <summary>Newest first. A page token holds the last number of the previous page, bound to the project and filters.</summary>
    public async Task<(IReadOnlyList<Ticket> Tickets, string NextPageToken)> ListAsync(Caller caller, ListTicketsRequest request, CancellationToken cancellationToken)
    {
        var project = await scope.GetProjectAsync(caller, request.ProjectKey, "project_key", cancellationToken);
        var pagedRequest = PagedRequest(project.Key, request);
        var before = paging.PositionOf(request.PageToken, caller, pagedRequest) is { } position
            ? long.Parse(position, NumberStyles.None, CultureInfo.InvariantCulture)
            : (long?)null;
        var size = Paging.SizeOf(request.PageSize);
        var reporterIds = request.ReporterCustomerId.Length == 0 ? null : OwnIdsOf(caller, request.ReporterCustomerId, project.Key);
        if (reporterIds is [])
        {
            return ([], string.Empty);
        }

        IReadOnlyList<string?> reporters = reporterIds is null ? [null] : [.. reporterIds];
        var found = await ProjectScopedIds.FirstFoundAsync(
            reporters,
            reporterId => tickets.ListAsync(
                new TicketQuery(
                    project.Key,
                    request.Status == TicketStatus.Unspecified ? null : request.Status,
                    reporterId,
                    caller.Role == CallerRole.Customer ? caller.CustomerId : null,
                    before,
                    size + 1),
                cancellationToken));

        return found.Count > size
            ? ([.. found.Take(size)], NextPageToken(caller, request, found[size - 1]))
            : (found, string.Empty);
    }

    /// <summary>The token of the page after <paramref name="last"/>, a ticket of a page <see cref="ListAsync"/> answered the request with.</summary>
    public string NextPageToken(Caller caller, ListTicketsRequest request, Ticket last) =>
        paging.Token(caller, PagedRequest(last.ProjectKey, request), last.Number.ToString(CultureInfo.InvariantCulture));

    private static string PagedRequest(string projectKey, ListTicketsRequest request) => $"tickets {projectKey} {(int)request.Status} {request.ReporterCustomerId}";

    /// <summary>
    /// Adding a customer who already takes part (or reports the ticket) changes nothing. A customer names the others by
    /// the ids their tickets show them (scoped to the ticket's project); another customer's own id, or an id scoped to
    /// another project, is NOT_FOUND to them, as an unknown id.
    /// </summary>
    public async Task<Ticket> AddParticipantAsync(Caller caller, string ticketId, string customerId, CancellationToken cancellationToken)
    {
        await RequireCallerNotErasedAsync(caller, "caller", cancellationToken);
        var current = await scope.GetTicketAsync(caller, ticketId, cancellationToken);
        if (caller.Role == CallerRole.Customer && OwnIdsOf(caller, customerId, current.ProjectKey) is [])
        {
            throw new NotFoundException("customer", customerId, "customer_id");
        }

        await RequireNamedNotErasedAsync(caller, customerId, "participant", cancellationToken);
        if (current.Concerns(customerId))
        {
            return current;
        }

        // Kept by the id Directory answers with: an agent names customers by ids scoped to their project.
        var participant = await customers.SnapshotOfMemberAsync(customerId, current.ProjectKey, AgentProjects(caller), "customer_id", "participant", cancellationToken);
        return await RefusingErasedAsync(ChangeAsync(
            caller,
            ticketId,
            ticket =>
            {
                if (ticket.Concerns(participant.CustomerId))
                {
                    return null;
                }

                return ticket.ParticipantIds.Count < Ticket.MaxParticipants
                    ? ticket with { ParticipantIds = [.. ticket.ParticipantIds, participant.CustomerId] }
                    : throw new PreconditionFailedException("PARTICIPANTS", $"ticket/{ticket.Id}", $"A ticket has at most {Ticket.MaxParticipants} participants.");
            },
            (_, changed) => [TicketEvents.ParticipantAdded(changed, participant.CustomerId, caller)],
            null,
            cancellationToken),
            "participant",
            customerId);
    }

    /// <summary>
    /// Removing a customer who does not take part changes nothing. Among customers, the reporter may remove anyone who
    /// takes part and a participant only themselves: one participant may not shut another out of a request they share.
    /// </summary>
    public async Task<Ticket> RemoveParticipantAsync(Caller caller, string ticketId, string customerId, CancellationToken cancellationToken)
    {
        await RequireCallerNotErasedAsync(caller, "caller", cancellationToken);
        return await ChangeAsync(
            caller,
            ticketId,
            ticket => OwnIdsOf(caller, customerId, ticket.ProjectKey).FirstOrDefault(ticket.ParticipantIds.Contains) is { } participant
                ? caller.Role != CallerRole.Customer || caller.CustomerId == ticket.ReporterId || caller.CustomerId == participant
                    ? ticket with { ParticipantIds = [.. ticket.ParticipantIds.Where(id => id != participant)] }
                    : throw new PermissionDeniedException("Only the request's reporter may remove other participants; a participant may remove themselves.")
                : null,
            (before, changed) => [.. before.ParticipantIds.Except(changed.ParticipantIds).Select(id => TicketEvents.ParticipantRemoved(changed, id, caller))],
            null,
            cancellationToken);
    }

    /// <summary>
    /// Customers comment only publicly, and only on their own tickets (which are the only ones they find); an erased
    /// customer not at all, though their access token is still valid for a few minutes: what they wrote would stay
    /// in clear, past the removal that already redacted their tickets.
    /// </summary>
    public async Task<Ticket> AddCommentAsync(Caller caller, AddCommentRequest request, CancellationToken cancellationToken)
    {
        if (caller.RequireAuthenticated().Role == CallerRole.Customer && request.Internal)
        {
            throw new PermissionDeniedException("Customers may add public comments only.");
        }

        await RequireCallerNotErasedAsync(caller, "author", cancellationToken);

        var comment = new TicketComment(
            Guid.CreateVersion7().ToString("N"),
            caller.AccountId,
            caller.Role == CallerRole.Customer ? caller.CustomerId : null,
            request.Body.Trim(),
            request.Internal,
            time.Now());
        return await RefusingErasedAsync(
            ChangeAsync(
                caller,
                request.TicketId,
                ticket =>
                {
                    RequireNotClosed(ticket);
                    return ticket.HasRoomFor(comment.Body, comment.Internal)
                        ? ticket with { Comments = [.. ticket.Comments, comment] }
                        : throw Full(ticket);
                },
                (_, changed) => [TicketEvents.Commented(changed, comment)],
                null,
                cancellationToken,
                customersSee: !comment.Internal),
            "author",
            caller.CustomerId ?? string.Empty);
    }

    /// <summary>Staff only. Any status may follow any other, except that CLOSED is final.</summary>
    public Task<Ticket> ChangeStatusAsync(Caller caller, ChangeStatusRequest request, CancellationToken cancellationToken)
    {
        caller.RequireRole(CallerRole.Agent, CallerRole.Admin, CallerRole.Service);
        return ChangeAsync(
            caller,
            request.TicketId,
            ticket =>
            {
                if (ticket.Status == request.Status)
                {
                    return null;
                }

                RequireNotClosed(ticket);
                return ticket with { Status = request.Status };
            },
            (before, changed) => [TicketEvents.StatusChanged(before, changed, caller)],
            null,
            cancellationToken);
    }

    private async Task<Ticket> OpenAsync(
        Caller caller, string projectKey, string reporterId, IReadOnlyList<string> participantIds, string summary, string description,
        Func<string, InboundMail>? mailOf, CancellationToken cancellationToken)
    {
        var now = time.Now();
        var ticket = await tickets.InsertNextAsync(
            projectKey,
            number =>
            {
                var numbered = new Ticket(Ticket.IdOf(projectKey, number), projectKey, number, summary, description, reporterId, participantIds, TicketStatus.Open, [], now, now, Version: 1);
                return new NumberedTicket(numbered, [events.Prepare(TicketEvents.Created(numbered, caller))], mailOf?.Invoke(numbered.Id));
            },
            cancellationToken);
        events.WakeRelay();
        return ticket;
    }

    /// <summary>
    /// Applies <paramref name="change"/> (null: nothing to change) to the ticket as stored, and writes it with
    /// its events (and the inbound message that made it, if any) over the version it was read at; a concurrent
    /// change makes it read and apply again.
    /// </summary>
    private async Task<Ticket> ChangeAsync(
        Caller caller,
        string ticketId,
        Func<Ticket, Ticket?> change,
        Func<Ticket, Ticket, IEnumerable<IMessage>> eventsOf,
        InboundMail? mail,
        CancellationToken cancellationToken,
        bool customersSee = true)
    {
        while (true)
        {
            var current = await scope.GetTicketAsync(caller, ticketId, cancellationToken);
            if (change(current) is not { } next)
            {
                return current;
            }

            var now = time.Now();
            var changed = next with
            {
                UpdatedAt = now,
                Version = current.Version + 1,
                CustomersUpdatedAt = customersSee ? now : current.CustomersUpdatedAt ?? current.UpdatedAt,
            };
            if (await tickets.ReplaceAsync(current, changed, [.. eventsOf(current, changed).Select(events.Prepare)], mail, cancellationToken))
            {
                events.WakeRelay();
                return changed;
            }
        }
    }

    /// <summary>Customers report for themselves; staff name a reporter.</summary>
    private async Task<CustomerSnapshot> ReporterAsync(Caller caller, string projectKey, string reporterCustomerId, CancellationToken cancellationToken)
    {
        await RequireNamedNotErasedAsync(caller, caller.Role == CallerRole.Customer ? caller.CustomerId ?? string.Empty : reporterCustomerId, "reporter", cancellationToken);
        if (caller.Role == CallerRole.Customer)
        {
            return caller.CustomerId is { } self && (reporterCustomerId.Length == 0 || reporterCustomerId == self)
                ? await customers.SnapshotOfMemberAsync(self, projectKey, agentProjects: null, "reporter_customer_id", "reporter", cancellationToken)
                : throw new PermissionDeniedException("A customer reports only for themselves: leave reporter_customer_id empty.");
        }

        return reporterCustomerId.Length > 0
            ? await customers.SnapshotOfMemberAsync(reporterCustomerId, projectKey, AgentProjects(caller), "reporter_customer_id", "reporter", cancellationToken)
            : throw new ValidationException("reporter_customer_id", "is required when staff raise a ticket");
    }

    /// <summary>
    /// A customer removed while their access token is still valid changes no ticket (their id would go on in the
    /// ticket's events after the removal, and a comment of theirs in clear); <paramref name="role"/> names them in the refusal.
    /// </summary>
    private Task RequireCallerNotErasedAsync(Caller caller, string role, CancellationToken cancellationToken) =>
        caller.RequireAuthenticated().Role == CallerRole.Customer
            ? RequireNotErasedAsync(caller.CustomerId ?? string.Empty, role, cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// An agent is not asked the ledger before Directory has placed <paramref name="customerId"/> in one of their
    /// projects (the write refuses an erased one then): agents are never shown customers' own ids, and an early
    /// ERASED would tell them that an own id they guessed or kept belonged to a removed customer, where an unknown
    /// id is NOT_FOUND.
    /// </summary>
    private Task RequireNamedNotErasedAsync(Caller caller, string customerId, string role, CancellationToken cancellationToken) =>
        caller.Role == CallerRole.Agent ? Task.CompletedTask : RequireNotErasedAsync(customerId, role, cancellationToken);

    /// <summary>
    /// From this service's erasure ledger: refused from the moment the removal arrived, before Directory forgets them.
    /// Checked again by the write itself (<see cref="RefusingErasedAsync"/>), for a removal arriving in between.
    /// </summary>
    private async Task RequireNotErasedAsync(string customerId, string role, CancellationToken cancellationToken)
    {
        if (await erased.IsCustomerErasedAsync(customerId, cancellationToken))
        {
            throw Erased(role, customerId);
        }
    }

    /// <summary>
    /// The write's own refusal (<see cref="CustomerErasedException"/>) answered as the check before it answers, naming
    /// the customer by the id the caller gave (an agent knows customers by ids scoped to their project, not by the
    /// customer's own id, which the exception holds).
    /// </summary>
    private static async Task<Ticket> RefusingErasedAsync(Task<Ticket> write, string role, string customerIdAsGiven)
    {
        try
        {
            return await write;
        }
        catch (CustomerErasedException)
        {
            throw Erased(role, customerIdAsGiven);
        }
    }

    private static PreconditionFailedException Erased(string role, string customerId) =>
        new("ERASED", $"customer/{customerId}", $"The {role} was erased; an erased customer takes part in no ticket.");

    private static PreconditionFailedException Full(Ticket ticket) =>
        new("COMMENTS", $"ticket/{ticket.Id}", $"A ticket holds at most {Ticket.MaxComments} comments and {Ticket.MaxTextBytes / 1024} KiB of text of each kind (public, with the summary and description; internal); open a new one.");

    private static void RequireNotClosed(Ticket ticket)
    {
        if (ticket.Status == TicketStatus.Closed)
        {
            throw new PreconditionFailedException("STATUS", $"ticket/{ticket.Id}", "The ticket is closed; closed tickets do not change.");
        }
    }

    private static IReadOnlySet<string>? AgentProjects(Caller caller) => caller.Role == CallerRole.Agent ? caller.ProjectKeys : null;

    /// <summary>
    /// The customer's own ids an id given for the project may stand for: an id scoped to the project (as agents, and the
    /// customers sharing a ticket, know customers, <see cref="ProjectScopedIds"/>) opens to its candidates, current KEK
    /// first; an id scoped to another project stands for none. Any other id is itself, except that a customer names no
    /// one but themselves by an own id: they are shown the others by scoped ids only, and naming another by an own id
    /// would tell them which scoped id, or which project's customer, it is.
    /// </summary>
    private IReadOnlyList<string> OwnIdsOf(Caller caller, string customerId, string projectKey) =>
        scopedIds.TryOpen(customerId, out var project, out var candidates)
            ? project == projectKey ? candidates : []
            : caller.Role != CallerRole.Customer || customerId == caller.CustomerId ? [customerId] : [];
}
