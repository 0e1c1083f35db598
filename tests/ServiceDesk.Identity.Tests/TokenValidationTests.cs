using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Identity.Tests;

/// <summary>Another service validating Identity's tokens through the JWKS over HTTP, as every service does.</summary>
[Collection(IdentityCollection.Name)]
public sealed class TokenValidationTests(IdentityFixture fixture)
{
    [Fact]
    public async Task Another_service_knows_the_caller_from_a_token_it_validates_with_the_published_keys()
    {
        await using var probe = await ProbeService.StartAsync(fixture.Identity);
        var client = new IdentityService.IdentityServiceClient(probe.Channel);
        var agent = fixture.SignedIn[Who.Agent];
        var customer = fixture.SignedIn[Who.CustomerA];

        var asAgent = await client.WhoAmIAsync(new WhoAmIRequest(), Bearer(agent.AccessToken));
        var asCustomer = await client.WhoAmIAsync(new WhoAmIRequest(), Bearer(customer.AccessToken));

        Assert.Equal((agent.Account.Id, Role.Agent), (asAgent.Account.Id, asAgent.Account.Role));
        Assert.Equal(["HELP"], asAgent.Account.ProjectKeys);
        Assert.Equal(new JsonWebToken(agent.AccessToken).GetClaim("sid").Value, asAgent.SessionId);
        Assert.Equal(agent.AccessTokenExpiresAt, asAgent.AccessTokenExpiresAt);
        Assert.Equal((Role.Customer, CustomerIds.Named("c-a")), (asCustomer.Account.Role, asCustomer.Account.CustomerId));
        Assert.Empty(asCustomer.Account.ProjectKeys);
    }

    [Fact]
    public async Task Tokens_not_signed_by_identity_or_altered_are_refused()
    {
        await using var probe = await ProbeService.StartAsync(fixture.Identity);
        var client = new IdentityService.IdentityServiceClient(probe.Channel);
        var genuine = new JsonWebToken(fixture.TokenOf(Who.CustomerA));
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "servicedesk-identity",
            Audience = "servicedesk",
            Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity([new Claim("sub", "someone"), new Claim("role", "admin")]),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(foreignKey) { KeyId = genuine.Kid }, SecurityAlgorithms.EcdsaSha256),
        });
        var parts = fixture.TokenOf(Who.CustomerA)!.Split('.');
        var altered = $"{parts[0]}.{Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal))}.{parts[2]}";
        var unsigned = $"{Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{parts[1]}.";

        foreach (var token in new[] { forged, altered, unsigned })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => client.WhoAmIAsync(new WhoAmIRequest(), Bearer(token)).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Fact]
    public async Task An_access_token_expires_after_its_configured_lifetime_everywhere()
    {
        // JWT times are whole seconds, so a 4-s token lives 3 to 4 s: enough for the calls below on a loaded runner.
        await using var identity = await IdentityTestHost.StartAsync(
            fixture.Redis, ("Identity:Tokens:AccessTokenLifetime", "00:00:04"), ("Auth:ClockSkew", "00:00:00"));
        await using var probe = await ProbeService.StartAsync(identity);
        // The probe fetches Identity's keys with a first token, so the measured one is not spent waiting for them.
        await new IdentityService.IdentityServiceClient(probe.Channel).WhoAmIAsync(new WhoAmIRequest(), Bearer((await identity.SignInAsync(AdminLogin)).AccessToken));
        var signedIn = await identity.SignInAsync(AdminLogin);
        var expiresAt = signedIn.AccessTokenExpiresAt.ToDateTime();
        Assert.InRange(expiresAt - DateTime.UtcNow, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        await identity.Client().WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken));
        await new IdentityService.IdentityServiceClient(probe.Channel).WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken));

        foreach (var host in new[] { identity, probe })
        {
            var error = await Eventually.WaitForAsync(
                () => CallAsync(() => new IdentityService.IdentityServiceClient(host.Channel).WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken)).ResponseAsync),
                status => status is not null,
                $"the token to expire at {host.Service.Name}",
                TimeSpan.FromSeconds(10));
            Assert.Equal(StatusCode.Unauthenticated, error!.Value.StatusCode);
            Assert.Contains("expired", error.Value.Detail, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow >= expiresAt, "refused only once expired");
        }

        var refreshed = await identity.Client().RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken });
        await new IdentityService.IdentityServiceClient(probe.Channel).WhoAmIAsync(new WhoAmIRequest(), Bearer(refreshed.AccessToken));
    }

    [Fact]
    public async Task After_sign_out_other_services_refuse_the_access_token_within_its_lifetime_at_most()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var identity = await IdentityTestHost.StartAsync(fixture.Redis, ("Identity:Tokens:AccessTokenLifetime", "00:00:03"));
        await using var probe = await ProbeService.StartAsync(identity);
        var probeClient = new IdentityService.IdentityServiceClient(probe.Channel);
        var signedIn = await identity.SignInAsync(AdminLogin);

        await identity.Client().SignOutAsync(new SignOutRequest { RefreshToken = signedIn.RefreshToken });
        var signedOutAt = Stopwatch.StartNew();

        var atIdentity = await CallAsync(() => identity.Client().WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, atIdentity?.StatusCode);
        var refused = await Eventually.WaitForAsync(
            () => CallAsync(() => probeClient.WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken)).ResponseAsync),
            status => status is not null,
            "the probe to refuse the signed-out token",
            lifetime + TimeSpan.FromSeconds(5));
        Assert.Equal(StatusCode.Unauthenticated, refused!.Value.StatusCode);
        // The stated bound: AccessTokenLifetime plus Auth:ClockSkew (0 at the probe), and a little for polling and the calls on a loaded runner.
        Assert.InRange(signedOutAt.Elapsed, TimeSpan.Zero, lifetime + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_service_starts_and_serves_while_identity_is_unreachable_and_only_authenticated_calls_fail()
    {
        const string unreachable = "http://127.0.0.1:1";
        await using var directory = await ServiceHost.StartAsync(
            ServiceApps.Directory, new Dictionary<string, string?> { ["Redis:Configuration"] = fixture.Redis, ["Auth:Authority"] = unreachable });
        await using var probe = await ProbeService.StartAsync(unreachable, "probe");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await directory.HealthAsync());
        var client = new IdentityService.IdentityServiceClient(probe.Channel);
        var withToken = await Assert.ThrowsAsync<RpcException>(() => client.WhoAmIAsync(new WhoAmIRequest(), Bearer(fixture.TokenOf(Who.Admin))).ResponseAsync);
        var withoutToken = await Assert.ThrowsAsync<RpcException>(() => client.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, withToken.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, withoutToken.StatusCode);
    }

    [Fact]
    public async Task A_service_keeps_validating_with_the_last_key_set_while_identity_is_down()
    {
        var identity = await IdentityTestHost.StartAsync(fixture.Redis);
        var token = await identity.AdminTokenAsync();
        await using var probe = await ProbeService.StartAsync(identity, ("Auth:KeyRefreshInterval", "00:00:00.200"));
        var client = new IdentityService.IdentityServiceClient(probe.Channel);
        await client.WhoAmIAsync(new WhoAmIRequest(), Bearer(token));

        await identity.DisposeAsync();

        // Calls go on being accepted across several refresh intervals, every refresh failing.
        await Eventually.WaitForAsync(
            async () =>
            {
                await client.WhoAmIAsync(new WhoAmIRequest(), Bearer(token));
                return probe.Logs.Lines.Count(line => line.Contains("Fetching the signing keys from Identity failed", StringComparison.Ordinal));
            },
            failedRefreshes => failedRefreshes >= 3,
            "three failed key refreshes");
    }

    [Fact]
    public async Task While_identity_is_a_black_hole_concurrent_authenticated_calls_answer_at_once_with_the_last_key_set()
    {
        await using var relay = new BlackHoleRelay(fixture.Identity.Endpoints.HttpUri);
        await using var probe = await ProbeService.StartAsync(relay.Address.ToString(), "probe", ("Auth:KeyRefreshInterval", "00:00:00.200"));
        var client = new IdentityService.IdentityServiceClient(probe.Channel);
        var token = Bearer(fixture.TokenOf(Who.Agent));
        await client.WhoAmIAsync(new WhoAmIRequest(), token);

        relay.BecomeBlackHole();
        await Eventually.WaitForAsync(
            async () =>
            {
                await client.WhoAmIAsync(new WhoAmIRequest(), token, deadline: DateTime.UtcNow.AddSeconds(3));
                return relay.Swallowed;
            },
            swallowed => swallowed > 0,
            "a key refresh to hang in the black hole");

        // A burst while a fetch hangs, and another after it timed out (the fetch timeout is 5 s).
        var failedBefore = FailedFetches();
        await AssertAllAnswerQuicklyAsync();
        await Eventually.WaitForAsync(() => FailedFetches() > failedBefore, "the hanging key fetch to time out", TimeSpan.FromSeconds(30));
        await AssertAllAnswerQuicklyAsync();
        // One fetch at a time, each backing off: not one per call.
        Assert.InRange(relay.Swallowed, 1, 3);

        int FailedFetches() => probe.Logs.Lines.Count(line => line.Contains("Fetching the signing keys from Identity failed", StringComparison.Ordinal));

        async Task AssertAllAnswerQuicklyAsync()
        {
            var durations = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
            {
                var clock = Stopwatch.StartNew();
                await client.WhoAmIAsync(new WhoAmIRequest(), token, deadline: DateTime.UtcNow.AddSeconds(20));
                return clock.Elapsed;
            }));
            Assert.InRange(durations.Max(), TimeSpan.Zero, TimeSpan.FromSeconds(2.5));
        }
    }

    [Fact]
    public async Task Outgoing_calls_of_a_service_with_a_credential_carry_its_service_identity()
    {
        await using var target = await ProbeService.StartAsync(fixture.Identity);
        await using var ticketing = await ProbeService.StartAsync(
            fixture.Identity.Endpoints.HttpUri.ToString(),
            "ticketing",
            ("Auth:ServiceSecret", TicketingSecret),
            ("Services:identity", fixture.Identity.Endpoints.GrpcUri.ToString()),
            ("Services:probe", target.Endpoints.GrpcUri.ToString()));
        var client = ticketing.Services.GetRequiredService<IdentityService.IdentityServiceClient>();

        var first = await client.WhoAmIAsync(new WhoAmIRequest());
        var second = await client.WhoAmIAsync(new WhoAmIRequest());

        Assert.Equal(("ticketing", "ticketing"), (first.ServiceName, second.ServiceName));
        Assert.Null(first.Account);
        // Cached: both calls carry the same token.
        Assert.Equal(first.AccessTokenExpiresAt, second.AccessTokenExpiresAt);
    }

    private static async Task<Status?> CallAsync(Func<Task> call)
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
