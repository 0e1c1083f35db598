using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Api;

/// <summary>
/// Agents know customers by the ids Directory gives them, scoped to their project; those ids work in Ticketing,
/// which keeps the customer by the id Directory answers its own service identity with, and answers agents with
/// them: a ticket never shows an agent a customer's own id, which would link the customer across projects.
/// </summary>
[Collection(TicketingCollection.Name)]
public sealed class AgentCustomerIdTests(TicketingHosts hosts)
{
    [Fact]
    public async Task An_agent_raises_a_ticket_and_adds_participants_with_the_customer_ids_Directory_gave_them()
    {
        var project = await hosts.NewProjectAsync();
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);
        var reporter = await hosts.DirectoryClient.CreateCustomerAsync(
            new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Reporting Rita", ProjectKeys = { project } }, agent);
        // Known elsewhere first: the agent invites the address and gets an id of their own project.
        var elsewhere = await hosts.NewCustomerAsync("Invited Ivo", await hosts.NewProjectAsync());
        var invited = await hosts.DirectoryClient.CreateCustomerAsync(
            new CreateCustomerRequest { Address = elsewhere.Address, DisplayName = "Invited Ivo", ProjectKeys = { project } }, agent);
        Assert.NotEqual(elsewhere.Id, invited.Id);

        var ticket = await hosts.Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = reporter.Id, Summary = "Printer on fire", Description = "It smokes." }, agent);
        await hosts.Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = invited.Id }, agent);
        var again = await hosts.Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = invited.Id }, agent);

        Assert.Equal((reporter.Id, "Reporting Rita", reporter.Address), (ticket.Reporter.CustomerId, ticket.Reporter.DisplayName, ticket.Reporter.Address));
        Assert.Equal([(invited.Id, "Invited Ivo", elsewhere.Address)], again.Participants.Select(person => (person.CustomerId, person.DisplayName, person.Address)));

        var byReporter = await hosts.Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, ReporterCustomerId = reporter.Id }, agent);
        Assert.Equal([ticket.Id], byReporter.Tickets.Select(t => t.Id));
        var left = await hosts.Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = invited.Id }, agent);
        Assert.Empty(left.Participants);
    }

    /// <summary>A scoped id opens to one candidate per listed KEK; the one made before a rotation names the second.</summary>
    [Fact]
    public async Task An_id_an_agent_was_given_before_a_KEK_rotation_still_filters_their_tickets_by_reporter()
    {
        var project = await hosts.NewProjectAsync();
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);
        var rita = await hosts.NewCustomerAsync("Reporting Rita", project);
        var ticket = await hosts.Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = project, ReporterCustomerId = hosts.AsAgentSees(rita.Id, project), Summary = "Printer on fire" }, agent);

        var byOldId = await hosts.Client.ListTicketsAsync(
            new ListTicketsRequest { ProjectKey = project, ReporterCustomerId = TicketingHosts.AgentSeesUnderRetiredKek(rita.Id, project) }, agent);

        Assert.Equal([ticket.Id], byOldId.Tickets.Select(t => t.Id));
    }

    [Fact]
    public async Task Agents_of_two_projects_see_a_shared_customer_on_their_tickets_under_unrelated_ids_and_never_its_own()
    {
        var first = await hosts.NewProjectAsync();
        var second = await hosts.NewProjectAsync();
        var shared = await hosts.NewCustomerAsync("Shared Sam", first, second);
        var firstAgent = await hosts.NewSignedInAsync(Role.Agent, null, first);
        var secondAgent = await hosts.NewSignedInAsync(Role.Agent, null, second);

        var inFirst = await hosts.Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = first, ReporterCustomerId = shared.Id, Summary = "One" }, firstAgent);
        var inSecond = await hosts.Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = second, ReporterCustomerId = shared.Id, Summary = "Two" }, secondAgent);

        Assert.Equal(hosts.AsAgentSees(shared.Id, first), inFirst.Reporter.CustomerId);
        Assert.Equal(hosts.AsAgentSees(shared.Id, second), inSecond.Reporter.CustomerId);
        Assert.NotEqual(inFirst.Reporter.CustomerId, inSecond.Reporter.CustomerId);
        Assert.Equal(shared.Id, (await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = inFirst.Id }, hosts.Admin)).Reporter.CustomerId);
    }

    [Fact]
    public async Task A_shared_customer_s_comments_show_agents_of_two_projects_no_common_id()
    {
        var first = await hosts.NewProjectAsync();
        var second = await hosts.NewProjectAsync();
        var shared = await hosts.NewCustomerAsync("Shared Sam", first, second);
        var asShared = await hosts.NewSignedInAsync(Role.Customer, shared.Id);
        var firstAgent = await hosts.NewSignedInAsync(Role.Agent, null, first);
        var secondAgent = await hosts.NewSignedInAsync(Role.Agent, null, second);
        var inFirst = await hosts.Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = first, Summary = "One" }, asShared);
        var inSecond = await hosts.Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = second, Summary = "Two" }, asShared);
        await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = inFirst.Id, Body = "More detail" }, asShared);
        await hosts.Client.AddCommentAsync(new AddCommentRequest { TicketId = inSecond.Id, Body = "More detail" }, asShared);

        var seenInFirst = Assert.Single((await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = inFirst.Id }, firstAgent)).Comments);
        var seenInSecond = Assert.Single((await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = inSecond.Id }, secondAgent)).Comments);

        // The account id, the same in every project, would link the customer across them as their own id would.
        Assert.Equal((hosts.AsAgentSees(shared.Id, first), ""), (seenInFirst.AuthorCustomerId, seenInFirst.AuthorAccountId));
        Assert.Equal((hosts.AsAgentSees(shared.Id, second), ""), (seenInSecond.AuthorCustomerId, seenInSecond.AuthorAccountId));
        var asAdmin = Assert.Single((await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = inFirst.Id }, hosts.Admin)).Comments);
        var ownView = Assert.Single((await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = inSecond.Id }, asShared)).Comments);
        Assert.Equal(shared.Id, asAdmin.AuthorCustomerId);
        Assert.NotEmpty(asAdmin.AuthorAccountId);
        Assert.Equal(asAdmin.AuthorAccountId, ownView.AuthorAccountId);
    }

    [Fact]
    public async Task A_customer_of_another_of_the_agents_projects_is_refused_by_the_id_the_agent_named_never_their_own()
    {
        var first = await hosts.NewProjectAsync();
        var second = await hosts.NewProjectAsync();
        var onlyInFirst = await hosts.NewCustomerAsync("First Only", first);
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, first, second);
        var scopedId = hosts.AsAgentSees(onlyInFirst.Id, first);
        var reporter = await hosts.NewCustomerAsync("Second Reporter", second);
        var ticket = await hosts.Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = second, ReporterCustomerId = hosts.AsAgentSees(reporter.Id, second), Summary = "Two" }, agent);

        var refused = new[]
        {
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = scopedId }, agent)),
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => hosts.Client.CreateTicketAsync(
                new CreateTicketRequest { ProjectKey = second, ReporterCustomerId = scopedId, Summary = "Not theirs" }, agent)),
        };

        foreach (var error in refused)
        {
            var violation = error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single();
            Assert.Equal(("MEMBERSHIP", $"customer/{scopedId}"), (violation.Type, violation.Subject));
            Assert.DoesNotContain(onlyInFirst.Id, error.ToString(), StringComparison.Ordinal);
        }

        Assert.Empty((await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent)).Participants);
    }

    [Fact]
    public async Task To_an_agent_a_customer_named_by_another_project_s_id_or_of_none_of_their_projects_is_unknown()
    {
        // The agent may hold ids of a project they have left: Directory would answer them NOT_FOUND, so must Ticketing.
        var mine = await hosts.NewProjectAsync();
        var theirs = await hosts.NewProjectAsync();
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, mine);
        var inBoth = await hosts.NewCustomerAsync("In Both", mine, theirs);
        var elsewhere = await hosts.NewCustomerAsync("Elsewhere Only", theirs);
        var reporter = await hosts.NewCustomerAsync("My Reporter", mine);
        var ticket = await hosts.Client.CreateTicketAsync(
            new CreateTicketRequest { ProjectKey = mine, ReporterCustomerId = hosts.AsAgentSees(reporter.Id, mine), Summary = "Mine" }, agent);

        foreach (var id in new[] { hosts.AsAgentSees(inBoth.Id, theirs), hosts.AsAgentSees(elsewhere.Id, theirs), elsewhere.Id, hosts.AsAgentSees(TestData.Id(), mine) })
        {
            var answers = new[]
            {
                await RpcAssert.FailsAsync(StatusCode.NotFound, () => hosts.Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = id }, agent)),
                await RpcAssert.FailsAsync(StatusCode.NotFound, () => hosts.Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = mine, ReporterCustomerId = id, Summary = "Probe" }, agent)),
            };
            Assert.All(answers, answer => Assert.Equal(id, answer.GetRpcStatus()!.GetDetail<ResourceInfo>()!.ResourceName));
            Assert.All(answers, answer => Assert.DoesNotContain(inBoth.Id, answer.ToString(), StringComparison.Ordinal));
        }

        Assert.Empty((await hosts.Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent)).Participants);
    }
}
