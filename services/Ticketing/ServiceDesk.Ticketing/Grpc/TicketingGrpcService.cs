using Grpc.Core;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Ticketing.Mail;
using ServiceDesk.Ticketing.Projects;
using ServiceDesk.Ticketing.Tickets;
using TicketMessage = ServiceDesk.Contracts.Ticketing.V1.Ticket;

namespace ServiceDesk.Ticketing.Grpc;

/// <summary>
/// The v1 ticketing API. Requests are validated before a handler runs (the *Validator classes); the feature
/// services authorise the caller through <see cref="TicketingScope"/>; inbound mail is for admins and the
/// mail-intake service identity.
/// </summary>
public sealed class TicketingGrpcService(ProjectService projects, TicketService tickets, TicketingScope scope, TicketMessages messages, MailIntake mail)
    : TicketingService.TicketingServiceBase
{
    /// <summary>What a page of tickets may add up to, serialized: half a gRPC client's default 4 MiB message limit.</summary>
    public const int MaxPageBytes = 2 * 1024 * 1024;

    public override async Task<Contracts.Ticketing.V1.Project> CreateProject(CreateProjectRequest request, ServerCallContext context)
    {
        context.GetCallerWithinServicePolicy().RequireAdmin();
        return TicketMessages.ToMessage(await projects.CreateAsync(request, context.CancellationToken));
    }

    public override async Task<Contracts.Ticketing.V1.Project> GetProject(GetProjectRequest request, ServerCallContext context) =>
        TicketMessages.ToMessage(await scope.GetProjectAsync(context.GetCallerWithinServicePolicy(), request.Key, "key", context.CancellationToken));

    public override async Task<ListProjectsResponse> ListProjects(ListProjectsRequest request, ServerCallContext context)
    {
        var (page, nextPageToken) = await projects.ListAsync(context.GetCallerWithinServicePolicy(), request, context.CancellationToken);
        return new ListProjectsResponse { Projects = { page.Select(TicketMessages.ToMessage) }, NextPageToken = nextPageToken };
    }

    public override async Task<TicketMessage> CreateTicket(CreateTicketRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return await messages.ToMessageAsync(await tickets.CreateAsync(caller, request, context.CancellationToken), caller, context.CancellationToken);
    }

    public override async Task<TicketMessage> GetTicket(GetTicketRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return await messages.ToMessageAsync(await tickets.GetAsync(caller, request.TicketId, context.CancellationToken), caller, context.CancellationToken);
    }

    /// <summary>
    /// A page ends early, its token going on from its last ticket, where the tickets would pass
    /// <see cref="MaxPageBytes"/>: a page of 200 full tickets, each with 50 participants, would pass a gRPC
    /// client's 4 MiB message limit, and the caller could read no page at all.
    /// </summary>
    public override async Task<ListTicketsResponse> ListTickets(ListTicketsRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        var (page, nextPageToken) = await tickets.ListAsync(caller, request, context.CancellationToken);
        var response = new ListTicketsResponse { NextPageToken = nextPageToken };
        var bytes = 0;
        foreach (var message in await messages.ToMessagesAsync(page, caller, context.CancellationToken))
        {
            bytes += message.CalculateSize();
            if (response.Tickets.Count > 0 && bytes > MaxPageBytes)
            {
                response.NextPageToken = tickets.NextPageToken(caller, request, page[response.Tickets.Count - 1]);
                break;
            }

            response.Tickets.Add(message);
        }

        return response;
    }

    public override async Task<TicketMessage> AddParticipant(AddParticipantRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        var ticket = await tickets.AddParticipantAsync(caller, request.TicketId, request.CustomerId, context.CancellationToken);
        return await messages.ToMessageAsync(ticket, caller, context.CancellationToken);
    }

    public override async Task<TicketMessage> RemoveParticipant(RemoveParticipantRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        var ticket = await tickets.RemoveParticipantAsync(caller, request.TicketId, request.CustomerId, context.CancellationToken);
        return await messages.ToMessageAsync(ticket, caller, context.CancellationToken);
    }

    public override async Task<TicketMessage> AddComment(AddCommentRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return await messages.ToMessageAsync(await tickets.AddCommentAsync(caller, request, context.CancellationToken), caller, context.CancellationToken);
    }

    public override async Task<TicketMessage> ChangeStatus(ChangeStatusRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        return await messages.ToMessageAsync(await tickets.ChangeStatusAsync(caller, request, context.CancellationToken), caller, context.CancellationToken);
    }

    public override Task<IngestEmailResponse> IngestEmail(IngestEmailRequest request, ServerCallContext context) =>
        mail.IngestAsync(MailCaller(context), request.ProjectKey, IncomingEmail.FromRequest(request), context.CancellationToken);

    public override async Task<IngestEmailResponse> IngestRawEmail(IngestRawEmailRequest request, ServerCallContext context)
    {
        var caller = MailCaller(context);
        return await mail.IngestAsync(caller, request.ProjectKey, await IncomingEmail.ParseAsync(request.Message.Memory, context.CancellationToken), context.CancellationToken);
    }

    /// <summary>Admins, and service identities granted inbound mail (the mail-intake identity an MTA pipe presents).</summary>
    private static Caller MailCaller(ServerCallContext context) => context.GetCallerWithinServicePolicy().RequireRole(CallerRole.Admin, CallerRole.Service);
}
