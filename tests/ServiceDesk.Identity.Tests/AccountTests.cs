using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Identity.Accounts;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;
using ServiceDesk.Testing;

namespace ServiceDesk.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class AccountTests(IdentityFixture fixture)
{
    private IdentityService.IdentityServiceClient Client => fixture.Identity.Client();

    private Metadata AsAdmin => Bearer(fixture.TokenOf(Who.Admin));

    [Fact]
    public async Task An_admin_creates_accounts_of_each_role_with_a_normalised_login_and_only_their_role_fields()
    {
        var login = NewLogin();

        var customer = await Client.CreateAccountAsync(
            new CreateAccountRequest { Login = $"  {login.ToUpperInvariant()} ", Password = Password, Role = Role.Customer, CustomerId = CustomerIds.Named("c-9"), ProjectKeys = { "HELP" } }, AsAdmin);
        var agent = await Client.CreateAccountAsync(
            new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Agent, ProjectKeys = { "OPS", "HELP", "OPS" }, CustomerId = CustomerIds.Named("c-9") }, AsAdmin);
        var admin = await Client.CreateAccountAsync(new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Admin }, AsAdmin);

        Assert.Equal(login, customer.Login);
        Assert.Equal((Role.Customer, CustomerIds.Named("c-9")), (customer.Role, customer.CustomerId));
        Assert.Empty(customer.ProjectKeys);
        Assert.Equal(["HELP", "OPS"], agent.ProjectKeys);
        Assert.Equal(string.Empty, agent.CustomerId);
        Assert.Equal(Role.Admin, admin.Role);
        Assert.InRange(customer.CreatedAt.ToDateTime(), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(customer.Id, (await fixture.Identity.SignInAsync(login)).Account.Id);
    }

    [Fact]
    public async Task The_password_is_stored_only_as_a_salted_hash()
    {
        var account = await Client.CreateAccountAsync(new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Admin }, AsAdmin);

        var stored = await fixture.Identity.Services.GetRequiredService<IAccountStore>().GetAsync(account.Id, default);

        Assert.NotNull(stored);
        Assert.DoesNotContain(Password, stored.PasswordHash, StringComparison.Ordinal);
        // Argon2id with its parameters and a random salt, in the PHC string format.
        Assert.Matches(@"^\$argon2id\$v=19\$m=256,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", stored.PasswordHash);
    }

    [Fact]
    public async Task Invalid_fields_are_reported_together()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(
            new CreateAccountRequest { Login = "not-an-address", Password = "short", Role = Role.Unspecified }, AsAdmin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["login", "password", "role"], Violations(error).Select(v => v.Field).Order());
    }

    [Theory]
    [InlineData(Role.Agent, "", "project_keys")]
    [InlineData(Role.Agent, "help desk", "project_keys[0]")]
    [InlineData(Role.Customer, "", "customer_id")]
    public async Task Role_specific_fields_are_required(Role role, string projectKey, string field)
    {
        var request = new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = role };
        if (projectKey.Length > 0)
        {
            request.ProjectKeys.Add(projectKey);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(request, AsAdmin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(Violations(error)).Field);
    }

    /// <summary>
    /// A removal finds a customer's accounts by the customer's own id: an account made for an id scoped to a project (as
    /// agents and the console show customers) would outlive the removal, so only the own id's shape is taken.
    /// </summary>
    [Theory]
    [InlineData("HELP-0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("nobody")]
    public async Task A_customer_account_names_the_customer_by_their_own_id_only(string customerId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(
            new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Customer, CustomerId = customerId }, AsAdmin).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("customer_id", Assert.Single(Violations(error)).Field);
    }

    [Fact]
    public async Task An_over_long_password_is_refused()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(
            new CreateAccountRequest { Login = NewLogin(), Password = new string('x', 129), Role = Role.Admin }, AsAdmin).ResponseAsync);

        Assert.Equal("must be at most 128 characters", Assert.Single(Violations(error)).Description);
    }

    [Fact]
    public async Task A_taken_login_in_another_spelling_is_already_exists_naming_the_existing_account()
    {
        var login = NewLogin();
        var first = await Client.CreateAccountAsync(new CreateAccountRequest { Login = login, Password = Password, Role = Role.Admin }, AsAdmin);

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(
            new CreateAccountRequest { Login = login.ToUpperInvariant(), Password = Password + "!", Role = Role.Customer, CustomerId = CustomerIds.Named("c-1") }, AsAdmin).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal(first.Id, error.GetRpcStatus()!.GetDetail<ResourceInfo>()!.ResourceName);
        Assert.DoesNotContain(login, error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        await fixture.Identity.SignInAsync(login);
    }

    [Fact]
    public async Task Only_an_admin_creates_accounts()
    {
        var request = new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Admin };

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(request).ResponseAsync);
        var agent = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(request, Bearer(fixture.TokenOf(Who.Agent))).ResponseAsync);
        var serviceToken = Bearer(await fixture.Identity.ServiceTokenAsync());
        var service = await Assert.ThrowsAsync<RpcException>(() => Client.CreateAccountAsync(request, serviceToken).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, agent.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, service.StatusCode);
        Assert.Null(await fixture.Identity.Services.GetRequiredService<IAccountStore>().FindByLoginAsync(request.Login, default));
    }

    internal static IReadOnlyList<BadRequest.Types.FieldViolation> Violations(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? throw new InvalidOperationException($"no field violations in {error.Status}");
}
