using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Hosting.KeyProtection;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Notification.Tests.Api;

/// <summary>Who sees which deliveries, bad input, and page tokens bound to their caller and query.</summary>
[Collection(NotificationCollection.Name)]
public sealed class ListDeliveriesTests(NotificationHosts hosts)
{
    [Fact]
    public async Task Admins_see_every_delivery_agents_their_projects_and_customers_only_their_own()
    {
        var (project, reporter, participant, ticket) = await TicketWithTwoMessagesAsync();
        var agent = await hosts.NewSignedInAsync(Role.Agent, projectKeys: project);
        var otherAgent = await hosts.NewSignedInAsync(Role.Agent, projectKeys: await hosts.NewProjectAsync());
        var asReporter = await hosts.NewSignedInAsync(Role.Customer, reporter.Id);
        var byTicket = new ListDeliveriesRequest { TicketId = ticket.Id };

        Assert.Equal(2, (await ListAsync(byTicket, hosts.Admin)).Deliveries.Count);
        Assert.Equal(2, (await ListAsync(byTicket, agent)).Deliveries.Count);
        // Another project's ticket answers like an unknown one.
        Assert.Empty((await ListAsync(byTicket, otherAgent)).Deliveries);
        Assert.Empty((await ListAsync(new ListDeliveriesRequest { TicketId = "UNKNOWN-1" }, agent)).Deliveries);
        Assert.Empty((await ListAsync(new ListDeliveriesRequest { RecipientCustomerId = reporter.Id }, otherAgent)).Deliveries);

        var own = Assert.Single((await ListAsync(byTicket, asReporter)).Deliveries);
        Assert.Equal(reporter.Id, own.RecipientCustomerId);
        Assert.Equal(reporter.Address, own.RecipientAddress);
        Assert.Equal("ticket-created", own.Template);
        Assert.Equal(project, own.ProjectKey);
        Assert.NotNull(own.SentAt);
        Assert.Equal(own, Assert.Single((await ListAsync(new ListDeliveriesRequest(), asReporter)).Deliveries));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => hosts.Deliveries.ListDeliveriesAsync(
            new ListDeliveriesRequest { RecipientCustomerId = participant.Id }, asReporter));
    }

    [Fact]
    public async Task Agents_know_recipients_by_their_project_s_ids_only_the_delivery_s_id_included()
    {
        var (project, reporter, participant, ticket) = await TicketWithTwoMessagesAsync();
        var agent = await hosts.NewSignedInAsync(Role.Agent, projectKeys: project);
        var scopedIds = hosts.Notification.Services.GetRequiredService<ProjectScopedIds>();
        var byTicket = new ListDeliveriesRequest { TicketId = ticket.Id };

        var seen = (await ListAsync(byTicket, agent)).Deliveries;

        Assert.Equal(
            new[] { scopedIds.For(reporter.Id, project), scopedIds.For(participant.Id, project) }.Order(),
            seen.Select(delivery => delivery.RecipientCustomerId).Order());
        // A customer's own id would link them across projects, and tell when they first came.
        Assert.All(seen, delivery =>
        {
            Assert.DoesNotContain(reporter.Id, delivery.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(participant.Id, delivery.ToString(), StringComparison.OrdinalIgnoreCase);
        });
        Assert.Equal(2, seen.Select(delivery => delivery.Id).Distinct().Count());
        var toReporter = Assert.Single((await ListAsync(new ListDeliveriesRequest { RecipientCustomerId = scopedIds.For(reporter.Id, project) }, agent)).Deliveries);
        Assert.Contains(toReporter, seen);

        // The id the agent was given before a KEK rotation names the same recipient while the old KEK is listed.
        Assert.Equal([toReporter], (await ListAsync(new ListDeliveriesRequest { RecipientCustomerId = NotificationHosts.AgentSeesUnderRetiredKek(reporter.Id, project) }, agent)).Deliveries);
        // Admins may name a customer by a scoped id too, and are answered with the customer's own.
        var adminsByScopedId = Assert.Single((await ListAsync(new ListDeliveriesRequest { RecipientCustomerId = scopedIds.For(reporter.Id, project) }, hosts.Admin)).Deliveries);
        Assert.Equal(reporter.Id, adminsByScopedId.RecipientCustomerId);

        var asAdmin = (await ListAsync(byTicket, hosts.Admin)).Deliveries;
        Assert.Equal(new[] { reporter.Id, participant.Id }.Order(), asAdmin.Select(delivery => delivery.RecipientCustomerId).Order());
        Assert.All(asAdmin, delivery => Assert.EndsWith($"/{delivery.RecipientCustomerId}", delivery.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Services_and_anonymous_callers_are_refused()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest()));
        foreach (var service in ServiceNames.Backends)
        {
            var token = Bearer(await hosts.Identity.ServiceTokenAsync(service, ServiceSecret(service)));
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => hosts.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest(), token));
        }
    }

    [Fact]
    public async Task Bad_input_is_invalid_argument_naming_each_field()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => hosts.Deliveries.ListDeliveriesAsync(
            new ListDeliveriesRequest { TicketId = new string('T', 65), RecipientCustomerId = new string('c', 65), PageSize = 201, PageToken = new string('p', 513) },
            hosts.Admin));
        Assert.Equal(["ticket_id", "recipient_customer_id", "page_size", "page_token"], error.Fields());

        error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => hosts.Deliveries.ListDeliveriesAsync(
            new ListDeliveriesRequest { PageSize = -1 }, hosts.Admin));
        Assert.Equal(["page_size"], error.Fields());
    }

    [Fact]
    public async Task Pages_follow_each_other_and_a_token_works_only_for_its_caller_and_query()
    {
        var (project, _, _, ticket) = await TicketWithTwoMessagesAsync();
        var first = await ListAsync(new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 1 }, hosts.Admin);
        Assert.NotEmpty(first.NextPageToken);
        var second = await ListAsync(new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 1, PageToken = first.NextPageToken }, hosts.Admin);
        Assert.Empty(second.NextPageToken);
        Assert.NotEqual(first.Deliveries[0].Id, Assert.Single(second.Deliveries).Id);
        Assert.True(first.Deliveries[0].CreatedAt.ToDateTimeOffset() >= second.Deliveries[0].CreatedAt.ToDateTimeOffset());

        var otherAdmin = await hosts.NewSignedInAsync(Role.Admin);
        var agent = await hosts.NewSignedInAsync(Role.Agent, projectKeys: project);
        var tampered = first.NextPageToken[..^2] + (first.NextPageToken[^2] == 'A' ? "BA" : "AA");
        foreach (var (request, caller) in new[]
                 {
                     (new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 1, PageToken = first.NextPageToken }, otherAdmin),
                     (new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 1, PageToken = first.NextPageToken }, agent),
                     (new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 2, PageToken = first.NextPageToken }, hosts.Admin),
                     (new ListDeliveriesRequest { PageSize = 1, PageToken = first.NextPageToken }, hosts.Admin),
                     (new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 1, PageToken = tampered }, hosts.Admin),
                     (new ListDeliveriesRequest { TicketId = ticket.Id, PageSize = 1, PageToken = "not a token" }, hosts.Admin),
                 })
        {
            var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => hosts.Deliveries.ListDeliveriesAsync(request, caller));
            Assert.Equal(["page_token"], error.Fields());
        }
    }

    [Fact]
    public async Task A_customer_raising_their_own_ticket_is_not_notified_of_it()
    {
        var project = await hosts.NewProjectAsync();
        var reporter = await hosts.NewCustomerAsync(project);
        var asReporter = await hosts.NewSignedInAsync(Role.Customer, reporter.Id);
        var own = await hosts.Tickets.CreateTicketAsync(new CreateTicketRequest { ProjectKey = project, Summary = "Mine" }, asReporter);
        // Handled in order: once the status change's message exists, the creation was handled too.
        await hosts.Tickets.ChangeStatusAsync(new ChangeStatusRequest { TicketId = own.Id, Status = TicketStatus.Resolved }, hosts.Admin);

        var log = await hosts.SettledDeliveriesAsync(own.Id, 1);
        Assert.Equal("ticket-status-changed", Assert.Single(log.Deliveries).Template);
    }

    private async Task<(string Project, Customer Reporter, Customer Participant, Contracts.Ticketing.V1.Ticket Ticket)> TicketWithTwoMessagesAsync()
    {
        var project = await hosts.NewProjectAsync();
        var reporter = await hosts.NewCustomerAsync(project);
        var participant = await hosts.NewCustomerAsync(project);
        var ticket = await hosts.NewTicketAsync(project, reporter, participant);
        await hosts.SettledDeliveriesAsync(ticket.Id, 2);
        return (project, reporter, participant, ticket);
    }

    private async Task<ListDeliveriesResponse> ListAsync(ListDeliveriesRequest request, Metadata caller) =>
        await hosts.Deliveries.ListDeliveriesAsync(request, caller);
}
