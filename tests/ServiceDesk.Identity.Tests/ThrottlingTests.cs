using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

/// <summary>Each test has its own Redis: every sign-in here comes from 127.0.0.1, and the per-address count must start at zero.</summary>
public sealed class ThrottlingTests : IAsyncLifetime
{
    private const int PerAccount = 3;
    private const int PerAddress = 6;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(TestDirectory.Create("redis-throttling"));

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private Dictionary<string, string?> Limits(params (string, string?)[] more) => Settings(
        _redis.Configuration,
        [
            ("Identity:Throttling:MaxFailuresPerAccount", PerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Identity:Throttling:MaxFailuresPerAddress", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Identity:Throttling:Window", "00:00:03"),
            ("Identity:ServiceCredentials:gateway", Sha256Hex("gateway-secret-for-tests-only-0123456789")),
            .. more,
        ]);

    [Fact]
    public async Task Repeated_failures_for_one_account_lock_it_even_with_the_right_password_until_the_window_ends()
    {
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, Limits());
        var victim = await identity.NewSignedInAsync(Role.Customer, "c-1");
        var bystander = await identity.NewSignedInAsync(Role.Customer, "c-2");

        for (var i = 0; i < PerAccount; i++)
        {
            var failure = await Assert.ThrowsAsync<RpcException>(() => identity.SignInAsync(victim.Account.Login, "wrong password 123"));
            Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
        }

        var locked = await Assert.ThrowsAsync<RpcException>(() => identity.SignInAsync(victim.Account.Login));
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
        var retry = locked.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan();
        Assert.InRange(retry, TimeSpan.FromMilliseconds(1), Window);
        await identity.SignInAsync(bystander.Account.Login);

        await Eventually.WaitForAsync(
            async () => (await CallAsync(() => identity.SignInAsync(victim.Account.Login)))?.StatusCode,
            status => status is null,
            "the account to be unlocked after the window",
            TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(victim.Account.Login, identity.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_failures_from_one_address_lock_every_login_from_it()
    {
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, Limits());
        var account = await identity.NewSignedInAsync(Role.Customer, "c-1");

        for (var i = 0; i < PerAddress; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => identity.SignInAsync(NewLogin("guess")));
        }

        var locked = await Assert.ThrowsAsync<RpcException>(() => identity.SignInAsync(account.Account.Login));
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
        Assert.NotNull(locked.GetRpcStatus()!.GetDetail<RetryInfo>());
    }

    [Fact]
    public async Task Replicas_share_the_counts()
    {
        var data = TestDirectory.Create("identity-replicas");
        await using var first = await ServiceHost.StartAsync(ServiceApps.Identity, Limits(("Storage:LiteDbConnection", "Shared")), data);
        await using var second = await ServiceHost.StartAsync(ServiceApps.Identity, Limits(("Storage:LiteDbConnection", "Shared")), data);
        var account = await first.NewSignedInAsync(Role.Customer, "c-1");

        await Assert.ThrowsAsync<RpcException>(() => first.SignInAsync(account.Account.Login, "wrong password 123"));
        await Assert.ThrowsAsync<RpcException>(() => second.SignInAsync(account.Account.Login, "wrong password 123"));
        await Assert.ThrowsAsync<RpcException>(() => first.SignInAsync(account.Account.Login, "wrong password 123"));

        var locked = await Assert.ThrowsAsync<RpcException>(() => second.SignInAsync(account.Account.Login));
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
    }

    [Fact]
    public async Task Only_a_service_identity_may_name_the_source_address_it_forwards()
    {
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, Limits());
        var account = await identity.NewSignedInAsync(Role.Customer, "c-1");
        var gateway = await identity.ServiceTokenAsync("gateway", "gateway-secret-for-tests-only-0123456789");
        var client = identity.Client();
        Metadata Forwarding(string address, string? token) => [.. Bearer(token), new Metadata.Entry("x-forwarded-for", address)];

        for (var i = 0; i < PerAddress; i++)
        {
            await Assert.ThrowsAsync<RpcException>(() => client.SignInAsync(
                new SignInRequest { Login = NewLogin("guess"), Password = "wrong password 123" }, Forwarding("198.51.100.7", gateway)).ResponseAsync);
        }

        var fromThatAddress = await Assert.ThrowsAsync<RpcException>(() => client.SignInAsync(
            new SignInRequest { Login = account.Account.Login, Password = Password }, Forwarding("198.51.100.7", gateway)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, fromThatAddress.StatusCode);
        await client.SignInAsync(new SignInRequest { Login = account.Account.Login, Password = Password }, Forwarding("198.51.100.8, 10.0.0.1", gateway));
        // A customer's token does not make its forwarded header count: its failures are 127.0.0.1's.
        await client.SignInAsync(new SignInRequest { Login = account.Account.Login, Password = Password }, Forwarding("198.51.100.7", account.AccessToken));
        Assert.DoesNotContain("198.51.100.7", identity.Logs.All, StringComparison.Ordinal);
    }

    private static async Task<global::Grpc.Core.Status?> CallAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (RpcException error)
        {
            return error.Status;
        }
    }
}
