using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

[Collection(DirectoryApiCollection.Name)]
public sealed class OrganizationApiTests(DirectoryHostFixture directory)
{
    private DirectoryService.DirectoryServiceClient Client => directory.Client;

    [Fact]
    public async Task CreateOrganization_trims_the_name_and_refuses_it_again_in_another_case()
    {
        var name = $"Acme {TestData.Id()}";

        var acme = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"  {name} " });
        var duplicate = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = name.ToUpperInvariant() }));

        Assert.NotEmpty(acme.Id);
        Assert.Equal(name, acme.Name);
        Assert.NotNull(acme.CreatedAt);
        Assert.Equal(acme.Id, duplicate.ResourceName());
        Assert.Equal(["name"], duplicate.Fields());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task CreateOrganization_requires_a_name(string name)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = name }));

        Assert.Equal(["name"], error.Fields());
    }

    [Fact]
    public async Task CreateOrganization_refuses_an_over_long_name()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = new string('a', 201) }));

        Assert.Equal(["name"], error.Fields());
    }

    [Fact]
    public async Task RenameOrganization_renames_and_frees_the_old_name()
    {
        var oldName = $"Acme {TestData.Id()}";
        var acme = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = oldName });

        var renamed = await Client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = acme.Id, Name = "  Acme Group " + acme.Id });
        var reused = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = oldName });

        Assert.Equal((acme.Id, "Acme Group " + acme.Id, acme.CreatedAt), (renamed.Id, renamed.Name, renamed.CreatedAt));
        Assert.NotEqual(acme.Id, reused.Id);
    }

    /// <summary>
    /// An organization's name is every project's (unique across them): an agent renames none, not even one whose members
    /// are all their project's, which any agent could otherwise make of another project's new one by giving it a customer.
    /// </summary>
    [Fact]
    public async Task Only_an_admin_renames_an_organization()
    {
        var own = await directory.NewProjectAsync();
        var agent = new DirectoryService.DirectoryServiceClient(directory.Host.Channel);
        var auth = IdentityTestHost.Bearer(await directory.TokenOfNewAsync(Role.Agent, null, own));
        var ours = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Ours {TestData.Id()}" });
        var empty = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Empty {TestData.Id()}" });
        await NewMemberAsync(ours, own);

        foreach (var organization in new[] { ours, empty })
        {
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => agent.RenameOrganizationAsync(
                new RenameOrganizationRequest { OrganizationId = organization.Id, Name = $"Squatted {TestData.Id()}" }, auth));
        }

        var byAdmin = await Client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = ours.Id, Name = $"Ours renamed {TestData.Id()}" });
        Assert.StartsWith("Ours renamed", byAdmin.Name, StringComparison.Ordinal);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = empty.Name }));
    }

    private async Task NewMemberAsync(Organization organization, string projectKey) =>
        await Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = TestData.Address(), DisplayName = "Member", OrganizationId = organization.Id, ProjectKeys = { projectKey },
        });

    [Fact]
    public async Task RenameOrganization_errors_name_their_fields()
    {
        var acme = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Acme {TestData.Id()}" });
        var globex = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Globex {TestData.Id()}" });

        var taken = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = globex.Id, Name = acme.Name.ToLowerInvariant() }));
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = "nobody", Name = $"X {TestData.Id()}" }));
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.RenameOrganizationAsync(new RenameOrganizationRequest { Name = "" }));

        Assert.Equal(acme.Id, taken.ResourceName());
        Assert.Equal(["name"], taken.Fields());
        Assert.Equal(["organization_id"], missing.Fields());
        Assert.Equal(["name", "organization_id"], invalid.Fields().Order());
    }

    [Fact]
    public async Task ListOrganizationMembers_pages_the_members_in_address_order()
    {
        var acme = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Acme {TestData.Id()}" });
        var domain = $"{TestData.Id()}.example";
        var members = new List<Customer>();
        foreach (var local in new[] { "carol", "alice", "bob" })
        {
            members.Add(await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = $"{local}@{domain}", DisplayName = local, OrganizationId = acme.Id }));
        }

        var leaver = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = $"aaron@{domain}", DisplayName = "Aaron", OrganizationId = acme.Id });
        await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = leaver.Id, OrganizationId = "" });
        await directory.NewCustomerAsync("Outsider", $"abe@{domain}");

        var first = await Client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = acme.Id, PageSize = 2 });
        var second = await Client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = acme.Id, PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal([$"alice@{domain}", $"bob@{domain}"], first.Customers.Select(customer => customer.Address));
        Assert.Equal([$"carol@{domain}"], second.Customers.Select(customer => customer.Address));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task ListOrganizationMembers_shows_an_agent_only_the_members_of_their_projects_alone_in_full_pages()
    {
        var help = await directory.NewProjectAsync();
        var other = await directory.NewProjectAsync();
        var acme = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Acme {TestData.Id()}" });
        var domain = $"{TestData.Id()}.example";
        var inHelpAlone = new List<string>();
        (string, string[])[] members = [("a", [other]), ("b", [help]), ("c", []), ("d", [help]), ("e", [help, other]), ("f", [other]), ("g", [help]), ("h", [help])];
        foreach (var (local, projects) in members)
        {
            var member = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = $"{local}@{domain}", DisplayName = local, OrganizationId = acme.Id, ProjectKeys = { projects } });
            if (projects.SequenceEqual([help]))
            {
                inHelpAlone.Add(member.Address);
            }
        }

        var agent = IdentityTestHost.Bearer(await directory.TokenOfNewAsync(Role.Agent, null, help));
        var asAgent = new DirectoryService.DirectoryServiceClient(directory.Host.Channel);
        var pages = new List<ListOrganizationMembersResponse>();
        var token = "";
        do
        {
            var page = await asAgent.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = acme.Id, PageSize = 2, PageToken = token }, agent);
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        // e, shared with another project, is not listed: the organization of a shared profile is not shown to agents.
        Assert.Equal([2, 2], pages.Select(page => page.Customers.Count));
        Assert.Equal(inHelpAlone, pages.SelectMany(page => page.Customers).Select(customer => customer.Address));
        Assert.All(pages.SelectMany(page => page.Customers), customer => Assert.Equal(acme.Id, customer.OrganizationId));
    }

    [Fact]
    public async Task ListOrganizationMembers_errors_name_their_fields()
    {
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = "nobody" }));
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { PageSize = 500 }));

        Assert.Equal(["organization_id"], missing.Fields());
        Assert.Equal(["organization_id", "page_size"], invalid.Fields().Order());
    }
}
