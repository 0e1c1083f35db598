using System.Diagnostics;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Directory.Tests.Api;

/// <summary>Every field of a request is bounded and refused before any store access; no server takes an unbounded request.</summary>
[Collection(DirectoryApiCollection.Name)]
public sealed class BoundedInputTests(DirectoryHostFixture directory)
{
    private DirectoryService.DirectoryServiceClient Client => directory.Client;

    [Fact]
    public async Task Twenty_thousand_project_keys_are_refused_at_once()
    {
        var project = await directory.NewProjectAsync();
        var request = new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "Many Projects" };
        request.ProjectKeys.AddRange(Enumerable.Repeat(project, 20_000));

        var timer = Stopwatch.StartNew();
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateCustomerAsync(request));
        timer.Stop();

        Assert.Equal(["project_keys"], error.Fields());
        // It took over 15 s before the bound; refused before any store access it takes milliseconds (generous for CI).
        Assert.InRange(timer.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData("Jane\u202EeoD")] // right-to-left override
    [InlineData("Ja\u200Bne Doe")] // zero-width space
    [InlineData("Jane\u2066Doe")] // left-to-right isolate
    [InlineData("Jane\u0007Doe")] // control character
    [InlineData("Jane\nDoe")]
    public async Task Display_names_refuse_control_bidi_and_zero_width_characters(string displayName)
    {
        var customer = await directory.NewCustomerAsync();

        var create = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = displayName }));
        var update = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = customer.Id, DisplayName = displayName }));
        var organization = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = displayName }));

        Assert.Equal(["display_name"], create.Fields());
        Assert.Equal(["display_name"], update.Fields());
        Assert.Equal(["name"], organization.Fields());
    }

    [Fact]
    public async Task Whitespace_counts_towards_the_bounds_so_a_name_or_address_of_spaces_is_too_long_not_blank()
    {
        var spaces = new string(' ', 100_000);

        var create = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateCustomerAsync(new CreateCustomerRequest { Address = spaces, DisplayName = spaces }));
        var organization = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateOrganizationAsync(new CreateOrganizationRequest { Name = spaces + "Acme" }));

        Assert.Equal([("address", "must be at most 254 characters"), ("display_name", "must be at most 200 characters")], Violations(create).Order());
        Assert.Equal([("name", "must be at most 200 characters")], Violations(organization));

        static IEnumerable<(string, string)> Violations(RpcException error) =>
            error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(violation => (violation.Field, violation.Description));
    }

    [Fact]
    public async Task An_authorization_header_over_the_bound_is_refused_unread_even_around_a_valid_token()
    {
        var anyone = new DirectoryService.DirectoryServiceClient(directory.Host.Channel);
        var padded = new Metadata { { "authorization", $"Bearer {new string(' ', AuthExtensions.MaxAuthorizationHeaderLength)}{directory.AdminToken}" } };

        var error = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => anyone.ListCustomersAsync(new ListCustomersRequest(), padded));

        Assert.Contains($"longer than {AuthExtensions.MaxAuthorizationHeaderLength} characters", error.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(await anyone.ListCustomersAsync(new ListCustomersRequest { PageSize = 1 }, new Metadata { { "authorization", $"Bearer {directory.AdminToken}" } }));
    }

    [Fact]
    public async Task Finding_a_customer_by_address_takes_only_an_address_whoever_asks()
    {
        var missing = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.FindCustomerByAddressAsync(new FindCustomerByAddressRequest()));
        var malformed = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.FindCustomerByAddressAsync(new FindCustomerByAddressRequest { Address = "not an address" }));
        var tooLong = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.FindCustomerByAddressAsync(
            new FindCustomerByAddressRequest { Address = $"{new string('a', 64)}@{new string('b', 200)}.example" }));

        Assert.Equal(["address"], missing.Fields());
        Assert.Equal(["address"], malformed.Fields());
        Assert.Equal(["address"], tooLong.Fields());
    }

    [Fact]
    public async Task Ids_and_page_tokens_are_bounded()
    {
        var longId = new string('a', 65);

        var get = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.GetCustomerAsync(new GetCustomerRequest { CustomerId = longId }));
        var update = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.UpdateCustomerAsync(new UpdateCustomerRequest { CustomerId = longId, OrganizationId = longId }));
        var create = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.CreateCustomerAsync(new CreateCustomerRequest { Address = TestData.Address(), DisplayName = "X", OrganizationId = longId }));
        var add = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.AddToProjectAsync(new AddToProjectRequest { CustomerId = longId, ProjectKey = "HELP" }));
        var list = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListCustomersAsync(new ListCustomersRequest { PageToken = new string('a', 513) }));
        var members = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.ListOrganizationMembersAsync(new ListOrganizationMembersRequest { OrganizationId = longId, PageToken = new string('a', 513) }));
        var rename = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Client.RenameOrganizationAsync(new RenameOrganizationRequest { OrganizationId = longId, Name = "X" }));

        Assert.Equal(["customer_id"], get.Fields());
        Assert.Equal(["customer_id", "organization_id"], update.Fields().Order());
        Assert.Equal(["organization_id"], create.Fields());
        Assert.Equal(["customer_id"], add.Fields());
        Assert.Equal(["page_token"], list.Fields());
        Assert.Equal(["organization_id", "page_token"], members.Fields().Order());
        Assert.Equal(["organization_id"], rename.Fields());
    }

    [Theory]
    // Just over: the whole body arrives in one read, which the framing check used to leave to Kestrel (413, an error
    // and its stack logged per request).
    [InlineData(1024 * 1024)]
    [InlineData(1024 * 1024 + 20_000)]
    [InlineData(2 * 1024 * 1024)]
    public async Task A_request_over_the_maximum_size_is_refused_before_it_is_read_into_a_message(int nameLength)
    {
        var logged = directory.Host.Logs.Lines.Count;
        var error = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, () => Client.CreateCustomerAsync(new CreateCustomerRequest
        {
            Address = TestData.Address(),
            DisplayName = new string('x', nameLength),
        }));

        Assert.Contains("maximum", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(directory.Host.Logs.Lines.Skip(logged), line => line.Contains("too large", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(1024 * 1024, directory.Host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
    }
}
