using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Messaging.Erasure;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class AccountLifecycleTests(IdentityFixture fixture)
{
    private const string NewPassword = "a new password, just as long";

    private IdentityService.IdentityServiceClient Client => fixture.Identity.Client();

    private Metadata AsAdmin => Bearer(fixture.TokenOf(Who.Admin));

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_and_its_sessions_end_at_once_until_enabled()
    {
        var first = await fixture.Identity.NewSignedInAsync(Role.Agent, null, "HELP");
        var second = await fixture.Identity.SignInAsync(first.Account.Login);

        var disabled = await Client.DisableAccountAsync(new DisableAccountRequest { AccountId = first.Account.Id }, AsAdmin);

        Assert.True(disabled.Disabled);
        await AssertEndedAsync(first, second);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(fixture.Identity.SignInAsync(first.Account.Login)));
        Assert.True((await Client.DisableAccountAsync(new DisableAccountRequest { AccountId = first.Account.Id }, AsAdmin)).Disabled);

        Assert.False((await Client.EnableAccountAsync(new EnableAccountRequest { AccountId = first.Account.Id }, AsAdmin)).Disabled);
        var again = await fixture.Identity.SignInAsync(first.Account.Login);
        Assert.False((await Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(again.AccessToken))).Account.Disabled);
        await AssertEndedAsync(first);
    }

    /// <summary>The removal disables the account before it deletes its sessions; an enable in between would let a sign-in outlive it.</summary>
    [Fact]
    public async Task An_account_whose_customer_s_removal_is_recorded_stays_disabled()
    {
        var customerId = Guid.NewGuid().ToString("N");
        var account = await fixture.Identity.NewSignedInAsync(Role.Customer, customerId);
        await Client.DisableAccountAsync(new DisableAccountRequest { AccountId = account.Account.Id }, AsAdmin);
        await fixture.Identity.Services.GetRequiredService<IErasureLedger>().StartAsync(
            new ErasureRecord($"request-{customerId}", customerId, "address-hash", ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), DateTimeOffset.UtcNow),
            default);

        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.EnableAccountAsync(new EnableAccountRequest { AccountId = account.Account.Id }, AsAdmin));

        Assert.Equal("ERASED", refused.GetRpcStatus()!.GetDetail<Google.Rpc.PreconditionFailure>().Violations.Single().Type);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(fixture.Identity.SignInAsync(account.Account.Login)));
        Assert.True((await Client.DisableAccountAsync(new DisableAccountRequest { AccountId = account.Account.Id }, AsAdmin)).Disabled);
    }

    /// <summary>A removed customer's address does not come back as anyone's login, in any spelling or under a tag, until an admin reinstates it.</summary>
    [Fact]
    public async Task An_erased_address_is_no_login_in_any_spelling_or_tag_until_its_removal_is_reinstated()
    {
        var address = $"gone.{Guid.NewGuid():N}@old-employer.example";
        var requestId = $"request-{Guid.NewGuid():N}";
        var ledger = fixture.Identity.Services.GetRequiredService<IErasureLedger>();
        var hash = fixture.Identity.Services.GetRequiredService<ErasedCustomers>().HashAddress(address);
        await ledger.StartAsync(
            new ErasureRecord(requestId, Guid.NewGuid().ToString("N"), hash, ErasureMode.Anonymize, ErasureState.Started, new Dictionary<string, long>(), DateTimeOffset.UtcNow),
            default);
        CreateAccountRequest AgentNamed(string login) => new() { Login = login, Password = Password, Role = Role.Agent, ProjectKeys = { "HELP" } };

        var asAgent = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.CreateAccountAsync(AgentNamed(address.ToUpperInvariant()), AsAdmin));
        var asCustomer = await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            () => Client.CreateAccountAsync(new CreateAccountRequest { Login = address, Password = Password, Role = Role.Customer, CustomerId = Guid.NewGuid().ToString("N") }, AsAdmin));
        // A tag of it reaches the same mailbox.
        var tagged = address.Replace("@", "+Desk@", StringComparison.Ordinal);
        var asTagged = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => Client.CreateAccountAsync(AgentNamed(tagged), AsAdmin));

        foreach (var refused in new[] { asAgent, asCustomer, asTagged })
        {
            Assert.Equal("ADDRESS_ERASED", refused.GetRpcStatus()!.GetDetail<Google.Rpc.PreconditionFailure>().Violations.Single().Type);
            Assert.DoesNotContain("gone.", refused.Status.Detail, StringComparison.OrdinalIgnoreCase);
            // Read by people in the console: the way to reinstate is the console's button, not an RPC's name.
            Assert.Contains("\"Reinstate addresses\" on the console's Erasures page", refused.Status.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(fixture.Identity.SignInAsync(address)));
        await ledger.RecordReinstatedAsync(requestId, DateTimeOffset.UtcNow, default);
        Assert.Equal(address, (await Client.CreateAccountAsync(AgentNamed(address), AsAdmin)).Login);
        Assert.Equal(tagged.ToLowerInvariant(), (await Client.CreateAccountAsync(AgentNamed(tagged), AsAdmin)).Login);
    }

    [Fact]
    public async Task A_deleted_account_cannot_sign_in_its_sessions_end_at_once_and_its_login_is_free()
    {
        var account = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-del"));

        var reply = await Client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = account.Account.Id }, AsAdmin);

        Assert.Equal(1, reply.RevokedSessions);
        await AssertEndedAsync(account);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(fixture.Identity.SignInAsync(account.Account.Login)));
        Assert.Equal(StatusCode.NotFound, await StatusOf(Client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = account.Account.Id }, AsAdmin).ResponseAsync));
        Assert.Equal(StatusCode.NotFound, await StatusOf(Client.DisableAccountAsync(new DisableAccountRequest { AccountId = account.Account.Id }, AsAdmin).ResponseAsync));
        await Client.CreateAccountAsync(new CreateAccountRequest { Login = account.Account.Login, Password = Password, Role = Role.Customer, CustomerId = CustomerIds.Named("c-new") }, AsAdmin);
    }

    [Fact]
    public async Task An_admin_cannot_disable_or_delete_their_own_account()
    {
        var admin = await fixture.Identity.NewSignedInAsync(Role.Admin);
        var own = Bearer(admin.AccessToken);

        Assert.Equal(StatusCode.FailedPrecondition, await StatusOf(Client.DisableAccountAsync(new DisableAccountRequest { AccountId = admin.Account.Id }, own).ResponseAsync));
        Assert.Equal(StatusCode.FailedPrecondition, await StatusOf(Client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = admin.Account.Id }, own).ResponseAsync));
        // The LiteDB store finds an id in any letter case: so does the check.
        var shouted = admin.Account.Id.ToUpperInvariant();
        Assert.NotEqual(admin.Account.Id, shouted);
        Assert.Equal(StatusCode.FailedPrecondition, await StatusOf(Client.DisableAccountAsync(new DisableAccountRequest { AccountId = shouted }, own).ResponseAsync));
        Assert.Equal(StatusCode.FailedPrecondition, await StatusOf(Client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = shouted }, own).ResponseAsync));
        Assert.False((await Client.WhoAmIAsync(new WhoAmIRequest(), own)).Account.Disabled);
        await Client.WhoAmIAsync(new WhoAmIRequest(), own);
    }

    [Fact]
    public async Task Changing_ones_password_needs_the_current_one_and_ends_every_session()
    {
        var first = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-pw"));
        var second = await fixture.Identity.SignInAsync(first.Account.Login);

        var wrong = await Assert.ThrowsAsync<RpcException>(() => Client.ChangePasswordAsync(
            new ChangePasswordRequest { CurrentPassword = "not the password 1", NewPassword = NewPassword }, Bearer(first.AccessToken)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        await Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(second.AccessToken));

        await Client.ChangePasswordAsync(new ChangePasswordRequest { CurrentPassword = Password, NewPassword = NewPassword }, Bearer(first.AccessToken));

        await AssertEndedAsync(first, second);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(fixture.Identity.SignInAsync(first.Account.Login)));
        await fixture.Identity.SignInAsync(first.Account.Login, NewPassword);
        Assert.DoesNotContain(NewPassword, fixture.Identity.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_resets_a_password_and_the_accounts_sessions_end()
    {
        var account = await fixture.Identity.NewSignedInAsync(Role.Agent, null, "OPS");

        var reply = await Client.ResetPasswordAsync(new ResetPasswordRequest { AccountId = account.Account.Id, NewPassword = NewPassword }, AsAdmin);

        Assert.Equal(1, reply.RevokedSessions);
        await AssertEndedAsync(account);
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(fixture.Identity.SignInAsync(account.Account.Login)));
        await fixture.Identity.SignInAsync(account.Account.Login, NewPassword);
        Assert.Equal(StatusCode.NotFound, await StatusOf(Client.ResetPasswordAsync(new ResetPasswordRequest { AccountId = "no-such-account", NewPassword = NewPassword }, AsAdmin).ResponseAsync));
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_often_it_is_refreshed()
    {
        await using var identity = await IdentityTestHost.StartAsync(
            fixture.Redis, ("Identity:Tokens:AccessTokenLifetime", "00:00:02"), ("Identity:Tokens:AbsoluteSessionLifetime", "00:00:06"));
        var signedIn = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-abs"));
        var sessionEnd = new JsonWebToken(signedIn.AccessToken).IssuedAt.AddSeconds(7);
        Assert.True(signedIn.RefreshTokenExpiresAt.ToDateTime() <= sessionEnd);

        var current = signedIn;
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    current = await identity.Client().RefreshAsync(new RefreshRequest { RefreshToken = current.RefreshToken });
                    Assert.True(current.AccessTokenExpiresAt.ToDateTime() <= sessionEnd);
                    Assert.True(current.RefreshTokenExpiresAt.ToDateTime() <= sessionEnd);
                    return StatusCode.OK;
                }
                catch (RpcException error)
                {
                    return error.StatusCode;
                }
            },
            status => status == StatusCode.Unauthenticated,
            "refresh to fail once the session's absolute lifetime is over",
            TimeSpan.FromSeconds(30));

        Assert.True(DateTime.UtcNow >= sessionEnd.AddSeconds(-2));
        Assert.Equal(StatusCode.Unauthenticated, await StatusOf(identity.Client().WhoAmIAsync(new WhoAmIRequest(), Bearer(current.AccessToken)).ResponseAsync));
    }

    private async Task AssertEndedAsync(params SignInResponse[] sessions)
    {
        foreach (var session in sessions)
        {
            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(Client.RefreshAsync(new RefreshRequest { RefreshToken = session.RefreshToken }).ResponseAsync));
            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(session.AccessToken)).ResponseAsync));
        }
    }

    internal static async Task<StatusCode> StatusOf(Task call)
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
