using System.Buffers.Text;
using System.Text;
using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Api;

[Collection(TicketingCollection.Name)]
public sealed class TicketApiTests(TicketingHosts hosts)
{
    private TicketingService.TicketingServiceClient Client => hosts.Client;

    [Fact]
    public async Task A_customer_sees_the_tickets_they_report_or_take_part_in_and_never_internal_comments()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var janes = await hosts.NewTicketAsync(project, jane.Id);
        var johns = await hosts.NewTicketAsync(project, john.Id);
        var shared = await hosts.NewTicketAsync(project, john.Id);
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = shared.Id, CustomerId = jane.Id }, hosts.Admin);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = shared.Id, Body = "We are on it." }, hosts.Admin);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = shared.Id, Body = "Blame the vendor.", Internal = true }, hosts.Admin);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);

        var listed = await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, asJane);
        var seen = await Client.GetTicketAsync(new GetTicketRequest { TicketId = shared.Id }, asJane);

        Assert.Equal([shared.Id, janes.Id], listed.Tickets.Select(ticket => ticket.Id));
        Assert.Equal(["We are on it."], seen.Comments.Select(comment => comment.Body));
        Assert.All(listed.Tickets, ticket => Assert.DoesNotContain(ticket.Comments, comment => comment.Internal));
        Assert.Equal(("Jane", jane.Address), (seen.Participants.Single().DisplayName, seen.Participants.Single().Address));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.GetTicketAsync(new GetTicketRequest { TicketId = johns.Id }, asJane));
        var byAgent = await Client.GetTicketAsync(new GetTicketRequest { TicketId = shared.Id }, agent);
        Assert.Equal(2, byAgent.Comments.Count);
        Assert.Equal(3, (await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, agent)).Tickets.Count);
    }

    [Fact]
    public async Task Tickets_are_listed_newest_first_in_pages_whose_tokens_work_only_for_the_request_they_came_from()
    {
        var project = await hosts.NewProjectAsync();
        var other = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project, other);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await hosts.NewTicketAsync(project, jane.Id, $"Ticket {i}")).Id);
        }

        await hosts.NewTicketAsync(other, jane.Id);

        var pages = new List<IReadOnlyList<string>>();
        var request = new ListTicketsRequest { ProjectKey = project, PageSize = 2 };
        string firstToken = string.Empty;
        do
        {
            var page = await Client.ListTicketsAsync(request, hosts.Admin);
            pages.Add([.. page.Tickets.Select(ticket => ticket.Id)]);
            firstToken = firstToken.Length == 0 ? page.NextPageToken : firstToken;
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal([[created[4], created[3]], [created[2], created[1]], [created[0]]], pages);
        Assert.Equal($"{project}-5", created[4]);

        var otherProject = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(
            new ListTicketsRequest { ProjectKey = other, PageSize = 2, PageToken = firstToken }, hosts.Admin));
        var otherFilter = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(
            new ListTicketsRequest { ProjectKey = project, PageSize = 2, PageToken = firstToken, Status = TicketStatus.Closed }, hosts.Admin));
        // A hand-made token naming the other project still reads only the project in the request.
        var forged = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"tickets {other} 0 \n999"));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(
            new ListTicketsRequest { ProjectKey = project, PageToken = forged }, hosts.Admin));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(
            new ListTicketsRequest { ProjectKey = project, PageToken = "not-a-token" }, hosts.Admin));
        Assert.Equal(["page_token"], otherProject.Fields());
        Assert.Equal(["page_token"], otherFilter.Fields());
    }

    /// <summary>
    /// A summary becomes a letter's subject: no control, bidi or zero-width character. A description or comment keeps
    /// line breaks, tabs and emoji, but no other control character (a NUL reached a letter raw) nor a bidi override.
    /// </summary>
    [Fact]
    public async Task Texts_refuse_control_and_bidi_override_characters_and_keep_line_breaks_and_emoji()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);

        var refused = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateTicketAsync(new CreateTicketRequest
        {
            ProjectKey = project, ReporterCustomerId = jane.Id, Summary = "Invoice \u202Efdp.exe", Description = "Bell \u0007",
        }, hosts.Admin));
        var ticket = await Client.CreateTicketAsync(new CreateTicketRequest
        {
            ProjectKey = project, ReporterCustomerId = jane.Id, Summary = "Printer", Description = "Line one\r\n\tLine two \U0001F469\u200D\U0001F4BB",
        }, hosts.Admin);
        var nul = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () =>
            Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "nul \u0000 here" }, hosts.Admin));
        var isolate = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () =>
            Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "read \u2067backwards\u2069" }, hosts.Admin));

        Assert.Equal(["description", "summary"], refused.Fields().Order());
        Assert.Equal(["body"], nul.Fields());
        Assert.Equal(["body"], isolate.Fields());
        Assert.Equal("Line one\r\n\tLine two \U0001F469\u200D\U0001F4BB", ticket.Description);
    }

    [Fact]
    public async Task Page_tokens_are_opaque_and_work_only_for_the_caller_they_were_issued_to()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        await hosts.NewTicketAsync(project, jane.Id);
        await hosts.NewTicketAsync(project, jane.Id);
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);
        var otherAgent = await hosts.NewSignedInAsync(Role.Agent, null, project);
        var request = new ListTicketsRequest { ProjectKey = project, PageSize = 1 };

        var token = (await Client.ListTicketsAsync(request, agent)).NextPageToken;
        var projectsToken = (await Client.ListProjectsAsync(new ListProjectsRequest { PageSize = 1 }, hosts.Admin)).NextPageToken;

        Assert.Single((await Client.ListTicketsAsync(new ListTicketsRequest(request) { PageToken = token }, agent)).Tickets);
        var stolen = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(new ListTicketsRequest(request) { PageToken = token }, otherAgent));
        Assert.Equal(["page_token"], stolen.Fields());
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(new ListTicketsRequest(request) { PageToken = token }, hosts.Admin));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListProjectsAsync(new ListProjectsRequest { PageSize = 1, PageToken = projectsToken }, agent));
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListTicketsAsync(new ListTicketsRequest(request) { PageToken = tampered }, agent));
        var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        Assert.DoesNotContain(project, decoded, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tickets", decoded, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Lists_filter_by_status_and_reporter()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var janes = await hosts.NewTicketAsync(project, jane.Id);
        var johns = await hosts.NewTicketAsync(project, john.Id);
        var resolved = await Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = johns.Id, Status = TicketStatus.Resolved }, hosts.Admin);

        var byStatus = await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, Status = TicketStatus.Resolved }, hosts.Admin);
        var byReporter = await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, ReporterCustomerId = jane.Id }, hosts.Admin);

        Assert.Equal([resolved.Id], byStatus.Tickets.Select(ticket => ticket.Id));
        Assert.Equal([janes.Id], byReporter.Tickets.Select(ticket => ticket.Id));
    }

    [Fact]
    public async Task Statuses_move_freely_until_closed_and_a_closed_ticket_no_longer_changes()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var ticket = await hosts.NewTicketAsync(project, jane.Id);
        Assert.Equal((TicketStatus.Open, 1L), (ticket.Status, ticket.Version));

        foreach (var status in new[] { TicketStatus.InProgress, TicketStatus.WaitingForCustomer, TicketStatus.Resolved, TicketStatus.Open, TicketStatus.Closed })
        {
            ticket = await Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = status }, hosts.Admin);
            Assert.Equal(status, ticket.Status);
        }

        var again = await Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = TicketStatus.Closed }, hosts.Admin);
        Assert.Equal(6, again.Version);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = TicketStatus.Open }, hosts.Admin));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Hello?" }, hosts.Admin));
        Assert.Equal(again, await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin));
    }

    [Fact]
    public async Task Participants_are_customers_of_the_project_and_adding_or_removing_twice_changes_nothing_more()
    {
        var project = await hosts.NewProjectAsync();
        var elsewhere = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var stranger = await hosts.NewCustomerAsync("Stranger", elsewhere);
        var ticket = await hosts.NewTicketAsync(project, jane.Id);

        var added = await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        var addedAgain = await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        var reporterAdded = await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = jane.Id }, hosts.Admin);
        Assert.Equal([john.Id], addedAgain.Participants.Select(person => person.CustomerId));
        Assert.Equal((2L, 2L, 2L), (added.Version, addedAgain.Version, reporterAdded.Version));

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = stranger.Id }, hosts.Admin));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = TestData.Id() }, hosts.Admin));

        var removed = await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        var removedAgain = await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        Assert.Empty(removedAgain.Participants);
        Assert.Equal((3L, 3L), (removed.Version, removedAgain.Version));
    }

    [Fact]
    public async Task Concurrent_changes_to_one_ticket_all_land_each_with_a_version_of_its_own()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var ticket = await hosts.NewTicketAsync(project, jane.Id);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = $"Comment {i}" }, hosts.Admin).ResponseAsync));

        var stored = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"Comment {i}").Order(), stored.Comments.Select(comment => comment.Body).Order());
        Assert.Equal(Enumerable.Range(2, 12).Select(v => (long)v), answers.Select(answer => answer.Version).Order());
        Assert.Equal(13, stored.Version);
    }

    [Fact]
    public async Task Who_reports_a_ticket()
    {
        var project = await hosts.NewProjectAsync();
        var elsewhere = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var stranger = await hosts.NewCustomerAsync("Stranger", elsewhere);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var asStranger = await hosts.NewSignedInAsync(Role.Customer, stranger.Id);
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);

        var own = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Mine" }, asJane);
        Assert.Equal((jane.Id, "Jane", jane.Address), (own.Reporter.CustomerId, own.Reporter.DisplayName, own.Reporter.Address));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = john.Id, Summary = "For John" }, asJane));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Not mine" }, asStranger));

        var forJohn = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = john.Id, Summary = "For John" }, agent);
        Assert.Equal(hosts.AsAgentSees(john.Id, project), forJohn.Reporter.CustomerId);
        var missing = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "For nobody" }, agent));
        Assert.Equal(["reporter_customer_id"], missing.Fields());
        // A customer of none of the agent's projects is as unknown to them as one who does not exist.
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = stranger.Id, Summary = "For a stranger" }, agent));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = stranger.Id, Summary = "For a stranger" }, hosts.Admin));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = TestData.Id(), Summary = "For a ghost" }, agent));
    }

    [Fact]
    public async Task Without_Directory_a_ticket_is_refused_as_unavailable_and_nothing_is_stored()
    {
        await using var cutOff = await hosts.StartTicketingAsync(directoryAddress: "http://127.0.0.1:1");
        var client = new TicketingService.TicketingServiceClient(cutOff.Channel);
        var key = TestData.ProjectKey();
        await client.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = "Cut off" }, hosts.Admin);

        await RpcAssert.FailsAsync(StatusCode.Unavailable, () => client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = key, ReporterCustomerId = TestData.Id(), Summary = "Lost" }, hosts.Admin));

        Assert.Empty((await client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = key }, hosts.Admin)).Tickets);
    }

    [Fact]
    public async Task Creating_a_project_twice_is_already_exists_and_its_settings_are_kept()
    {
        var key = TestData.ProjectKey();
        var created = await Client.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = "  Help desk  ", AcceptMailFromAnyone = true }, hosts.Admin);

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Client.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = "Again" }, hosts.Admin));

        Assert.Equal(("Help desk", true), (created.Name, created.AcceptMailFromAnyone));
        Assert.Equal(created, await Client.GetProjectAsync(new GetProjectRequest { Key = key }, hosts.Admin));
    }

    public static TheoryData<string, string[]> BadRequests => new()
    {
        { "CreateProject", ["key", "name"] },
        { "CreateProjectTooLong", ["key", "name"] },
        { "GetProject", ["key"] },
        { "ListProjects", ["page_size", "page_token"] },
        { "CreateTicket", ["project_key", "reporter_customer_id", "summary", "description"] },
        { "CreateTicketEmpty", ["project_key", "summary"] },
        { "GetTicket", ["ticket_id"] },
        { "ListTickets", ["project_key", "status", "reporter_customer_id", "page_size", "page_token"] },
        { "AddParticipant", ["ticket_id", "customer_id"] },
        { "RemoveParticipant", ["ticket_id", "customer_id"] },
        { "AddComment", ["ticket_id", "body"] },
        { "AddCommentTooLong", ["body"] },
        { "ChangeStatus", ["ticket_id", "status"] },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_invalid_argument_naming_every_bad_field(string rpc, string[] fields)
    {
        var tooLong = new string('x', 40_000);
        var ticketId = new string('T', 31);
        Func<Task> call = rpc switch
        {
            "CreateProject" => () => Client.CreateProjectAsync(new CreateProjectRequest { Key = "help", Name = " " }, hosts.Admin).ResponseAsync,
            "CreateProjectTooLong" => () => Client.CreateProjectAsync(new CreateProjectRequest { Key = "HELPDESK123", Name = new string('n', 201) }, hosts.Admin).ResponseAsync,
            "GetProject" => () => Client.GetProjectAsync(new GetProjectRequest { Key = "1X" }, hosts.Admin).ResponseAsync,
            "ListProjects" => () => Client.ListProjectsAsync(new ListProjectsRequest { PageSize = 201, PageToken = tooLong }, hosts.Admin).ResponseAsync,
            "CreateTicket" => () => Client.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = "x", ReporterCustomerId = new string('c', 65), Summary = new string('s', 256), Description = new string('d', 32_769) },
                hosts.Admin).ResponseAsync,
            "CreateTicketEmpty" => () => Client.CreateTicketAsync(new CreateTicketRequest(), hosts.Admin).ResponseAsync,
            "GetTicket" => () => Client.GetTicketAsync(new GetTicketRequest { TicketId = ticketId }, hosts.Admin).ResponseAsync,
            "ListTickets" => () => Client.ListTicketsAsync(
                new ListTicketsRequest { ProjectKey = "", Status = (TicketStatus)99, ReporterCustomerId = new string('c', 65), PageSize = -1, PageToken = tooLong },
                hosts.Admin).ResponseAsync,
            "AddParticipant" => () => Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticketId }, hosts.Admin).ResponseAsync,
            "RemoveParticipant" => () => Client.RemoveParticipantAsync(new RemoveParticipantRequest { CustomerId = new string('c', 65) }, hosts.Admin).ResponseAsync,
            "AddComment" => () => Client.AddCommentAsync(new AddCommentRequest { Body = "   " }, hosts.Admin).ResponseAsync,
            "AddCommentTooLong" => () => Client.AddCommentAsync(new AddCommentRequest { TicketId = "HELP-1", Body = tooLong }, hosts.Admin).ResponseAsync,
            "ChangeStatus" => () => Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = "", Status = TicketStatus.Unspecified }, hosts.Admin).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "no such row"),
        };

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(fields, error.Fields().Distinct());
    }
}
