using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Directory.Keys;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

[Collection(DirectoryApiCollection.Name)]
public sealed class CustomerApiTests(DirectoryHostFixture directory)
{
    private DirectoryService.DirectoryServiceClient Client => directory.Client;

    [Fact]
    public async Task CreateCustomer_normalises_and_stores_the_profile()
    {
        var help = await directory.NewProjectAsync();
        var sales = await directory.NewProjectAsync();
        var organization = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Org {TestData.Id()}" });
        var domain = $"{TestData.Id()}.example";

        var created = await Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = $"  Jane.Doe@{domain.ToUpperInvariant()} ",
            DisplayName = "  Jane Doe ",
            OrganizationId = organization.Id,
            ProjectKeys = { sales, help, sales },
        });

        Assert.NotEmpty(created.Id);
        Assert.Equal($"jane.doe@{domain}", created.Address);
        Assert.Equal("Jane Doe", created.DisplayName);
        Assert.Equal(organization.Id, created.OrganizationId);
        Assert.Equal(new[] { help, sales }.Order(StringComparer.Ordinal), created.ProjectKeys);
        Assert.Equal(1, created.Version);
        Assert.InRange(created.CreatedAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(created.CreatedAt, created.UpdatedAt);
        Assert.Equal(created, await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = created.Id }));
    }

    [Fact]
    public async Task CreateCustomer_rejects_every_malformed_field_at_once()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = "jane.doe@",
            DisplayName = new string('x', 201),
            ProjectKeys = { "help" },
        }));

        Assert.Equal(["address", "display_name", "project_keys[0]"], error.Fields().Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CreateCustomer_requires_a_display_name(string displayName)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = TestData.Address(),
            DisplayName = displayName,
        }));

        Assert.Equal(["display_name"], error.Fields());
    }

    [Fact]
    public async Task CreateCustomer_names_an_unknown_project_or_organization()
    {
        var known = await directory.NewProjectAsync();

        var unknownProject = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = TestData.Address(),
            DisplayName = "Jane Doe",
            ProjectKeys = { known, "NOSUCH" },
        }));
        var unknownOrganization = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = TestData.Address(),
            DisplayName = "Jane Doe",
            OrganizationId = "no-such-organization",
        }));

        Assert.Equal(["project_keys[1]"], unknownProject.Fields());
        Assert.Equal("NOSUCH", unknownProject.ResourceName());
        Assert.Equal(["organization_id"], unknownOrganization.Fields());
    }

    [Fact]
    public async Task CreateCustomer_with_a_taken_address_names_the_existing_customer_and_not_the_address()
    {
        var address = TestData.Address("jane");
        var existing = await directory.NewCustomerAsync("Jane Doe", address);

        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = " " + address.ToUpperInvariant(),
            DisplayName = "Another Jane",
        }));

        Assert.Equal(existing.Id, error.ResourceName());
        Assert.Equal(["address"], error.Fields());
        Assert.DoesNotContain(address, error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetCustomer_of_an_unknown_id_is_not_found_and_of_no_id_is_invalid()
    {
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = "nobody" }));
        var empty = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.GetCustomerAsync(new GetCustomerRequest()));

        Assert.Equal(["customer_id"], missing.Fields());
        Assert.Equal(["customer_id"], empty.Fields());
    }

    /// <summary>
    /// A removal committing between an update's read of the customer and its read of the customer's key (here the key
    /// destroyed by hand while the profile is still there, as in that instant) is NOT_FOUND, as a customer removed
    /// before the update, not INTERNAL.
    /// </summary>
    [Fact]
    public async Task UpdateCustomer_finding_the_key_destroyed_by_a_removal_meanwhile_is_not_found()
    {
        var project = await directory.NewProjectAsync();
        var customer = await directory.NewCustomerAsync("Racing Rita", null, project);
        await directory.Host.Services.GetRequiredService<ICustomerKeyStore>().DestroyForCustomerAsync(customer.Id, CancellationToken.None);

        var refused = await RpcAssert.FailsAsync(StatusCode.NotFound, () =>
            Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = customer.Id, DisplayName = "Rita Later" }));

        Assert.Contains(customer.Id, refused.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// An agent's update racing the customer's removal from the agent's last project: each update either lands before
    /// it (OK) or finds the customer out of sight (NOT_FOUND), with or without an expected version; never INTERNAL, which
    /// an update read visible, then written and shown from no project of the agent's, answered.
    /// </summary>
    [Fact]
    public async Task An_agent_s_updates_racing_the_customer_s_removal_from_their_project_are_applied_or_not_found()
    {
        var project = await directory.NewProjectAsync();
        var agent = IdentityTestHost.Bearer(await directory.TokenOfNewAsync(Role.Agent, null, project));
        var asAgent = new DirectoryService.DirectoryServiceClient(directory.Host.Channel);
        var statuses = new List<StatusCode>();
        for (var round = 0; round < 20; round++)
        {
            var customer = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address("racing"), DisplayName = "Racing Rita", ProjectKeys = { project } });
            var updates = Enumerable.Range(0, 6).Select(i => RpcAssert.StatusOfAsync(() => asAgent.UpdateCustomerAsync(
                new UpdateCustomerRequest { CustomerId = customer.Id, DisplayName = $"Rita {i}", ExpectedVersion = i % 2 }, agent).ResponseAsync));
            var removal = Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = customer.Id, ProjectKey = project }).ResponseAsync;
            statuses.AddRange(await Task.WhenAll(updates));
            await removal;
        }

        Assert.All(statuses, status => Assert.Contains(status, new[] { StatusCode.OK, StatusCode.NotFound, StatusCode.Aborted }));
        Assert.Contains(StatusCode.NotFound, statuses);
    }

    /// <summary>
    /// Ticketing adds a customer of other projects to a project open to anyone when mail comes from them; a customer staff
    /// took out of the project is refused it (TAKEN_OUT_OF_PROJECT), until staff add them again. Was: added back.
    /// </summary>
    [Fact]
    public async Task A_service_may_not_add_a_customer_back_to_a_project_staff_took_them_out_of()
    {
        var open = await directory.NewProjectAsync();
        var other = await directory.NewProjectAsync();
        var agent = IdentityTestHost.Bearer(await directory.TokenOfNewAsync(Role.Agent, null, open));
        var withoutToken = new DirectoryService.DirectoryServiceClient(directory.Host.Channel);
        var ticketing = IdentityTestHost.Bearer(await directory.Identity.ServiceTokenAsync(ServiceDesk.Hosting.ServiceNames.Ticketing));
        var carol = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address("carol"), DisplayName = "Carol", ProjectKeys = { open, other } });
        var dave = await Client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address("dave"), DisplayName = "Dave", ProjectKeys = { other } });

        await withoutToken.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = directory.Host.Services.GetRequiredService<ServiceDesk.Hosting.KeyProtection.ProjectScopedIds>().For(carol.Id, open), ProjectKey = open }, agent);
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => withoutToken.AddToProjectAsync(new AddToProjectRequest { CustomerId = carol.Id, ProjectKey = open }, ticketing));
        var joined = await withoutToken.AddToProjectAsync(new AddToProjectRequest { CustomerId = dave.Id, ProjectKey = open }, ticketing);

        Assert.Equal("TAKEN_OUT_OF_PROJECT", Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.PreconditionFailure>().Violations).Type);
        Assert.Equal([other], (await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = carol.Id })).ProjectKeys);
        Assert.Equal(new[] { open, other }.Order(StringComparer.Ordinal), joined.ProjectKeys);
        var readded = await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = carol.Id, ProjectKey = open });
        Assert.Equal(new[] { open, other }.Order(StringComparer.Ordinal), readded.ProjectKeys);
        Assert.Equal(readded, await withoutToken.AddToProjectAsync(new AddToProjectRequest { CustomerId = carol.Id, ProjectKey = open }, ticketing));
    }

    [Fact]
    public async Task UpdateCustomer_changes_only_the_fields_that_are_set_and_increments_the_version()
    {
        var organization = await Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = $"Org {TestData.Id()}" });
        var jane = await directory.NewCustomerAsync("Jane Doe");
        var newAddress = TestData.Address("jane.roe");

        var renamed = await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = " Jane Roe " });
        var moved = await Client.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            CustomerId = jane.Id,
            Address = newAddress.ToUpperInvariant(),
            OrganizationId = organization.Id,
            ExpectedVersion = 2,
        });
        var left = await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, OrganizationId = "" });

        Assert.Equal(("Jane Roe", jane.Address, 2L), (renamed.DisplayName, renamed.Address, renamed.Version));
        Assert.True(renamed.UpdatedAt.ToDateTimeOffset() >= jane.UpdatedAt.ToDateTimeOffset());
        Assert.Equal((newAddress, organization.Id, "Jane Roe", 3L), (moved.Address, moved.OrganizationId, moved.DisplayName, moved.Version));
        Assert.Equal(("", 4L), (left.OrganizationId, left.Version));
        Assert.Equal(jane.CreatedAt, left.CreatedAt);
        Assert.Equal(left, await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = jane.Id }));
    }

    [Fact]
    public async Task UpdateCustomer_that_changes_nothing_keeps_the_version()
    {
        var jane = await directory.NewCustomerAsync("Jane Doe");

        var same = await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Jane Doe", Address = jane.Address });

        Assert.Equal(jane, same);
    }

    [Fact]
    public async Task UpdateCustomer_at_a_stale_expected_version_is_aborted_and_changes_nothing()
    {
        var jane = await directory.NewCustomerAsync("Jane Doe");
        await Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = jane.Id, DisplayName = "Jane Roe" });

        await RpcAssert.FailsAsync(StatusCode.Aborted, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            CustomerId = jane.Id,
            DisplayName = "Lost Update",
            ExpectedVersion = 1,
        }));

        Assert.Equal("Jane Roe", (await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = jane.Id })).DisplayName);
    }

    [Fact]
    public async Task Concurrent_updates_without_an_expected_version_are_all_applied()
    {
        var projects = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => directory.NewProjectAsync()));
        var jane = await directory.NewCustomerAsync("Jane Doe");

        await Task.WhenAll(projects.Select(project =>
            Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = project }).ResponseAsync));

        var final = await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = jane.Id });
        Assert.Equal(projects.Order(StringComparer.Ordinal), final.ProjectKeys);
        Assert.Equal(1 + projects.Length, final.Version);
    }

    [Fact]
    public async Task UpdateCustomer_to_a_taken_address_names_the_existing_customer()
    {
        var jane = await directory.NewCustomerAsync("Jane Doe");
        var john = await directory.NewCustomerAsync("John Doe");

        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            CustomerId = john.Id,
            Address = jane.Address,
        }));

        Assert.Equal(jane.Id, error.ResourceName());
        Assert.Equal(john, await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = john.Id }));
    }

    [Fact]
    public async Task UpdateCustomer_errors_name_their_fields()
    {
        var jane = await directory.NewCustomerAsync("Jane Doe");

        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            CustomerId = jane.Id,
            Address = "not an address",
            DisplayName = " ",
            ExpectedVersion = -1,
        }));
        var noId = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest { DisplayName = "X" }));
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            CustomerId = "nobody",
            DisplayName = "X",
        }));
        var unknownOrganization = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest
        {
            CustomerId = jane.Id,
            OrganizationId = "no-such-organization",
        }));

        Assert.Equal(["address", "display_name", "expected_version"], invalid.Fields().Order());
        Assert.Equal(["customer_id"], noId.Fields());
        Assert.Equal(["customer_id"], missing.Fields());
        Assert.Equal(["organization_id"], unknownOrganization.Fields());
    }

    [Fact]
    public async Task ListCustomers_pages_one_project_in_address_order()
    {
        var project = await directory.NewProjectAsync();
        var domain = $"{TestData.Id()}.example";
        var created = new List<Customer>();
        foreach (var local in new[] { "erin", "bob", "dave", "alice", "carol" })
        {
            created.Add(await directory.NewCustomerAsync(local, $"{local}@{domain}", project));
        }

        await directory.NewCustomerAsync("Outside", $"aaron@{domain}");

        var pages = new List<ListCustomersResponse>();
        var token = "";
        do
        {
            var page = await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = project, PageSize = 2, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal([2, 2, 1], pages.Select(page => page.Customers.Count));
        Assert.Equal(created.Select(customer => customer.Address).Order(StringComparer.Ordinal), pages.SelectMany(page => page.Customers).Select(customer => customer.Address));
        Assert.DoesNotContain(domain, string.Concat(pages.Select(page => page.NextPageToken)), StringComparison.Ordinal);
    }

    /// <summary>
    /// A kept token must not follow its customer out of the list: its next page would place their new address (and
    /// a probe customer moved around it, find it), and its answer would tell a move from a removal.
    /// </summary>
    [Fact]
    public async Task A_page_token_whose_customer_left_the_project_is_refused_as_a_forged_one()
    {
        var project = await directory.NewProjectAsync();
        var other = await directory.NewProjectAsync();
        var domain = $"{TestData.Id()}.example";
        var leaving = await directory.NewCustomerAsync("Ann", $"ann@{domain}", project, other);
        await directory.NewCustomerAsync("Bob", $"bob@{domain}", project);
        var agent = IdentityTestHost.Bearer(await directory.TokenOfNewAsync(ServiceDesk.Contracts.Identity.V1.Role.Agent, null, project));
        var asAgent = new DirectoryService.DirectoryServiceClient(directory.Host.Channel);
        var first = await asAgent.ListCustomersAsync(new ListCustomersRequest { ProjectKey = project, PageSize = 1 }, agent);
        Assert.Equal([leaving.Address], first.Customers.Select(customer => customer.Address));

        await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = leaving.Id, ProjectKey = project });

        var replayed = await RpcAssert.FailsAsync(
            StatusCode.InvalidArgument, () => asAgent.ListCustomersAsync(new ListCustomersRequest { ProjectKey = project, PageSize = 1, PageToken = first.NextPageToken }, agent));
        var forged = await RpcAssert.FailsAsync(
            StatusCode.InvalidArgument, () => asAgent.ListCustomersAsync(new ListCustomersRequest { ProjectKey = project, PageSize = 1, PageToken = "bm9ib2R5" }, agent));
        Assert.Equal((forged.Status.Detail, forged.DetailsText()), (replayed.Status.Detail, replayed.DetailsText()));
        Assert.Equal(["page_token"], replayed.Fields());
    }

    [Fact]
    public async Task ListCustomers_without_a_project_walks_everyone_in_address_order()
    {
        var mine = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => directory.NewCustomerAsync()));

        var all = new List<Customer>();
        var token = "";
        do
        {
            var page = await Client.ListCustomersAsync(new ListCustomersRequest { PageSize = 200, PageToken = token });
            all.AddRange(page.Customers);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(all.Select(customer => customer.Address).Order(StringComparer.Ordinal), all.Select(customer => customer.Address));
        Assert.Equal(all.Count, all.Select(customer => customer.Id).Distinct().Count());
        Assert.All(mine, customer => Assert.Contains(all, listed => listed.Id == customer.Id));
    }

    [Fact]
    public async Task ListCustomers_errors_name_their_fields()
    {
        var pageSize = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListCustomersAsync(new ListCustomersRequest { PageSize = 201 }));
        var negative = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListCustomersAsync(new ListCustomersRequest { PageSize = -1 }));
        var malformedProject = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = "help" }));
        var unknownProject = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = "NOSUCH" }));
        var token = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListCustomersAsync(new ListCustomersRequest { PageToken = "not a token!" }));
        var unknownToken = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListCustomersAsync(new ListCustomersRequest { PageToken = "bm9ib2R5" }));

        Assert.Equal(["page_size"], pageSize.Fields());
        Assert.Equal(["page_size"], negative.Fields());
        Assert.Equal(["project_key"], malformedProject.Fields());
        Assert.Equal(["project_key"], unknownProject.Fields());
        Assert.Equal(["page_token"], token.Fields());
        Assert.Equal(["page_token"], unknownToken.Fields());
    }

    [Fact]
    public async Task AddToProject_and_RemoveFromProject_are_idempotent()
    {
        var help = await directory.NewProjectAsync();
        var sales = await directory.NewProjectAsync();
        var jane = await directory.NewCustomerAsync("Jane Doe", projectKeys: help);

        var added = await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = sales });
        var addedAgain = await Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = sales });
        var removed = await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = jane.Id, ProjectKey = help });
        var removedAgain = await Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = jane.Id, ProjectKey = help });

        Assert.Equal(new[] { help, sales }.Order(StringComparer.Ordinal), added.ProjectKeys);
        Assert.Equal(2, added.Version);
        Assert.Equal(added, addedAgain);
        Assert.Equal([sales], removed.ProjectKeys);
        Assert.Equal(3, removed.Version);
        Assert.Equal(removed, removedAgain);
        var inSales = await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = sales });
        var inHelp = await Client.ListCustomersAsync(new ListCustomersRequest { ProjectKey = help });
        Assert.Equal([jane.Id], inSales.Customers.Select(customer => customer.Id));
        Assert.Empty(inHelp.Customers);
    }

    /// <summary>The gateway answered DELETE /customers/{id}/projects/NOPE 200 where PUT answers 404: a mistyped key looked done.</summary>
    [Fact]
    public async Task RemoveFromProject_of_a_project_that_does_not_exist_is_not_found_as_AddToProject_is()
    {
        var jane = await directory.NewCustomerAsync("Jane Doe", projectKeys: await directory.NewProjectAsync());

        var add = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = "NOSUCH" }));
        var remove = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = jane.Id, ProjectKey = "NOSUCH" }));

        Assert.Equal(["project_key"], remove.Fields());
        Assert.Equal(add.Status.Detail, remove.Status.Detail);
        Assert.Equal(jane.ProjectKeys, (await Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = jane.Id })).ProjectKeys);
    }

    [Fact]
    public async Task AddToProject_and_RemoveFromProject_errors_name_their_fields()
    {
        var project = await directory.NewProjectAsync();
        var jane = await directory.NewCustomerAsync("Jane Doe");

        var unknownProject = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = jane.Id, ProjectKey = "NOSUCH" }));
        var unknownCustomer = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = "nobody", ProjectKey = project }));
        var malformed = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.AddToProjectAsync(new AddToProjectRequest { ProjectKey = "x" }));
        var removeUnknownCustomer = await RpcAssert.FailsAsync(StatusCode.NotFound, () => Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = "nobody", ProjectKey = project }));
        var removeMalformed = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.RemoveFromProjectAsync(new RemoveFromProjectRequest { CustomerId = jane.Id, ProjectKey = "help desk" }));

        Assert.Equal(["project_key"], unknownProject.Fields());
        Assert.Equal(["customer_id"], unknownCustomer.Fields());
        Assert.Equal(["customer_id", "project_key"], malformed.Fields().Order());
        Assert.Equal(["customer_id"], removeUnknownCustomer.Fields());
        Assert.Equal(["project_key"], removeMalformed.Fields());
    }
}
