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
/// OTHER, the admin, and the ticketing service identity. Organization "members" has one member in HELP, one
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
        var customerB = await _hosts.NewCustomerAsync("Customer B", projectKeys: Other);
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
        _tokens[Who.CustomerB] = await _hosts.TokenOfNewAsync(Role.Customer, customerB.Id);
        _tokens[Who.AgentOfOtherProject] = await _hosts.TokenOfNewAsync(Role.Agent, null, Other);
        _tokens[Who.Agent] = await _hosts.TokenOfNewAsync(Role.Agent, null, Help);
        _tokens[Who.Admin] = _hosts.AdminToken;
        _tokens[Who.Service] = await _hosts.Identity.ServiceTokenAsync();
    }

    public Task DisposeAsync() => _hosts.DisposeAsync();

    public Metadata As(Who who) => who == Who.Anonymous ? [] : Bearer(_tokens[who]);

    public Task<Customer> NewCustomerAsync(params string[] projectKeys) => _hosts.NewCustomerAsync("Fresh Customer", projectKeys: projectKeys);
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

    private DirectoryService.DirectoryServiceClient Client => fixture.Anyone;

    //                      Anonymous        CustomerA  CustomerB  AgentOfOther  Agent  Admin  Service
    public static TheoryData<string, Who, StatusCode> Rpcs => Table(
        ("CreateCustomer", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("CreateCustomerInHelpAndOther", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        ("CreateCustomerInNoProject", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        ("GetCustomer", [Unauthenticated, Ok, Denied, Denied, Ok, Ok, Ok]),
        // Refused to customers before the look-up: whether an id exists is no customer's business.
        ("GetUnknownCustomer", [Unauthenticated, Denied, Denied, NotFound, NotFound, NotFound, NotFound]),
        ("UpdateCustomerDisplayName", [Unauthenticated, Ok, Denied, Denied, Ok, Ok, Ok]),
        ("UpdateCustomerAddress", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("UpdateCustomerOrganization", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("ListCustomersOfHelp", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("ListAllCustomers", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        ("AddToProject", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("RemoveFromProject", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        // The customer belongs to OTHER only: a HELP agent may not read them back through a no-op removal.
        ("RemoveFromProjectOfAnotherProjectsCustomer", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        ("CreateOrganization", [Unauthenticated, Denied, Denied, Ok, Ok, Ok, Ok]),
        ("RenameOrganization", [Unauthenticated, Denied, Denied, Ok, Ok, Ok, Ok]),
        ("ListOrganizationMembers", [Unauthenticated, Denied, Denied, Ok, Ok, Ok, Ok]),
        ("SuggestCustomers", [Unauthenticated, Denied, Denied, Denied, Ok, Ok, Ok]),
        ("RegisterProject", [Unauthenticated, Denied, Denied, Denied, Denied, Ok, Ok]),
        // Service identities only: not even customer A for their own key, nor the admin.
        ("GetCustomerKey", [Unauthenticated, Denied, Denied, Denied, Denied, Denied, Ok]));

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task Directory_rpcs(string rpc, Who who, StatusCode expected)
    {
        Assert.Equal(expected, await StatusOfAsync(() => CallAsync(rpc, who, fixture.As(who))));
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

        var refused = await StatusOfAsync(() => Client.UpdateCustomerAsync(
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
            case "GetCustomer":
                Assert.Equal(a, (await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = a }, auth)).Id);
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
            case "ListCustomersOfHelp":
                Assert.Contains((await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = fixture.Help, PageSize = 200 }, auth)).Customers, customer => customer.Id == a);
                break;
            case "ListAllCustomers":
                Assert.NotEmpty((await Client.ListCustomersAsync(new ListCustomersRequest(), auth)).Customers);
                break;
            case "AddToProject":
                var outsider = await fixture.NewCustomerAsync();
                Assert.Equal([fixture.Help], (await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = outsider.Id, ProjectKey = fixture.Help }, auth)).ProjectKeys);
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
                Assert.Equal(visible.Select(project => fixture.MembersByProject[project].Id).Order(), listed.Customers.Select(customer => customer.Id).Order());
                break;
            case "SuggestCustomers":
                var suggested = await Client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = fixture.Help, Text = fixture.SuggestWord, Limit = 5 }, auth);
                Assert.Equal([fixture.MembersByProject[fixture.Help].Id], suggested.Suggestions.Select(suggestion => suggestion.CustomerId));
                break;
            case "RegisterProject":
                Assert.True((await Client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = TestData.ProjectKey() }, auth)).Created);
                break;
            case "GetCustomerKey":
                Assert.Equal(a, (await fixture.Keys.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = fixture.CustomerAKeyId }, auth)).CustomerId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "no such row");
        }
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

    private static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}
