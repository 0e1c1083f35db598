using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using Xunit;

namespace ServiceDesk.Ticketing.Tests.Api;

/// <summary>
/// Agents know customers by the ids Directory gives them, scoped to their project; those ids work in Ticketing,
/// which keeps the customer by the id Directory answers its own service identity with.
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

        Assert.Equal(("Reporting Rita", reporter.Address), (ticket.Reporter.DisplayName, ticket.Reporter.Address));
        Assert.Equal([("Invited Ivo", elsewhere.Address)], again.Participants.Select(person => (person.DisplayName, person.Address)));
    }
}
