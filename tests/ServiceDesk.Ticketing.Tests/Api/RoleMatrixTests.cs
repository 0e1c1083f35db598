using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Ticketing.Tests.Api;

public enum Who
{
    Anonymous,
    CustomerA,
    CustomerB,
    AgentOfOtherProject,
    Agent,
    Admin,
    Service,
    MailIntake,
}

/// <summary>
/// Real accounts for every column of the role matrix: customer A (a customer of HELP, signed in as
/// CustomerA), customer B (of OTHER), an agent of HELP, an agent of OTHER, the admin, the notification service
/// identity and the mail-intake identity. HELP and OTHER are created through Ticketing, so Directory learns them from ProjectCreated.
/// </summary>
public sealed class RoleMatrixFixture : IAsyncLifetime
{
    private readonly Dictionary<Who, string> _tokens = [];

    public TicketingHosts Hosts { get; } = new();

    public string Help { get; private set; } = null!;

    public string Other { get; private set; } = null!;

    public Customer CustomerA { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Hosts.InitializeAsync();
        Help = await Hosts.NewProjectAsync();
        Other = await Hosts.NewProjectAsync();
        CustomerA = await Hosts.NewCustomerAsync("Customer A", Help);
        var customerB = await Hosts.NewCustomerAsync("Customer B", Other);
        _tokens[Who.CustomerA] = (await Hosts.Identity.NewSignedInAsync(Role.Customer, CustomerA.Id)).AccessToken;
        _tokens[Who.CustomerB] = (await Hosts.Identity.NewSignedInAsync(Role.Customer, customerB.Id)).AccessToken;
        _tokens[Who.AgentOfOtherProject] = (await Hosts.Identity.NewSignedInAsync(Role.Agent, null, Other)).AccessToken;
        _tokens[Who.Agent] = (await Hosts.Identity.NewSignedInAsync(Role.Agent, null, Help)).AccessToken;
        _tokens[Who.Admin] = Hosts.AdminToken;
        // Notification, the one service granted Ticketing RPCs (GetTicket, GetProject): every other is refused.
        _tokens[Who.Service] = await Hosts.Identity.ServiceTokenAsync(ServiceNames.Notification);
        // The identity an MTA's pipe presents: granted inbound mail and nothing else.
        _tokens[Who.MailIntake] = await Hosts.Identity.ServiceTokenAsync(ServiceNames.MailIntake);
    }

    public Task DisposeAsync() => Hosts.DisposeAsync();

    public Metadata As(Who who) => who == Who.Anonymous ? [] : Bearer(_tokens[who]);

    /// <summary>A fresh ticket of customer A in HELP, raised by the admin.</summary>
    public Task<Contracts.Ticketing.V1.Ticket> TicketOfAAsync() => Hosts.NewTicketAsync(Help, CustomerA.Id);
}

/// <summary>
/// Every TicketingService RPC called by each caller, with the exact status of each cell. Tickets and projects
/// outside a caller's scope answer NOT_FOUND, as absent ones do; refusals that depend only on the role are
/// PERMISSION_DENIED. Calls that succeed are checked to have done what they say.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixFixture fixture) : IClassFixture<RoleMatrixFixture>
{
    private const StatusCode Ok = StatusCode.OK;
    private const StatusCode Unauthenticated = StatusCode.Unauthenticated;
    private const StatusCode Denied = StatusCode.PermissionDenied;
    private const StatusCode NotFound = StatusCode.NotFound;

    private TicketingService.TicketingServiceClient Client => fixture.Hosts.Client;

    //                      Anonymous        CustomerA  CustomerB  AgentOfOther  Agent  Admin  Service  MailIntake
    public static TheoryData<string, Who, StatusCode> Rpcs => Table(
        ("CreateProject", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied, Denied]),
        ("GetProject", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Ok, Denied]),
        ("GetUnknownProject", [Unauthenticated, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, Denied]),
        ("ListProjects", [Unauthenticated, Ok, Ok, Ok, Ok, Ok, Denied, Denied]),
        ("CreateTicket", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Denied, Denied]),
        ("GetTicket", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Ok, Denied]),
        ("GetUnknownTicket", [Unauthenticated, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, Denied]),
        ("ListTickets", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Denied, Denied]),
        ("AddParticipant", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Denied, Denied]),
        ("RemoveParticipant", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Denied, Denied]),
        ("AddComment", [Unauthenticated, Ok, NotFound, NotFound, Ok, Ok, Denied, Denied]),
        // Refused to customers by role, whatever the ticket: that says nothing about whether it exists.
        ("AddInternalComment", [Unauthenticated, Denied, Denied, NotFound, Ok, Ok, Denied, Denied]),
        ("ChangeStatus", [Unauthenticated, Denied, Denied, NotFound, Ok, Ok, Denied, Denied]),
        // Admins and the mail-intake identity only: mail can create customers, so no agent or other service may send it.
        ("IngestEmail", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied, Ok]),
        ("IngestRawEmail", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied, Ok]));

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Ticketing_rpcs(string rpc, Who who, StatusCode expected)
    {
        Assert.Equal(expected, await RpcAssert.StatusOfAsync(() => CallAsync(rpc, who, fixture.As(who))));
    }

    [Fact]
    public async Task A_refused_change_changes_nothing()
    {
        var ticket = await fixture.TicketOfAAsync();

        await RpcAssert.FailsAsync(NotFound, () => Client.AddCommentAsync(new AddCommentRequest { TicketId = ticket.Id, Body = "Not mine" }, fixture.As(Who.CustomerB)));
        await RpcAssert.FailsAsync(Denied, () => Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = ticket.Id, Status = TicketStatus.Closed }, fixture.As(Who.CustomerA)));

        Assert.Equal(ticket, await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, fixture.As(Who.Admin)));
    }

    private async Task CallAsync(string rpc, Who who, Metadata auth)
    {
        var a = fixture.CustomerA.Id;
        switch (rpc)
        {
            case "CreateProject":
                var key = TestData.ProjectKey();
                Assert.Equal(key, (await Client.CreateProjectAsync(new CreateProjectRequest { Key = key, Name = "New" }, auth)).Key);
                break;
            case "GetProject":
                Assert.Equal(fixture.Help, (await Client.GetProjectAsync(new GetProjectRequest { Key = fixture.Help }, auth)).Key);
                break;
            case "GetUnknownProject":
                await Client.GetProjectAsync(new GetProjectRequest { Key = TestData.ProjectKey() }, auth);
                break;
            case "ListProjects":
                var listed = new List<string>();
                var request = new ListProjectsRequest { PageSize = 200 };
                do
                {
                    var page = await Client.ListProjectsAsync(request, auth);
                    listed.AddRange(page.Projects.Select(project => project.Key));
                    request.PageToken = page.NextPageToken;
                }
                while (request.PageToken.Length > 0);

                string[] expected = who switch
                {
                    Who.CustomerA or Who.Agent => [fixture.Help],
                    Who.CustomerB or Who.AgentOfOtherProject => [fixture.Other],
                    _ => [fixture.Help, fixture.Other],
                };
                Assert.Equal(expected.Order(), listed.Intersect([fixture.Help, fixture.Other]).Order());
                if (who is not (Who.Admin or Who.Service))
                {
                    Assert.Equal(expected, listed);
                }

                break;
            case "CreateTicket":
                var created = await Client.CreateTicketAsync(
                    new CreateTicketRequest { ProjectKey = fixture.Help, ReporterCustomerId = who is Who.CustomerA or Who.CustomerB ? string.Empty : a, Summary = "Help" }, auth);
                Assert.Equal((who == Who.Agent ? fixture.Hosts.AsAgentSees(a, fixture.Help) : a, "Customer A"), (created.Reporter.CustomerId, created.Reporter.DisplayName));
                break;
            case "GetTicket":
                var ticket = await fixture.TicketOfAAsync();
                Assert.Equal(ticket.Id, (await Client.GetTicketAsync(new GetTicketRequest { TicketId = ticket.Id }, auth)).Id);
                break;
            case "GetUnknownTicket":
                await Client.GetTicketAsync(new GetTicketRequest { TicketId = $"{fixture.Help}-999999" }, auth);
                break;
            case "ListTickets":
                var mine = await fixture.TicketOfAAsync();
                var tickets = await Client.ListTicketsAsync(new ListTicketsRequest { ProjectKey = fixture.Help }, auth);
                Assert.Equal(mine.Id, tickets.Tickets[0].Id);
                break;
            case "AddParticipant":
                var joining = await fixture.Hosts.NewCustomerAsync("Joining", fixture.Help);
                var joiningId = who == Who.CustomerA ? fixture.Hosts.AsAgentSees(joining.Id, fixture.Help) : joining.Id;
                var joined = await Client.AddParticipantAsync(new AddParticipantRequest { TicketId = (await fixture.TicketOfAAsync()).Id, CustomerId = joiningId }, auth);
                Assert.Equal([who is Who.Agent or Who.CustomerA ? fixture.Hosts.AsAgentSees(joining.Id, fixture.Help) : joining.Id], joined.Participants.Select(person => person.CustomerId));
                break;
            case "RemoveParticipant":
                var leaving = await fixture.Hosts.NewCustomerAsync("Leaving", fixture.Help);
                var withParticipant = await Client.AddParticipantAsync(
                    new AddParticipantRequest { TicketId = (await fixture.TicketOfAAsync()).Id, CustomerId = leaving.Id }, fixture.As(Who.Admin));
                var leavingId = who == Who.CustomerA ? fixture.Hosts.AsAgentSees(leaving.Id, fixture.Help) : leaving.Id;
                Assert.Empty((await Client.RemoveParticipantAsync(new RemoveParticipantRequest { TicketId = withParticipant.Id, CustomerId = leavingId }, auth)).Participants);
                break;
            case "AddComment":
                var commented = await Client.AddCommentAsync(new AddCommentRequest { TicketId = (await fixture.TicketOfAAsync()).Id, Body = "Any news?" }, auth);
                Assert.Equal("Any news?", commented.Comments.Single().Body);
                break;
            case "AddInternalComment":
                var noted = await Client.AddCommentAsync(new AddCommentRequest { TicketId = (await fixture.TicketOfAAsync()).Id, Body = "Between us", Internal = true }, auth);
                Assert.True(noted.Comments.Single().Internal);
                break;
            case "ChangeStatus":
                var changed = await Client.ChangeStatusAsync(new ChangeStatusRequest { TicketId = (await fixture.TicketOfAAsync()).Id, Status = TicketStatus.InProgress }, auth);
                Assert.Equal(TicketStatus.InProgress, changed.Status);
                break;
            case "IngestEmail":
                var ingested = await Client.IngestEmailAsync(
                    new IngestEmailRequest { ProjectKey = fixture.Help, MessageId = $"<{TestData.Id()}@example.com>", From = fixture.CustomerA.Address, Subject = "By mail" }, auth);
                Assert.Equal(IngestOutcome.TicketCreated, ingested.Outcome);
                break;
            case "IngestRawEmail":
                var raw = $"From: {fixture.CustomerA.Address}\r\nSubject: By mail\r\nMessage-ID: <{TestData.Id()}@example.com>\r\n\r\nHello.\r\n";
                var ingestedRaw = await Client.IngestRawEmailAsync(
                    new IngestRawEmailRequest { ProjectKey = fixture.Help, Message = Google.Protobuf.ByteString.CopyFromUtf8(raw) }, auth);
                Assert.Equal(IngestOutcome.TicketCreated, ingestedRaw.Outcome);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "no such row");
        }
    }

    private static TheoryData<string, Who, StatusCode> Table(params (string Rpc, StatusCode[] Expected)[] rows)
    {
        var callers = Enum.GetValues<Who>();
        var data = new TheoryData<string, Who, StatusCode>();
        foreach (var (rpc, expected) in rows)
        {
            if (expected.Length != callers.Length)
            {
                throw new InvalidOperationException($"{rpc}: one expectation per caller");
            }

            for (var i = 0; i < callers.Length; i++)
            {
                data.Add(rpc, callers[i], expected[i]);
            }
        }

        return data;
    }
}
