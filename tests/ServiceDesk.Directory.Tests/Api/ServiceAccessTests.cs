using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

/// <summary>
/// Every service identity against every RPC Directory serves: only what the service-access table grants passes
/// (and then does its work); everything else is PERMISSION_DENIED, however valid the request.
/// </summary>
public sealed class ServiceAccessTests(RoleMatrixFixture fixture) : IClassFixture<RoleMatrixFixture>
{
    /// <summary>Every RPC, from the contract: a new one fails here until it has a case below.</summary>
    private static readonly IEnumerable<string> Rpcs =
        DirectoryService.Descriptor.Methods.Concat(CustomerKeyService.Descriptor.Methods).Select(method => method.Name);

    /// <summary>The grants as the README states them, written out rather than read from the table under test.</summary>
    private static readonly Dictionary<string, string[]> Granted = new()
    {
        [ServiceNames.Ticketing] = ["FindCustomerByAddress", "CreateCustomer", "GetCustomer", "AddToProject", "GetCustomerKey"],
        [ServiceNames.Notification] = ["GetCustomerKey"],
        [ServiceNames.Identity] = [],
        [ServiceNames.Directory] = [],
        [ServiceNames.Gateway] = [],
    };

    public static TheoryData<string, string> Cells()
    {
        var cells = new TheoryData<string, string>();
        foreach (var service in Granted.Keys)
        {
            foreach (var rpc in Rpcs)
            {
                cells.Add(service, rpc);
            }
        }

        return cells;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_service_identity_calls_only_the_directory_rpcs_granted_to_it(string service, string rpc)
    {
        var auth = await fixture.AsServiceAsync(service);
        var expected = Granted[service].Contains(rpc) ? StatusCode.OK : StatusCode.PermissionDenied;

        Assert.Equal(expected, await RpcAssert.StatusOfAsync(() => CallAsync(rpc, auth)));
    }

    private async Task CallAsync(string rpc, Metadata auth)
    {
        var client = fixture.Anyone;
        var a = fixture.CustomerA.Id;
        switch (rpc)
        {
            case "CreateCustomer":
                await client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "By A Service", ProjectKeys = { fixture.Help } }, auth);
                break;
            case "GetCustomer":
                Assert.Equal(a, (await client.GetCustomerAsync(new GetCustomerRequest { CustomerId = a }, auth)).Id);
                break;
            case "FindCustomerByAddress":
                Assert.Equal(a, (await client.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = fixture.CustomerA.Address }, auth)).Id);
                break;
            case "UpdateCustomer":
                await client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = a, DisplayName = "Customer A" }, auth);
                break;
            case "ListCustomers":
                await client.ListCustomersAsync(new ListCustomersRequest(), auth);
                break;
            case "AddToProject":
                var ofOther = await fixture.NewCustomerAsync(fixture.Other);
                Assert.Equal(2, (await client.AddToProjectAsync(new AddToProjectRequest { CustomerId = ofOther.Id, ProjectKey = fixture.Help }, auth)).ProjectKeys.Count);
                break;
            case "RemoveFromProject":
                var member = await fixture.NewCustomerAsync(fixture.Help);
                await client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = member.Id, ProjectKey = fixture.Help }, auth);
                break;
            case "CreateOrganization":
                await client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Org {TestData.Id()}" }, auth);
                break;
            case "RenameOrganization":
                await client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = fixture.Members.Id, Name = fixture.Members.Name }, auth);
                break;
            case "ListOrganizationMembers":
                await client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = fixture.Members.Id }, auth);
                break;
            case "SuggestCustomers":
                await client.SuggestCustomersAsync(new SuggestCustomersRequest { ProjectKey = fixture.Help, Text = fixture.SuggestWord, Limit = 5 }, auth);
                break;
            case "RegisterProject":
                await client.RegisterProjectAsync(new RegisterProjectRequest { ProjectKey = TestData.ProjectKey() }, auth);
                break;
            case "GetCustomerKey":
                Assert.Equal(a, (await fixture.Keys.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = fixture.CustomerAKeyId }, auth)).CustomerId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, "no such RPC");
        }
    }
}
