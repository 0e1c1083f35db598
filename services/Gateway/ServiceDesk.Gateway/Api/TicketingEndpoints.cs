using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Gateway.Backends;
using ServiceDesk.Gateway.Problems;

namespace ServiceDesk.Gateway.Api;

public sealed record CreateProjectBody(string? Key, string? Name, bool AcceptMailFromAnyone);

public sealed record CreateTicketBody(string? ProjectKey, string? ReporterCustomerId, string? Summary, string? Description);

public sealed record CommentBody(string? Body, bool Internal);

public sealed record StatusBody(string? Status);

/// <summary>Projects and tickets (Ticketing).</summary>
internal static class TicketingEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var projects = api.MapGroup("/projects").WithTags("Projects");
        projects.MapGet("/", ListProjectsAsync).WithSummary("The projects the caller may see, a page at a time");
        projects.MapPost("/", CreateProjectAsync).WithSummary("Create a service project (admin)");
        projects.MapGet("/{projectKey}", GetProjectAsync).WithSummary("One project");

        var tickets = api.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapGet("/", ListTicketsAsync).WithSummary("Tickets of a project, newest first, a page at a time; status and reporter filter");
        tickets.MapPost("/", CreateTicketAsync).WithSummary("Raise a request");
        tickets.MapGet("/{ticketId}", GetTicketAsync).WithSummary("One ticket with its participants and comments");
        tickets.MapPost("/{ticketId}/comments", AddCommentAsync).WithSummary("Comment on a ticket (internal comments: agents and admins)");
        tickets.MapPut("/{ticketId}/participants/{customerId}", AddParticipantAsync).WithSummary("Add a request participant");
        tickets.MapDelete("/{ticketId}/participants/{customerId}", RemoveParticipantAsync).WithSummary("Remove a request participant");
        tickets.MapPut("/{ticketId}/status", ChangeStatusAsync).WithSummary("Change a ticket's status (agents and admins)");
    }

    private static async Task<IResult> ListProjectsAsync(int? pageSize, string? pageToken, TicketingService.TicketingServiceClient ticketing, BackendCall call)
    {
        var page = await ticketing.ListProjectsAsync(new ListProjectsRequest { PageSize = pageSize ?? 0, PageToken = pageToken ?? string.Empty }, await call.AsUserAsync());
        return Results.Ok(new Page<ProjectResource>([.. page.Projects.Select(ProjectResource.From)], page.NextPageToken));
    }

    private static async Task<IResult> CreateProjectAsync(CreateProjectBody body, TicketingService.TicketingServiceClient ticketing, BackendCall call)
    {
        var project = await ticketing.CreateProjectAsync(
            new CreateProjectRequest { Key = body.Key ?? string.Empty, Name = body.Name ?? string.Empty, AcceptMailFromAnyone = body.AcceptMailFromAnyone },
            await call.AsUserAsync());
        return Results.Created($"/api/v1/projects/{project.Key}", ProjectResource.From(project));
    }

    private static async Task<IResult> GetProjectAsync(string projectKey, TicketingService.TicketingServiceClient ticketing, BackendCall call) =>
        Results.Ok(ProjectResource.From(await ticketing.GetProjectAsync(new GetProjectRequest { Key = projectKey }, await call.AsUserAsync())));

    private static async Task<IResult> ListTicketsAsync(
        string? projectKey, string? status, string? reporterCustomerId, int? pageSize, string? pageToken, TicketingService.TicketingServiceClient ticketing, BackendCall call)
    {
        if (!ApiEnum<TicketStatus>.TryParse(status, out var parsed))
        {
            return GrpcProblems.Invalid("status", $"must be one of {ApiEnum<TicketStatus>.Names}");
        }

        var page = await ticketing.ListTicketsAsync(
            new ListTicketsRequest
            {
                ProjectKey = projectKey ?? string.Empty,
                Status = parsed,
                ReporterCustomerId = reporterCustomerId ?? string.Empty,
                PageSize = pageSize ?? 0,
                PageToken = pageToken ?? string.Empty,
            },
            await call.AsUserAsync());
        return Results.Ok(new Page<TicketResource>([.. page.Tickets.Select(TicketResource.From)], page.NextPageToken));
    }

    private static async Task<IResult> CreateTicketAsync(CreateTicketBody body, TicketingService.TicketingServiceClient ticketing, BackendCall call)
    {
        var ticket = await ticketing.CreateTicketAsync(
            new CreateTicketRequest
            {
                ProjectKey = body.ProjectKey ?? string.Empty,
                ReporterCustomerId = body.ReporterCustomerId ?? string.Empty,
                Summary = body.Summary ?? string.Empty,
                Description = body.Description ?? string.Empty,
            },
            await call.AsUserAsync());
        return Results.Created($"/api/v1/tickets/{ticket.Id}", TicketResource.From(ticket));
    }

    private static async Task<IResult> GetTicketAsync(string ticketId, TicketingService.TicketingServiceClient ticketing, BackendCall call) =>
        Results.Ok(TicketResource.From(await ticketing.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, await call.AsUserAsync())));

    private static async Task<IResult> AddCommentAsync(string ticketId, CommentBody body, TicketingService.TicketingServiceClient ticketing, BackendCall call)
    {
        var ticket = await ticketing.AddCommentAsync(new AddCommentRequest { TicketId = ticketId, Body = body.Body ?? string.Empty, Internal = body.Internal }, await call.AsUserAsync());
        return Results.Created($"/api/v1/tickets/{ticket.Id}", TicketResource.From(ticket));
    }

    private static async Task<IResult> AddParticipantAsync(string ticketId, string customerId, TicketingService.TicketingServiceClient ticketing, BackendCall call) =>
        Results.Ok(TicketResource.From(await ticketing.AddParticipantAsync(new AddParticipantRequest { TicketId = ticketId, CustomerId = customerId }, await call.AsUserAsync())));

    private static async Task<IResult> RemoveParticipantAsync(string ticketId, string customerId, TicketingService.TicketingServiceClient ticketing, BackendCall call) =>
        Results.Ok(TicketResource.From(await ticketing.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticketId, CustomerId = customerId }, await call.AsUserAsync())));

    private static async Task<IResult> ChangeStatusAsync(string ticketId, StatusBody body, TicketingService.TicketingServiceClient ticketing, BackendCall call)
    {
        if (!ApiEnum<TicketStatus>.TryParse(body.Status, out var status) || status == TicketStatus.Unspecified)
        {
            return GrpcProblems.Invalid("status", $"must be one of {ApiEnum<TicketStatus>.Names}");
        }

        return Results.Ok(TicketResource.From(await ticketing.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticketId, Status = status }, await call.AsUserAsync())));
    }
}
