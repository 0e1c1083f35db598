using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Directory.Tests.Api;

public enum Who
{
    Anonymous,
    CustomerA,
    CustomerB,
    AgentOfOtherProject,
    Agent,
    Admin,
    Service,
}

/// <summary>
/// Real accounts for every column of the role matrix, and the records they act on: customer A (project HELP,
/// signed in as CustomerA), customer B (project OTHER, signed in as CustomerB), an agent of HELP, an agent of
/// OTHER, the admin, and the ticketing service identity (granted only what ServiceAccessPolicy grants it). Organization "members" has one member in HELP, one
/// in OTHER and one in no project.
/// </summary>
public sealed class RoleMatrixFixture : IAsyncLifetime
{
    private readonly DirectoryHostFixture _hosts = new();
    private readonly Dictionary<Who, string> _tokens = [];

    public DirectoryService.DirectoryServiceClient Admin => _hosts.Client;

    public DirectoryService.DirectoryServiceClient Anyone { get; private set; } = null!;

    public CustomerKeyService.CustomerKeyServiceClient Keys { get; private set; } = null!;

    public string Help { get; } = TestData.ProjectKey();

    public string Other { get; } = TestData.ProjectKey();

    public Customer CustomerA { get; private set; } = null!;

    /// <summary>Customer B: project OTHER only.</summary>
    public Customer CustomerB { get; private set; } = null!;

    /// <summary>A page token the admin got listing HELP one customer at a time.</summary>
    public string AdminsHelpPageToken { get; private set; } = null!;

    public string CustomerAKeyId { get; private set; } = null!;

    public Organization Members { get; private set; } = null!;

    /// <summary>The organization's members by the project each belongs to (empty: none).</summary>
    public Dictionary<string, Customer> MembersByProject { get; } = [];

    /// <summary>A word only the HELP member's display name has.</summary>
    public string SuggestWord { get; } = $"Quorra{TestData.Id()[..8]}";

    public async Task InitializeAsync()
    {
        await _hosts.InitializeAsync();
        Anyone = new DirectoryService.DirectoryServiceClient(_hosts.Host.Channel);
        Keys = new CustomerKeyService.CustomerKeyServiceClient(_hosts.Host.Channel);
        await Admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = Help });
        await Admin.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = Other });
        CustomerA = await _hosts.NewCustomerAsync("Customer A", projectKeys: Help);
        CustomerB = await _hosts.NewCustomerAsync("Customer B", projectKeys: Other);
        CustomerAKeyId = (await _hosts.Host.Services.GetRequiredService<ICustomerKeyStore>().GetOrCreateForCustomerAsync(CustomerA.Id, CancellationToken.None)).KeyId;

        Members = await Admin.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Members {TestData.Id()}" });
        foreach (var (project, name) in new[] { (Help, $"{SuggestWord} Help"), (Other, "Member Other"), (string.Empty, "Member Nowhere") })
        {
            string[] projectKeys = project.Length == 0 ? [] : [project];
            MembersByProject[project] = await Admin.CreateCustomerAsync(new CreateCustomerRequest
            {
                Address = TestData.Address(),
                DisplayName = name,
                OrganizationId = Members.Id,
                ProjectKeys = { projectKeys },
            });
        }

        _tokens[Who.CustomerA] = await _hosts.TokenOfNewAsync(Role.Customer, CustomerA.Id);
        _tokens[Who.CustomerB] = await _hosts.TokenOfNewAsync(Role.Customer, CustomerB.Id);
        _tokens[Who.AgentOfOtherProject] = await _hosts.TokenOfNewAsync(Role.Agent, null, Other);
        _tokens[Who.Agent] = await _hosts.TokenOfNewAsync(Role.Agent, null, Help);
        _tokens[Who.Admin] = _hosts.AdminToken;
        _tokens[Who.Service] = await _hosts.Identity.ServiceTokenAsync();
        // Two customers first in HELP's address order that no row changes, so the token's page and the next one stay put.
        foreach (var paging in new[] { "0000-paging-1", "0000-paging-2" })
        {
            await _hosts.NewCustomerAsync("Paging", TestData.Address(paging), Help);
        }

        AdminsHelpPageToken = (await Admin.ListCustomersAsync(new ListCustomersRequest { ProjectKey = Help, PageSize = 1 })).NextPageToken;
    }

    public Task DisposeAsync() => _hosts.DisposeAsync();

    public Metadata As(Who who) => who == Who.Anonymous ? [] : Bearer(_tokens[who]);

    public async Task<Metadata> AsServiceAsync(string service) => Bearer(await _hosts.Identity.ServiceTokenAsync(service));

    public Task<Customer> NewCustomerAsync(params string[] projectKeys) => _hosts.NewCustomerAsync("Fresh Customer", projectKeys: projectKeys);

    /// <summary>The id <paramref name="who"/> knows the customer by: an agent's is scoped to their project.</summary>
    public string IdAs(Who who, string customerId) => who switch
    {
        Who.Agent => ScopedIds.For(customerId, Help),
        Who.AgentOfOtherProject => ScopedIds.For(customerId, Other),
        _ => customerId,
    };

    private ServiceDesk.Hosting.KeyProtection.ProjectScopedIds ScopedIds => _hosts.Host.Services.GetRequiredService<ServiceDesk.Hosting.KeyProtection.ProjectScopedIds>();
}

/// <summary>
/// Every DirectoryService RPC and CustomerKeyService.GetCustomerKey, called by each caller, with the exact
/// status of each cell. Calls that succeed are checked to have done what they say, on records the caller may
/// really act on (the customer's own profile, the agent's project).
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixFixture fixture) : IClassFixture<RoleMatrixFixture>
{
    private const StatusCode Ok = StatusCode.OK;
    private const StatusCode Unauthenticated = StatusCode.Unauthenticated;
    private const StatusCode Denied = StatusCode.PermissionDenied;
    private const StatusCode NotFound = StatusCode.NotFound;
    private const StatusCode Exists = StatusCode.AlreadyExists;
    private const StatusCode Invalid = StatusCode.InvalidArgument;

    private DirectoryService.DirectoryServiceClient Client => fixture.Anyone;

    //                      Anonymous        CustomerA  CustomerB  AgentOfOther  Agent  Admin  Service (ticketing)
    public static TheoryData<string, Who, StatusCode> Rpcs => Table(
        ("CreateCustomer", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("CreateCustomerInHelpAndOther", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        ("CreateCustomerInNoProject", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        // The address of customer B (OTHER only): the HELP agent invites B to HELP and sees HELP alone, never OTHER;
        // the admin and the service, who may see B anyway, are told B's id.
        ("CreateCustomerWithTheAddressOfAnotherProjectsCustomer", [Unauthenticated, Denied, Denied, Denied, Ok, Exists, Exists]),
        // Field by field, the agent's invitation answers as a fresh create does: nothing of the customer's history
        // elsewhere (creation, changes, organization), and an id of the agent's project that no other project's agent can use.
        ("InvitationAnswersAsAFreshCreate", [Unauthenticated, Denied, Denied, Denied, Ok, Exists, Exists]),
        // After the invitation, every answer about the customer (get, list, suggest, add, update refused, remove) shows the agent the same.
        ("InvitedCustomerAnswersAsAFreshCustomerEverywhere", [Unauthenticated, Denied, Denied, Denied, Ok, Exists, Exists]),
        ("GetCustomer", [Unauthenticated, Ok, Denied, NotFound, Ok, Ok, Ok]),
        // Refused to customers before the look-up; to agents exactly as a customer of another project is.
        ("GetUnknownCustomer", [Unauthenticated, Denied, Denied, NotFound, NotFound, NotFound, NotFound]),
        // A customer of HELP and OTHER: each agent is shown only their own project's key.
        ("GetCustomerOfTwoProjects", [Unauthenticated, Denied, Denied, Ok, Ok, Ok, Ok]),
        ("UpdateCustomerDisplayName", [Unauthenticated, Ok, Denied, NotFound, Ok, Ok, Denied]),
        ("UpdateCustomerAddress", [Unauthenticated, Denied, Denied, NotFound, Ok, Ok, Denied]),
        ("UpdateCustomerOrganization", [Unauthenticated, Denied, Denied, NotFound, Ok, Ok, Denied]),
        // Customer B's address: the agent is told it is taken, not by whom.
        ("UpdateCustomerAddressToATakenOne", [Unauthenticated, Denied, Denied, NotFound, Exists, Exists, Denied]),
        // A profile HELP shares with OTHER is the customer's and the admin's to change, no agent's.
        ("UpdateSharedCustomer", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied]),
        ("ListCustomersOfHelp", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Denied]),
        ("ListAllCustomers", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied]),
        // A page token is bound to its caller and query: the admin's is no use to the agent.
        ("ListCustomersOfHelpWithTheAdminsPageToken", [Unauthenticated, Denied, Denied, Denied, Invalid, Ok, Denied]),
        // A customer id is no page token: whether it exists cannot be probed through one.
        ("ListCustomersOfHelpWithACustomerIdAsPageToken", [Unauthenticated, Denied, Denied, Denied, Invalid, Invalid, Denied]),
        ("AddToProject", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        // Customer B belongs to OTHER only: the HELP agent may not take them over by id, and cannot tell them from an unknown id.
        ("AddToProjectAnotherProjectsCustomer", [Unauthenticated, Denied, Denied, Denied, NotFound, Ok, Ok]),
        ("AddToProjectACustomerOfNoProject", [Unauthenticated, Denied, Denied, Denied, NotFound, Ok, Ok]),
        ("RemoveFromProject", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Denied]),
        // The customer belongs to OTHER only: a HELP agent may not read them back through a no-op removal.
        ("RemoveFromProjectOfAnotherProjectsCustomer", [Unauthenticated, Denied, Denied, Denied, NotFound, Ok, Denied]),
        ("CreateOrganization", [Unauthenticated, Denied, Denied, Ok, Ok, Ok, Denied]),
        // Even one whose one member is a HELP customer: an organization's name is every project's, an admin's to change.
        ("RenameOrganization", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied]),
        ("ListOrganizationMembers", [Unauthenticated, Denied, Denied, Ok, Ok, Ok, Denied]),
        ("SuggestCustomers", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Denied]),
        ("RegisterProject", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Denied]),
        // Service identities only: not even customer A for their own key, nor the admin.
        ("GetCustomerKey", [Unauthenticated, Denied, Denied, Denied, Denied, Denied, Ok]),
        // Service identities only (ticketing, for inbound mail): an account never looks customers up by address.
        ("FindCustomerByAddress", [Unauthenticated, Denied, Denied, Denied, Denied, Denied, Ok]),
        ("FindCustomerByUnknownAddress", [Unauthenticated, Denied, Denied, Denied, Denied, Denied, NotFound]));

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Directory_rpcs(string rpc, Who who, StatusCode expected)
    {
        Assert.Equal(expected, await RpcAssert.StatusOfAsync(() => CallAsync(rpc, who, fixture.As(who))));
    }

    [Fact]
    public async Task Validation_comes_before_authorisation()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateCustomerAsync(new CreateCustomerRequest { Address = "not an address", DisplayName = "X" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task A_refused_customer_update_changes_nothing()
    {
        var before = await fixture.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = fixture.CustomerA.Id });

        var refused = await RpcAssert.StatusOfAsync(() => Client.UpdateCustomerAsync(
            new UpdateCustomerRequest { CustomerId = fixture.CustomerA.Id, DisplayName = "Renamed With Address", Address = TestData.Address() }, fixture.As(Who.CustomerA)).ResponseAsync);

        Assert.Equal(Denied, refused);
        Assert.Equal(before, await fixture.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = fixture.CustomerA.Id }));
    }

    private async Task CallAsync(string rpc, Who who, Metadata auth)
    {
        var a = fixture.CustomerA.Id;
        switch (rpc)
        {
            case "CreateCustomer":
                Assert.Equal([fixture.Help], (await Client.CreateCustomerAsync(NewCustomer(fixture.Help), auth)).ProjectKeys);
                break;
            case "CreateCustomerInHelpAndOther":
                Assert.Equal(2, (await Client.CreateCustomerAsync(NewCustomer(fixture.Help, fixture.Other), auth)).ProjectKeys.Count);
                break;
            case "CreateCustomerInNoProject":
                Assert.Empty((await Client.CreateCustomerAsync(NewCustomer(), auth)).ProjectKeys);
                break;
            case "CreateCustomerWithTheAddressOfAnotherProjectsCustomer":
                var elsewhereCustomer = await fixture.NewCustomerAsync(fixture.Other);
                try
                {
                    var invited = await Client.CreateCustomerAsync(
                        new CreateCustomerRequest { Address = elsewhereCustomer.Address, DisplayName = "Supplied By The Agent", ProjectKeys = { fixture.Help } }, auth);
                    Assert.Equal([fixture.Help], invited.ProjectKeys);
                    Assert.Equal(elsewhereCustomer.Address, invited.Address);
                    Assert.Equal(elsewhereCustomer.DisplayName, invited.DisplayName);
                    Assert.Equal(new[] { fixture.Help, fixture.Other }.Order(), (await fixture.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = elsewhereCustomer.Id })).ProjectKeys.Order());
                }
                catch (RpcException error) when (error.StatusCode == StatusCode.AlreadyExists)
                {
                    Assert.Equal(elsewhereCustomer.Id, error.ResourceName());
                    Assert.Equal([fixture.Other], (await fixture.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = elsewhereCustomer.Id })).ProjectKeys);
                    throw;
                }

                break;
            case "InvitationAnswersAsAFreshCreate":
                await InvitationAnswersAsAFreshCreateAsync(auth);
                break;
            case "InvitedCustomerAnswersAsAFreshCustomerEverywhere":
                await InvitedCustomerAnswersAsAFreshCustomerEverywhereAsync(auth);
                break;
            case "GetCustomerOfTwoProjects":
                var shared = await fixture.NewCustomerAsync(fixture.Help, fixture.Other);
                string[] shownKeys = who switch
                {
                    Who.Agent => [fixture.Help],
                    Who.AgentOfOtherProject => [fixture.Other],
                    _ => [fixture.Help, fixture.Other],
                };
                Assert.Equal(shownKeys.Order(), (await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = shared.Id }, auth)).ProjectKeys.Order());
                break;
            case "GetCustomer":
                Assert.Equal(fixture.IdAs(who, a), (await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = fixture.IdAs(who, a) }, auth)).Id);
                break;
            case "GetUnknownCustomer":
                await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = TestData.Id() }, auth);
                break;
            case "UpdateCustomerDisplayName":
                var name = $"Customer A {TestData.Id()[..6]}";
                Assert.Equal(name, (await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = a, DisplayName = name }, auth)).DisplayName);
                break;
            case "UpdateCustomerAddress":
                var address = TestData.Address();
                Assert.Equal(address, (await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = a, Address = address }, auth)).Address);
                break;
            case "UpdateCustomerOrganization":
                var organization = await fixture.Admin.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Org {TestData.Id()}" });
                Assert.Equal(organization.Id, (await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = a, OrganizationId = organization.Id }, auth)).OrganizationId);
                break;
            case "UpdateCustomerAddressToATakenOne":
                var taken = await Assert.ThrowsAsync<RpcException>(() =>
                    Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = a, Address = fixture.CustomerB.Address }, auth).ResponseAsync);
                if (taken.StatusCode == StatusCode.AlreadyExists)
                {
                    Assert.Equal(who == Who.Agent ? null : fixture.CustomerB.Id, taken.ResourceName());
                    Assert.Equal(who != Who.Agent, taken.Status.Detail.Contains(fixture.CustomerB.Id, StringComparison.Ordinal));
                }

                throw taken;
            case "UpdateSharedCustomer":
                var sharedProfile = await fixture.NewCustomerAsync(fixture.Help, fixture.Other);
                Assert.Equal("Renamed Shared", (await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = sharedProfile.Id, DisplayName = "Renamed Shared" }, auth)).DisplayName);
                break;
            case "ListCustomersOfHelpWithTheAdminsPageToken":
                Assert.NotEmpty((await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = fixture.Help, PageSize = 1, PageToken = fixture.AdminsHelpPageToken }, auth)).Customers);
                break;
            case "ListCustomersOfHelpWithACustomerIdAsPageToken":
                var idToken = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(a));
                await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = fixture.Help, PageToken = idToken }, auth);
                break;
            case "ListCustomersOfHelp":
                Assert.Contains((await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = fixture.Help, PageSize = 200 }, auth)).Customers, customer => customer.Id == fixture.IdAs(who, a));
                break;
            case "ListAllCustomers":
                Assert.NotEmpty((await Client.ListCustomersAsync(new ListCustomersRequest(), auth)).Customers);
                break;
            case "AddToProject":
                var ofHelp = await fixture.NewCustomerAsync(fixture.Help);
                Assert.Equal([fixture.Help], (await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = ofHelp.Id, ProjectKey = fixture.Help }, auth)).ProjectKeys);
                break;
            case "AddToProjectAnotherProjectsCustomer":
                await AddToHelpAsync(await fixture.NewCustomerAsync(fixture.Other), who, auth);
                break;
            case "AddToProjectACustomerOfNoProject":
                await AddToHelpAsync(await fixture.NewCustomerAsync(), who, auth);
                break;
            case "RemoveFromProject":
                var member = await fixture.NewCustomerAsync(fixture.Help);
                Assert.Empty((await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = member.Id, ProjectKey = fixture.Help }, auth)).ProjectKeys);
                break;
            case "RemoveFromProjectOfAnotherProjectsCustomer":
                var elsewhere = await fixture.NewCustomerAsync(fixture.Other);
                Assert.Equal([fixture.Other], (await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = elsewhere.Id, ProjectKey = fixture.Help }, auth)).ProjectKeys);
                break;
            case "CreateOrganization":
                var orgName = $"Org {TestData.Id()}";
                Assert.Equal(orgName, (await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = orgName }, auth)).Name);
                break;
            case "RenameOrganization":
                var renaming = await fixture.Admin.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Org {TestData.Id()}" });
                await fixture.Admin.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Member", OrganizationId = renaming.Id, ProjectKeys = { fixture.Help } });
                var newName = $"Renamed {TestData.Id()}";
                Assert.Equal(newName, (await Client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = renaming.Id, Name = newName }, auth)).Name);
                break;
            case "ListOrganizationMembers":
                var listed = await Client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = fixture.Members.Id }, auth);
                string[] visible = who switch
                {
                    Who.Agent => [fixture.Help],
                    Who.AgentOfOtherProject => [fixture.Other],
                    _ => [fixture.Help, fixture.Other, string.Empty],
                };
                Assert.Equal(visible.Select(project => fixture.IdAs(who, fixture.MembersByProject[project].Id)).Order(), listed.Customers.Select(customer => customer.Id).Order());
                break;
            case "SuggestCustomers":
                var suggested = await Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = fixture.Help, Text = fixture.SuggestWord, Limit = 5 }, auth);
                Assert.Equal([fixture.IdAs(who, fixture.MembersByProject[fixture.Help].Id)], suggested.Suggestions.Select(suggestion => suggestion.CustomerId));
                break;
            case "RegisterProject":
                Assert.True((await Client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = TestData.ProjectKey() }, auth)).Created);
                break;
            case "GetCustomerKey":
                Assert.Equal(a, (await fixture.Keys.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = fixture.CustomerAKeyId }, auth)).CustomerId);
                break;
            case "FindCustomerByAddress":
                // Any letter case finds the customer, as CreateCustomer normalises addresses. A fresh customer: other rows change customer A's address.
                var sought = await fixture.NewCustomerAsync(fixture.Help);
                var found = await Client.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = sought.Address.ToUpperInvariant() }, auth);
                Assert.Equal((sought.Id, sought.Address), (found.Id, found.Address));
                break;
            case "FindCustomerByUnknownAddress":
                await Client.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = TestData.Address() }, auth);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "no such row");
        }
    }

    /// <summary>
    /// A customer of OTHER only, with an organization and a profile changed since creation; the caller invites their
    /// address to HELP, and creates a new customer of HELP just as the invitation names them. Admins and services are
    /// told ALREADY_EXISTS (rethrown).
    /// </summary>
    private async Task<(Customer Existing, Customer Invited, Customer Fresh, DateTimeOffset Before)> InviteAndCreateAsync(Metadata auth)
    {
        var organization = await fixture.Admin.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Elsewhere {TestData.Id()}" });
        var created = await fixture.NewCustomerAsync(fixture.Other);
        var existing = await fixture.Admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = created.Id, OrganizationId = organization.Id, DisplayName = "Known Elsewhere" });
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await Eventually.WaitForAsync(
            () => Task.FromResult(DateTimeOffset.UtcNow), now => now > existing.UpdatedAt.ToDateTimeOffset().AddMilliseconds(1), "the clock to pass the customer's last change");
        var invited = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = existing.Address, DisplayName = existing.DisplayName, ProjectKeys = { fixture.Help } }, auth);
        var fresh = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = existing.DisplayName, ProjectKeys = { fixture.Help } }, auth);
        return (existing, invited, fresh, before);
    }

    private async Task InvitationAnswersAsAFreshCreateAsync(Metadata auth)
    {
        var (existing, invited, fresh, before) = await InviteAndCreateAsync(auth);

        Assert.Equal(existing.Address, invited.Address);
        Assert.Equal(fresh.DisplayName, invited.DisplayName);
        Assert.Equal(fresh.ProjectKeys, invited.ProjectKeys);
        Assert.Equal(fresh.OrganizationId, invited.OrganizationId);
        Assert.Equal(string.Empty, invited.OrganizationId);
        Assert.Equal(fresh.Version, invited.Version);
        Assert.Equal(1, invited.Version);
        Assert.Equal(invited.CreatedAt, invited.UpdatedAt);
        Assert.Equal(fresh.CreatedAt, fresh.UpdatedAt);
        Assert.InRange(invited.CreatedAt.ToDateTimeOffset(), before, fresh.CreatedAt.ToDateTimeOffset());
        Assert.True(invited.CreatedAt.ToDateTimeOffset() > existing.UpdatedAt.ToDateTimeOffset());

        // Ids: both scoped to HELP alike, neither the customer's own id nor anything of it, and no use to OTHER's agent.
        Assert.NotEqual(existing.Id, invited.Id);
        Assert.DoesNotContain(existing.Id, invited.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Shape(fresh.Id), Shape(invited.Id));
        Assert.StartsWith($"{fixture.Help}-", invited.Id, StringComparison.Ordinal);
        Assert.Equal(invited, await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = invited.Id }, auth));
        var otherAgent = fixture.As(Who.AgentOfOtherProject);
        await AssertAnUnknownIdToAsync(otherAgent, invited.Id);
        var othersView = await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = fixture.IdAs(Who.AgentOfOtherProject, existing.Id) }, otherAgent);
        Assert.NotEqual(invited.Id, othersView.Id);
        Assert.Equal(existing.Version, othersView.Version);
        Assert.Equal(existing.UpdatedAt, othersView.UpdatedAt);

        static string Shape(string id) => System.Text.RegularExpressions.Regex.Replace(id, "[0-9a-f]", "h");
    }

    private async Task InvitedCustomerAnswersAsAFreshCustomerEverywhereAsync(Metadata auth)
    {
        var (existing, invited, _, _) = await InviteAndCreateAsync(auth);

        Assert.Equal(invited, await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = invited.Id }, auth));
        Assert.Equal(invited, (await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = fixture.Help, PageSize = 200 }, auth)).Customers.Single(customer => customer.Address == existing.Address));
        var suggested = await Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = fixture.Help, Text = existing.Address, Limit = 5 }, auth);
        Assert.Equal([invited.Id], suggested.Suggestions.Select(suggestion => suggestion.CustomerId));
        Assert.Equal(invited, await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = invited.Id, ProjectKey = fixture.Help }, auth));
        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = invited.Id, DisplayName = "Renamed By HELP", ExpectedVersion = invited.Version }, auth).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.DoesNotContain(existing.Id, refused.Status.Detail, StringComparison.OrdinalIgnoreCase);

        // The customer's own change of name is theirs to share: one profile change since joining HELP.
        var renamed = await fixture.Admin.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = existing.Id, DisplayName = "Renamed By Themselves" });
        var afterRename = await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = invited.Id }, auth);
        var expected = invited.Clone();
        (expected.DisplayName, expected.Version, expected.UpdatedAt) = (renamed.DisplayName, 2, renamed.UpdatedAt);
        Assert.Equal(expected, afterRename);

        var removed = await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = invited.Id, ProjectKey = fixture.Help }, auth);
        Assert.Equal(invited.Id, removed.Id);
        Assert.Empty(removed.ProjectKeys);
        Assert.Equal(string.Empty, removed.OrganizationId);
        Assert.DoesNotContain(existing.Id, removed.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(removed.CreatedAt.ToDateTimeOffset() >= invited.CreatedAt.ToDateTimeOffset());
        await AssertAnUnknownIdToAsync(auth, invited.Id);
    }

    /// <summary>GetCustomer with <paramref name="id"/> answers exactly as with an id nobody has (but for the id).</summary>
    private async Task AssertAnUnknownIdToAsync(Metadata auth, string id)
    {
        var unknownId = TestData.Id();
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = id }, auth).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = unknownId }, auth).ResponseAsync);
        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (unknown.StatusCode, refused.StatusCode));
        Assert.Equal(unknown.Status.Detail.Replace(unknownId, "ID", StringComparison.Ordinal), refused.Status.Detail.Replace(id, "ID", StringComparison.Ordinal));
    }

    /// <summary>Adds the customer to HELP: done when allowed, and when refused nothing changed.</summary>
    private async Task AddToHelpAsync(Customer customer, Who who, Metadata auth)
    {
        async Task<IEnumerable<string>> KeysNow() => (await fixture.Admin.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.Id })).ProjectKeys.Order();
        try
        {
            await AssertNotFoundLikeAnUnknownIdAsync(
                id => Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = id, ProjectKey = fixture.Help }, auth).ResponseAsync, customer.Id, who);
            Assert.Equal(customer.ProjectKeys.Append(fixture.Help).Order(), await KeysNow());
        }
        catch (RpcException)
        {
            Assert.Equal(customer.ProjectKeys.Order(), await KeysNow());
            throw;
        }
    }

    /// <summary>
    /// Calls with <paramref name="id"/>; an agent must get exactly the answer an unknown id gets (status and
    /// message but for the id), and that is rethrown for the matrix.
    /// </summary>
    private static async Task AssertNotFoundLikeAnUnknownIdAsync(Func<string, Task> call, string id, Who who)
    {
        if (who != Who.Agent)
        {
            await call(id);
            return;
        }

        var unknownId = TestData.Id();
        var refused = await Assert.ThrowsAsync<RpcException>(() => call(id));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => call(unknownId));
        Assert.Equal(unknown.StatusCode, refused.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace(unknownId, "ID", StringComparison.Ordinal), refused.Status.Detail.Replace(id, "ID", StringComparison.Ordinal));
        throw refused;
    }

    private static CreateCustomerRequest NewCustomer(params string[] projectKeys) =>
        new() { Address = TestData.Address(), DisplayName = "New Customer", ProjectKeys = { projectKeys } };

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
