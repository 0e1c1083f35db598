using Grpc.Core;
using ServiceDesk.Contracts.Directory.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

/// <summary>
/// Every Identity RPC, and the shared guards as another service uses them, called by each of: anonymous,
/// customer A, customer B, an agent of another project, an agent of project HELP, the admin.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class RoleMatrixTests(IdentityFixture fixture) : IAsyncLifetime
{
    private const StatusCode Ok = StatusCode.OK;
    private const StatusCode Unauthenticated = StatusCode.Unauthenticated;
    private const StatusCode Denied = StatusCode.PermissionDenied;

    private ServiceHost _probe = null!;

    public static TheoryData<string, Who, StatusCode> IdentityRpcs => Table(
        ("CreateAccount", [Unauthenticated, Denied, Denied, Denied, Denied, Ok]),
        ("SignIn", [Ok, Ok, Ok, Ok, Ok, Ok]),
        ("Refresh", [Ok, Ok, Ok, Ok, Ok, Ok]),
        ("SignOut", [Ok, Ok, Ok, Ok, Ok, Ok]),
        // On customer A's account: only customer A and the admin.
        ("RevokeSessions", [Unauthenticated, Ok, Denied, Denied, Denied, Ok]),
        ("WhoAmI", [Unauthenticated, Ok, Ok, Ok, Ok, Ok]),
        ("GetJwks", [Ok, Ok, Ok, Ok, Ok, Ok]),
        // On a fresh account each time: only the admin.
        ("DisableAccount", [Unauthenticated, Denied, Denied, Denied, Denied, Ok]),
        ("EnableAccount", [Unauthenticated, Denied, Denied, Denied, Denied, Ok]),
        ("DeleteAccount", [Unauthenticated, Denied, Denied, Denied, Denied, Ok]),
        ("ResetPassword", [Unauthenticated, Denied, Denied, Denied, Denied, Ok]),
        // The caller's own password, with the current one: every account.
        ("ChangePassword", [Unauthenticated, Ok, Ok, Ok, Ok, Ok]),
        // With the ticketing secret: anyone who has it. Without it, no account token obtains a service token.
        ("IssueServiceToken", [Ok, Ok, Ok, Ok, Ok, Ok]),
        ("IssueServiceTokenWithoutSecret", [Unauthenticated, Unauthenticated, Unauthenticated, Unauthenticated, Unauthenticated, Unauthenticated]));

    public static TheoryData<string, Who, StatusCode> SharedGuards => Table(
        // RequireProjectAccess("HELP")
        ("ProjectHelp", [Unauthenticated, Denied, Denied, Denied, Ok, Ok]),
        // RequireCustomerAccess for customer c-a of project HELP
        ("CustomerA", [Unauthenticated, Ok, Denied, Denied, Ok, Ok]),
        // RequireService("ticketing"): no account token passes, not even an admin's.
        ("TicketingServiceOnly", [Unauthenticated, Denied, Denied, Denied, Denied, Denied]));

    public async Task InitializeAsync() => _probe = await ProbeService.StartAsync(fixture.Identity);

    public async Task DisposeAsync() => await _probe.DisposeAsync();

    [Theory]
    [MemberData(nameof(IdentityRpcs))]
    public async Task Identity_rpcs(string rpc, Who who, StatusCode expected)
    {
        var client = fixture.Identity.Client();
        var auth = Bearer(fixture.TokenOf(who));
        var target = fixture.SignedIn[Who.CustomerA];
        Task call = rpc switch
        {
            "CreateAccount" => client.CreateAccountAsync(new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Customer, CustomerId = CustomerIds.Named("c-x") }, auth).ResponseAsync,
            "SignIn" => client.SignInAsync(new SignInRequest { Login = target.Account.Login, Password = Password }, auth).ResponseAsync,
            "Refresh" => client.RefreshAsync(new RefreshRequest { RefreshToken = (await fixture.Identity.SignInAsync(target.Account.Login)).RefreshToken }, auth).ResponseAsync,
            "SignOut" => client.SignOutAsync(new SignOutRequest { RefreshToken = (await fixture.Identity.SignInAsync(target.Account.Login)).RefreshToken }, auth).ResponseAsync,
            "RevokeSessions" => client.RevokeSessionsAsync(new RevokeSessionsRequest { AccountId = target.Account.Id }, auth).ResponseAsync,
            "WhoAmI" => client.WhoAmIAsync(new WhoAmIRequest(), auth).ResponseAsync,
            "GetJwks" => client.GetJwksAsync(new GetJwksRequest(), auth).ResponseAsync,
            "DisableAccount" => client.DisableAccountAsync(new DisableAccountRequest { AccountId = await NewAccountIdAsync() }, auth).ResponseAsync,
            "EnableAccount" => client.EnableAccountAsync(new EnableAccountRequest { AccountId = await NewAccountIdAsync() }, auth).ResponseAsync,
            "DeleteAccount" => client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = await NewAccountIdAsync() }, auth).ResponseAsync,
            "ResetPassword" => client.ResetPasswordAsync(new ResetPasswordRequest { AccountId = await NewAccountIdAsync(), NewPassword = Password }, auth).ResponseAsync,
            "ChangePassword" => client.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = Password, NewPassword = Password }, auth).ResponseAsync,
            "IssueServiceToken" => client.IssueServiceTokenAsync(new IssueServiceTokenRequest { ServiceName = "ticketing", Secret = TicketingSecret }, auth).ResponseAsync,
            "IssueServiceTokenWithoutSecret" => client.IssueServiceTokenAsync(new IssueServiceTokenRequest { ServiceName = "ticketing", Secret = "my-own-access-token" }, auth).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        Assert.Equal(expected, await StatusOf(call));

        if (rpc == "RevokeSessions" && expected == Ok)
        {
            await fixture.SignInAgainAsync(Who.CustomerA);
        }
        else if (rpc == "ChangePassword" && expected == Ok)
        {
            await fixture.SignInAgainAsync(who);
        }
        else if (rpc == "RevokeSessions")
        {
            // Refused calls changed nothing: customer A's session still works.
            await client.WhoAmIAsync(new WhoAmIRequest(), Bearer(fixture.TokenOf(Who.CustomerA)));
        }
    }

    [Theory]
    [MemberData(nameof(SharedGuards))]
    public async Task Shared_guards_in_another_service(string guard, Who who, StatusCode expected)
    {
        var auth = Bearer(fixture.TokenOf(who));
        Task call = guard switch
        {
            "ProjectHelp" => new TicketingService.TicketingServiceClient(_probe.Channel).GetProjectAsync(new GetProjectRequest { Key = "HELP" }, auth).ResponseAsync,
            "CustomerA" => new DirectoryService.DirectoryServiceClient(_probe.Channel).GetCustomerAsync(new GetCustomerRequest { CustomerId = CustomerIds.Named("c-a") }, auth).ResponseAsync,
            "TicketingServiceOnly" => new CustomerKeyService.CustomerKeyServiceClient(_probe.Channel).GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = "k-1" }, auth).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(guard)),
        };

        Assert.Equal(expected, await StatusOf(call));
    }

    [Fact]
    public async Task Service_identities_pass_service_guards_only_under_their_own_name()
    {
        var customerKeys = new CustomerKeyService.CustomerKeyServiceClient(_probe.Channel);
        var ticketing = Bearer(await fixture.Identity.ServiceTokenAsync());
        var notification = Bearer(await fixture.Identity.ServiceTokenAsync("notification", NotificationSecret));

        Assert.Equal(Ok, await StatusOf(customerKeys.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = "k-1" }, ticketing).ResponseAsync));
        Assert.Equal(Denied, await StatusOf(customerKeys.GetCustomerKeyAsync(new GetCustomerKeyRequest { KeyId = "k-1" }, notification).ResponseAsync));
        Assert.Equal(Ok, await StatusOf(new TicketingService.TicketingServiceClient(_probe.Channel).GetProjectAsync(new GetProjectRequest { Key = "ANY" }, notification).ResponseAsync));
    }

    private async Task<string> NewAccountIdAsync() =>
        (await fixture.Identity.Client().CreateAccountAsync(
            new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Customer, CustomerId = CustomerIds.Named("c-x") }, Bearer(fixture.TokenOf(Who.Admin)))).Id;

    private static TheoryData<string, Who, StatusCode> Table(params (string Rpc, StatusCode[] Expected)[] rows)
    {
        var data = new TheoryData<string, Who, StatusCode>();
        foreach (var (rpc, expected) in rows)
        {
            var callers = Enum.GetValues<Who>();
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

    private static async Task<StatusCode> StatusOf(Task call)
    {
        try
        {
            await call;
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}
