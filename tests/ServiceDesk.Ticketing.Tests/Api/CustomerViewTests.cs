using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using RemoveFromProjectRequest = ServiceDesk.Contracts.Directory.V1.RemoveFromProjectRequest;
using UpdateCustomerRequest = ServiceDesk.Contracts.Directory.V1.UpdateCustomerRequest;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Api;

/// <summary>
/// Customers who share a ticket see each other as agents see customers: by an id scoped to the ticket's project and
/// a name, never by the other's own id (the same in every project), address or account; each sees themselves in full.
/// </summary>
[Collection(TicketingCollection.Name)]
public sealed class CustomerViewTests(TicketingHosts hosts)
{
    private TicketingService.TicketingServiceClient Client => hosts.Client;

    [Fact]
    public async Task A_customer_sees_the_other_customers_on_a_ticket_by_scoped_id_and_name_only()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project, await hosts.NewProjectAsync());
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var asJohn = await hosts.NewSignedInAsync(Role.Customer, john.Id);
        var ticket = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Printer on fire" }, asJane);
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Mine smokes too." }, asJohn);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Thanks, John." }, asJane);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "We are on it." }, hosts.Admin);

        var byJane = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane);
        var byJohn = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJohn);

        var johnAsJaneSees = hosts.AsAgentSees(john.Id, project);
        Assert.Equal((jane.Id, "Jane", jane.Address), (byJane.Reporter.CustomerId, byJane.Reporter.DisplayName, byJane.Reporter.Address));
        Assert.Equal([(johnAsJaneSees, "John", "")], byJane.Participants.Select(person => (person.CustomerId, person.DisplayName, person.Address)));
        Assert.Equal((hosts.AsAgentSees(jane.Id, project), "Jane", ""), (byJohn.Reporter.CustomerId, byJohn.Reporter.DisplayName, byJohn.Reporter.Address));
        Assert.Equal([(john.Id, "John", john.Address)], byJohn.Participants.Select(person => (person.CustomerId, person.DisplayName, person.Address)));

        // Each customer's own comment carries their account; the other customer's does not; staff's carry no account
        // for customers, only the name the operator gave staff.
        Assert.Equal([johnAsJaneSees, jane.Id, ""], byJane.Comments.Select(comment => comment.AuthorCustomerId));
        Assert.Equal([false, true, false], byJane.Comments.Select(comment => comment.AuthorAccountId.Length > 0));
        Assert.Equal([true, false, false], byJohn.Comments.Select(comment => comment.AuthorAccountId.Length > 0));
        Assert.Equal(["", "", "Support team"], byJane.Comments.Select(comment => comment.AuthorDisplayName));
        Assert.Equal(["", "", "Support team"], byJohn.Comments.Select(comment => comment.AuthorDisplayName));
        var full = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin);
        Assert.Equal([john.Id, jane.Id, ""], full.Comments.Select(comment => comment.AuthorCustomerId));
        var johnsAccount = full.Comments[0].AuthorAccountId;
        Assert.NotEmpty(johnsAccount);
        Assert.DoesNotContain(johnsAccount, byJane.ToString(), StringComparison.Ordinal);
        var staffAccount = full.Comments[2].AuthorAccountId;
        Assert.NotEmpty(staffAccount);
        Assert.DoesNotContain(staffAccount, byJane.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(staffAccount, byJohn.ToString(), StringComparison.Ordinal);
        Assert.All(full.Comments, comment => Assert.Empty(comment.AuthorDisplayName));
        Assert.DoesNotContain(john.Id, byJane.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(john.Address, byJane.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Customers see every staff author by the one name the operator chose (Ticketing:StaffDisplayName), never by account
    /// id, which would tell agents apart and follow one across tickets; agents and admins still see the account.
    /// </summary>
    [Fact]
    public async Task A_customer_sees_staff_comments_by_the_staff_name_and_agents_by_account()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);
        var ticket = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Printer on fire" }, asJane);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Looking into it." }, agent);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Escalated." }, hosts.Admin);

        var byAgent = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent);
        var byJane = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane);

        var accounts = byAgent.Comments.Select(comment => comment.AuthorAccountId).ToList();
        Assert.All(accounts, Assert.NotEmpty);
        Assert.NotEqual(accounts[0], accounts[1]);
        Assert.All(byAgent.Comments, comment => Assert.Empty(comment.AuthorDisplayName));
        Assert.Equal([("", "", "Support team"), ("", "", "Support team")], byJane.Comments.Select(comment => (comment.AuthorAccountId, comment.AuthorCustomerId, comment.AuthorDisplayName)));
        Assert.All(accounts, account => Assert.DoesNotContain(account, byJane.ToString(), StringComparison.Ordinal));
        var listed = await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, asJane);
        Assert.All(accounts, account => Assert.DoesNotContain(account, listed.ToString(), StringComparison.Ordinal));
    }

    /// <summary>An internal comment is no change to customers: neither the version nor the time they are shown tells them one was written.</summary>
    [Fact]
    public async Task A_customer_cannot_tell_that_an_internal_comment_was_written()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var ticket = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Printer on fire" }, asJane);
        var before = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane);

        var staffSees = await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Jane again; escalate.", Internal = true }, hosts.Admin);
        var after = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane);
        await Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "We are on it." }, hosts.Admin);
        var afterPublic = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane);

        Assert.Equal(2, staffSees.Version);
        Assert.NotEqual(ticket.UpdatedAt, staffSees.UpdatedAt);
        Assert.Equal(before, after);
        Assert.Equal(0, after.Version);
        Assert.True(afterPublic.UpdatedAt.ToDateTimeOffset() > after.UpdatedAt.ToDateTimeOffset());
        Assert.Equal(0, afterPublic.Version);
    }

    /// <summary>Staff took the customer out of the project (they moved on): the tickets stay, the portal access to them ends.</summary>
    [Fact]
    public async Task A_customer_taken_out_of_a_project_no_longer_reads_or_changes_its_tickets()
    {
        var project = await hosts.NewProjectAsync();
        var other = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project, other);
        var john = await hosts.NewCustomerAsync("John", project);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var ticket = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Printer on fire" }, asJane);
        var kept = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = other, Summary = "Scanner on fire" }, asJane);
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        var johnAsJaneSees = (await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane)).Participants.Single().CustomerId;

        await hosts.DirectoryClient.RemoveFromProjectAsync(new Contracts.Directory.V1.RemoveFromProjectRequest { CustomerId = jane.Id, ProjectKey = project }, hosts.Admin);

        var unknown = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.GetTicketAsync(new GetTicketRequest { TicketId = $"{project}-999999" }, asJane));
        var refusals = new Func<AsyncUnaryCall<Contracts.Ticketing.V1.Ticket>>[]
        {
            () => Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asJane),
            () => Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Still here." }, asJane),
            () => Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = johnAsJaneSees }, asJane),
            () => Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = johnAsJaneSees }, asJane),
        };
        foreach (var call in refusals)
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.NotFound, call);
            Assert.Equal(unknown.DetailsText().Replace("999999", ticket.Id.Split('-')[1]), refused.DetailsText());
        }

        var asAdminSees = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin);
        Assert.Empty(asAdminSees.Comments);
        Assert.Equal([john.Id], asAdminSees.Participants.Select(person => person.CustomerId));
        Assert.Equal(kept.Id, (await Client.GetTicketAsync(new GetTicketRequest { TicketId = kept.Id }, asJane)).Id);
    }

    [Fact]
    public async Task The_scoped_id_a_customer_sees_removes_adds_back_and_filters_by_the_other_customer()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var janes = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Printer on fire" }, asJane);
        var johns = await hosts.NewTicketAsync(project, john.Id, "Printer still on fire");
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = janes.Id, CustomerId = john.Id }, hosts.Admin);
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = johns.Id, CustomerId = jane.Id }, hosts.Admin);
        var johnAsJaneSees = (await Client.GetTicketAsync(new GetTicketRequest { TicketId = janes.Id }, asJane)).Participants.Single().CustomerId;

        var removed = await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = janes.Id, CustomerId = johnAsJaneSees }, asJane);
        var addedBack = await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = janes.Id, CustomerId = johnAsJaneSees }, asJane);
        var reportedByJohn = await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, ReporterCustomerId = johnAsJaneSees }, asJane);

        Assert.NotEqual(john.Id, johnAsJaneSees);
        Assert.Empty(removed.Participants);
        Assert.Equal([johnAsJaneSees], addedBack.Participants.Select(person => person.CustomerId));
        Assert.Equal([john.Id], (await Client.GetTicketAsync(new GetTicketRequest { TicketId = janes.Id }, hosts.Admin)).Participants.Select(person => person.CustomerId));
        Assert.Equal([johns.Id], reportedByJohn.Tickets.Select(ticket => ticket.Id));
    }

    [Fact]
    public async Task A_participant_removes_themselves_only_and_the_reporter_removes_anyone()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project);
        var max = await hosts.NewCustomerAsync("Max", project);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var asJohn = await hosts.NewSignedInAsync(Role.Customer, john.Id);
        var ticket = await hosts.NewTicketAsync(project, jane.Id, "Printer on fire");
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, hosts.Admin);
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = max.Id }, hosts.Admin);
        var maxAsJohnSees = hosts.AsAgentSees(max.Id, project);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = maxAsJohnSees }, asJohn));
        Assert.Equal([john.Id, max.Id], (await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin)).Participants.Select(person => person.CustomerId));

        var johnLeft = await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = john.Id }, asJohn);
        Assert.Equal([maxAsJohnSees], johnLeft.Participants.Select(person => person.CustomerId));
        var maxRemoved = await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = ticket.Id, CustomerId = hosts.AsAgentSees(max.Id, project) }, asJane);
        Assert.Empty(maxRemoved.Participants);
    }

    [Fact]
    public async Task A_customer_naming_another_customer_by_an_own_id_or_another_project_s_id_finds_no_one()
    {
        var project = await hosts.NewProjectAsync();
        var other = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", project);
        var john = await hosts.NewCustomerAsync("John", project, other);
        var asJane = await hosts.NewSignedInAsync(Role.Customer, jane.Id);
        var janes = await Client.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Printer on fire" }, asJane);
        var johns = await hosts.NewTicketAsync(project, john.Id, "Printer still on fire");
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = johns.Id, CustomerId = jane.Id }, hosts.Admin);
        // As the project's id of a customer no one has: Directory knows no such customer.
        var nobody = hosts.AsAgentSees("0123456789abcdef0123456789abcdef", project);
        var unknown = await RpcAssert.FailsAsync(StatusCode.NotFound,
            () => Client.AddParticipantAsync(new AddParticipantRequest { TicketId = janes.Id, CustomerId = nobody }, asJane));
        Assert.Contains(nobody, unknown.DetailsText(), StringComparison.Ordinal);

        foreach (var id in new[] { john.Id, hosts.AsAgentSees(john.Id, other) })
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.NotFound,
                () => Client.AddParticipantAsync(new AddParticipantRequest { TicketId = janes.Id, CustomerId = id }, asJane));
            Assert.Equal(unknown.Status.Detail.Replace(nobody, id, StringComparison.Ordinal), refused.Status.Detail);
            Assert.Equal(unknown.DetailsText().Replace(nobody, id, StringComparison.Ordinal), refused.DetailsText());
            Assert.Empty((await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, ReporterCustomerId = id }, asJane)).Tickets);
        }

        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = janes.Id, CustomerId = john.Id }, hosts.Admin);
        var unchanged = await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = janes.Id, CustomerId = john.Id }, asJane);
        Assert.Equal([hosts.AsAgentSees(john.Id, project)], unchanged.Participants.Select(person => person.CustomerId));
        Assert.Equal([johns.Id], (await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project, ReporterCustomerId = hosts.AsAgentSees(john.Id, project) }, asJane)).Tickets.Select(ticket => ticket.Id));
    }

    /// <summary>
    /// A customer taken out of the ticket's project and renamed in another: the project's agent and the ticket's other
    /// customer see the id alone, never the new name or address; admins see both, and that the customer left.
    /// </summary>
    [Fact]
    public async Task A_customer_taken_out_of_the_project_is_named_by_id_alone_to_its_agents_and_other_customers()
    {
        var project = await hosts.NewProjectAsync();
        var other = await hosts.NewProjectAsync();
        var mover = await hosts.NewCustomerAsync("Moving Mo", project, other);
        var stayer = await hosts.NewCustomerAsync("Staying Sue", project);
        var ticket = await hosts.NewTicketAsync(project, mover.Id);
        await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = ticket.Id, CustomerId = stayer.Id }, hosts.Admin);
        var agent = await hosts.NewSignedInAsync(Role.Agent, null, project);
        var asStayer = await hosts.NewSignedInAsync(Role.Customer, stayer.Id);
        Assert.Equal(("Moving Mo", mover.Address, false), Shown((await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent)).Reporter));

        await hosts.DirectoryClient.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = mover.Id, ProjectKey = project }, hosts.Admin);
        var moved = $"moved-{TestData.Id()}@elsewhere.example";
        await hosts.DirectoryClient.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = mover.Id, DisplayName = "Mo Elsewhere", Address = moved }, hosts.Admin);
        var asAdmin = await Eventually.WaitForAsync(
            () => Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, hosts.Admin).ResponseAsync,
            read => read.Reporter.DisplayName == "Mo Elsewhere",
            "Ticketing to take the customer's changes",
            TimeSpan.FromSeconds(60));

        Assert.Equal(("Mo Elsewhere", moved, true), Shown(asAdmin.Reporter));
        var asAgent = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, agent);
        Assert.Equal((hosts.AsAgentSees(mover.Id, project), "", "", true), (asAgent.Reporter.CustomerId, asAgent.Reporter.DisplayName, asAgent.Reporter.Address, asAgent.Reporter.LeftProject));
        Assert.Equal(("Staying Sue", stayer.Address, false), Shown(asAgent.Participants.Single()));
        var listed = (await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = project }, agent)).Tickets.Single(listedTicket => listedTicket.Id == ticket.Id);
        Assert.Equal(("", "", true), Shown(listed.Reporter));
        var seenByStayer = await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, asStayer);
        Assert.Equal(("", "", true), Shown(seenByStayer.Reporter));
    }

    private static (string Name, string Address, bool Left) Shown(Person person) => (person.DisplayName, person.Address, person.LeftProject);
}
