using System.Diagnostics;
using System.Globalization;
using System.Net;
using Google.Rpc;
using Grpc.Core;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Identity.Throttling;
using ServiceDesk.LocalRedis;
using ServiceDesk.Testing;
using StackExchange.Redis;
using Xunit;
using Role = ServiceDesk.Contracts.Identity.V1.Role;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

/// <summary>Each test has its own Redis: every sign-in here comes from 127.0.0.1, and the counts must start at zero.</summary>
public sealed class ThrottlingTests : IAsyncLifetime
{
    private const string WrongPassword = "wrong password 123";
    private const string Stranger = "198.51.100.7";

    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(TestDirectory.Create("redis-throttling"));

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private Dictionary<string, string?> Limits(int perPair, int perSource, int perAccount, TimeSpan initialBackoff, params (string, string?)[] more) => Settings(
        _redis.Configuration,
        [
            ("Identity:Throttling:MaxFailuresPerAccountAndSource", perPair.ToString(CultureInfo.InvariantCulture)),
            ("Identity:Throttling:MaxFailuresPerSource", perSource.ToString(CultureInfo.InvariantCulture)),
            ("Identity:Throttling:MaxFailuresPerAccount", perAccount.ToString(CultureInfo.InvariantCulture)),
            ("Identity:Throttling:InitialBackoff", initialBackoff.ToString()),
            ("Identity:Throttling:MaxBackoff", TimeSpan.FromHours(1).ToString()),
            .. more,
        ]);

    [Fact]
    public async Task Of_200_concurrent_wrong_passwords_at_most_the_limit_are_verified()
    {
        const int limit = 5;
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, Limits(limit, 100_000, 100_000, TimeSpan.FromMinutes(10)));
        var victim = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => StatusOf(() => identity.SignInAsync(victim.Account.Login, WrongPassword))));

        // UNAUTHENTICATED is a verified (hashed) wrong password; RESOURCE_EXHAUSTED was refused before hashing.
        Assert.Equal(limit, outcomes.Count(s => s == StatusCode.Unauthenticated));
        Assert.Equal(200 - limit, outcomes.Count(s => s == StatusCode.ResourceExhausted));
        var refused = await Assert.ThrowsAsync<RpcException>(() => identity.SignInAsync(victim.Account.Login));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.InRange(refused.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan(), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task A_stranger_hammering_an_account_leaves_its_owner_signing_in_from_their_own_address()
    {
        await using var identity = await ServiceHost.StartAsync(
            ServiceApps.Identity, Limits(3, 10, 30, TimeSpan.FromMinutes(10), ("Identity:Throttling:TrustedProxyHops", "1")));
        var owner = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));

        var outcomes = new List<StatusCode>();
        for (var i = 0; i < 40; i++)
        {
            outcomes.Add(await StatusOf(() => SignInFromAsync(identity, Stranger, owner.Account.Login, WrongPassword)));
        }

        Assert.Equal(3, outcomes.Count(s => s == StatusCode.Unauthenticated));
        Assert.Equal(StatusCode.ResourceExhausted, await StatusOf(() => SignInFromAsync(identity, Stranger, owner.Account.Login, Password)));
        await SignInFromAsync(identity, "203.0.113.5", owner.Account.Login, Password);
        await SignInFromAsync(identity, "203.0.113.5", owner.Account.Login, Password);
        Assert.DoesNotContain(Stranger, identity.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Account.Login, identity.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_limit_one_attempt_is_admitted_per_back_off_which_doubles()
    {
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, Limits(2, 100_000, 100_000, TimeSpan.FromSeconds(2)));
        var account = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => identity.SignInAsync(account.Account.Login, WrongPassword)));
        }

        var first = await RetryDelayAsync(() => identity.SignInAsync(account.Account.Login, WrongPassword));
        Assert.InRange(first, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        var admittedAt = 0L;
        await Eventually.WaitForAsync(
            () =>
            {
                admittedAt = Stopwatch.GetTimestamp();
                return StatusOf(() => identity.SignInAsync(account.Account.Login, WrongPassword));
            },
            status => status == StatusCode.Unauthenticated,
            "one more attempt to be admitted after the back-off",
            TimeSpan.FromSeconds(15));

        // The admitted attempt set a back-off twice the first, counted from its start (hashing takes a while on a busy machine).
        var second = await RetryDelayAsync(() => identity.SignInAsync(account.Account.Login, Password));
        Assert.InRange(second, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(4));
        Assert.InRange(second + Stopwatch.GetElapsedTime(admittedAt), TimeSpan.FromSeconds(3.9), TimeSpan.FromSeconds(60));
        await Eventually.WaitForAsync(
            () => StatusOf(() => identity.SignInAsync(account.Account.Login, Password)),
            status => status == StatusCode.OK,
            "the owner to sign in after the back-off",
            TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Only_the_entry_the_trusted_proxy_appended_counts_as_the_source()
    {
        await using var identity = await ServiceHost.StartAsync(
            ServiceApps.Identity, Limits(100_000, 4, 100_000, TimeSpan.FromMinutes(10), ("Identity:Throttling:TrustedProxyHops", "1")));
        var account = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));

        for (var i = 0; i < 4; i++)
        {
            // The client writes any left-most entry it likes; the proxy appends the address it saw.
            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => SignInFromAsync(identity, $"10.0.0.{i}, {Stranger}", NewLogin("guess"), WrongPassword)));
        }

        Assert.Equal(StatusCode.ResourceExhausted, await StatusOf(() => SignInFromAsync(identity, $"10.9.9.9, {Stranger}", account.Account.Login, Password)));
        await SignInFromAsync(identity, $"{Stranger}, 198.51.100.8", account.Account.Login, Password);
    }

    [Fact]
    public async Task Without_trusted_proxy_hops_the_forwarded_header_is_ignored()
    {
        await using var identity = await ServiceHost.StartAsync(ServiceApps.Identity, Limits(100_000, 4, 100_000, TimeSpan.FromMinutes(10)));
        var account = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => SignInFromAsync(identity, $"198.51.100.{i}", NewLogin("guess"), WrongPassword)));
        }

        Assert.Equal(StatusCode.ResourceExhausted, await StatusOf(() => SignInFromAsync(identity, "203.0.113.77", account.Account.Login, Password)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ServiceNames.Ticketing)]
    public async Task A_forwarded_address_the_gateway_does_not_vouch_for_is_ignored(string? caller)
    {
        await using var identity = await ServiceHost.StartAsync(
            ServiceApps.Identity, Limits(100_000, 4, 100_000, TimeSpan.FromMinutes(10), ("Identity:Throttling:TrustedProxyHops", "1")));
        var account = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));
        var vouchedBy = caller is null ? null : await identity.ServiceTokenAsync(caller);

        for (var i = 0; i < 4; i++)
        {
            // A new source named on every attempt, by a caller that reached Identity directly.
            var headers = new Metadata { { SourceAddress.ForwardedForHeader, $"198.51.100.{i}" } };
            if (vouchedBy is not null)
            {
                headers.Add("authorization", $"Bearer {vouchedBy}");
            }

            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => identity.Client().SignInAsync(
                new SignInRequest { Login = NewLogin("guess"), Password = WrongPassword }, headers).ResponseAsync));
        }

        // All four counted against the connection's address, which the gateway's sign-ins would not be.
        Assert.Equal(StatusCode.ResourceExhausted, await StatusOf(() => identity.Client().SignInAsync(
            new SignInRequest { Login = account.Account.Login, Password = Password }, new Metadata { { SourceAddress.ForwardedForHeader, "203.0.113.77" } }).ResponseAsync));
        await SignInFromAsync(identity, "203.0.113.77", account.Account.Login, Password);
    }

    [Fact]
    public async Task IPv6_sources_are_counted_per_64_prefix()
    {
        await using var identity = await ServiceHost.StartAsync(
            ServiceApps.Identity, Limits(100_000, 4, 100_000, TimeSpan.FromMinutes(10), ("Identity:Throttling:TrustedProxyHops", "1")));
        var account = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(StatusCode.Unauthenticated, await StatusOf(() => SignInFromAsync(identity, $"2001:db8:1:2::{i + 1}", NewLogin("guess"), WrongPassword)));
        }

        Assert.Equal(StatusCode.ResourceExhausted, await StatusOf(() => SignInFromAsync(identity, "[2001:db8:1:2:ffff:1:2:3]:4711", account.Account.Login, Password)));
        await SignInFromAsync(identity, "2001:db8:1:3::1", account.Account.Login, Password);
    }

    [Theory]
    [InlineData(null, 0, "127.0.0.1")]
    [InlineData("203.0.113.9", 0, "127.0.0.1")]
    [InlineData("203.0.113.9", 1, "203.0.113.9")]
    [InlineData("1.1.1.1, 203.0.113.9", 1, "203.0.113.9")]
    [InlineData("1.1.1.1, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9")]
    [InlineData("203.0.113.9", 2, "203.0.113.9")]
    [InlineData("203.0.113.9:443", 1, "203.0.113.9")]
    [InlineData("2001:db8:aa:bb:1:2:3:4", 1, "2001:db8:aa:bb::/64")]
    [InlineData("[2001:db8:aa:bb::9]:80", 1, "2001:db8:aa:bb::/64")]
    [InlineData("::ffff:203.0.113.9", 1, "203.0.113.9")]
    public void Sources_resolve_from_the_trusted_hops_only(string? forwardedFor, int hops, string expected) =>
        Assert.Equal(expected, SourceAddress.Resolve(IPAddress.Loopback, forwardedFor, hops));

    [Fact]
    public async Task Replicas_share_the_counts()
    {
        var data = TestDirectory.Create("identity-replicas");
        var settings = Limits(3, 100_000, 100_000, TimeSpan.FromMinutes(10), ("Storage:LiteDbConnection", "Shared"));
        await using var first = await ServiceHost.StartAsync(ServiceApps.Identity, settings, data);
        await using var second = await ServiceHost.StartAsync(ServiceApps.Identity, settings, data);
        var account = await first.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));

        await Assert.ThrowsAsync<RpcException>(() => first.SignInAsync(account.Account.Login, WrongPassword));
        await Assert.ThrowsAsync<RpcException>(() => second.SignInAsync(account.Account.Login, WrongPassword));
        await Assert.ThrowsAsync<RpcException>(() => first.SignInAsync(account.Account.Login, WrongPassword));

        var locked = await Assert.ThrowsAsync<RpcException>(() => second.SignInAsync(account.Account.Login));
        Assert.Equal(StatusCode.ResourceExhausted, locked.StatusCode);
    }

    [Fact]
    public async Task Redis_holds_no_login_account_id_or_address_nor_an_unkeyed_hash_of_one()
    {
        await using var identity = await ServiceHost.StartAsync(
            ServiceApps.Identity, Limits(3, 100, 100, TimeSpan.FromMinutes(10), ("Identity:Throttling:TrustedProxyHops", "1")));
        var account = await identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-1"));
        var unknown = NewLogin("guess");
        await StatusOf(() => SignInFromAsync(identity, Stranger, account.Account.Login, WrongPassword));
        await StatusOf(() => SignInFromAsync(identity, Stranger, unknown, WrongPassword));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var stored = new List<string>();
        await foreach (var key in connection.GetServer(connection.GetEndPoints()[0]).KeysAsync(pattern: "identity:sign-in:*"))
        {
            stored.Add(key!);
            stored.AddRange((await connection.GetDatabase().HashGetAllAsync(key)).Select(entry => $"{entry.Name}={entry.Value}"));
        }

        Assert.NotEmpty(stored);
        var all = string.Join('\n', stored);
        foreach (var secret in new[] { account.Account.Login, account.Account.Id, unknown, Stranger })
        {
            Assert.DoesNotContain(secret, all, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Sha256Hex(secret), all, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>A sign-in as the gateway forwards one: the client's address appended, vouched for by the gateway's service token.</summary>
    private static async Task<SignInResponse> SignInFromAsync(ServiceHost identity, string forwardedFor, string login, string password) =>
        await identity.Client().SignInAsync(
            new SignInRequest { Login = login, Password = password },
            new Metadata
            {
                { SourceAddress.ForwardedForHeader, forwardedFor },
                { "authorization", $"Bearer {await identity.ServiceTokenAsync(ServiceNames.Gateway)}" },
            });

    private static async Task<TimeSpan> RetryDelayAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        return refused.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan();
    }

    private static async Task<StatusCode> StatusOf(Func<Task> call)
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
