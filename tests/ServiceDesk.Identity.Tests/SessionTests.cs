using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Identity.Sessions;
using Xunit;
using static ServiceDesk.Testing.IdentityTestHost;
using ServiceDesk.Testing;

namespace ServiceDesk.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class SessionTests(IdentityFixture fixture)
{
    private IdentityService.IdentityServiceClient Client => fixture.Identity.Client();

    [Fact]
    public async Task Sign_in_returns_a_short_lived_es256_token_with_the_callers_claims_and_a_refresh_token()
    {
        var agent = await fixture.Identity.NewSignedInAsync(Role.Agent, null, "HELP", "OPS");
        var customer = fixture.SignedIn[Who.CustomerA];

        var agentToken = new JsonWebToken(agent.AccessToken);
        var customerToken = new JsonWebToken(customer.AccessToken);

        Assert.Equal("ES256", agentToken.Alg);
        Assert.False(string.IsNullOrEmpty(agentToken.Kid));
        Assert.Equal(agent.Account.Id, agentToken.Subject);
        Assert.Equal("agent", agentToken.GetClaim("role").Value);
        Assert.Equal(["HELP", "OPS"], agentToken.Claims.Where(c => c.Type == "project").Select(c => c.Value).Order());
        Assert.False(string.IsNullOrEmpty(agentToken.GetClaim("sid").Value));
        Assert.Equal("servicedesk-identity", agentToken.Issuer);
        Assert.Equal(["servicedesk"], agentToken.Audiences);
        Assert.Equal(agent.AccessTokenExpiresAt.ToDateTime(), agentToken.ValidTo);
        Assert.Equal(TimeSpan.FromMinutes(5), agentToken.ValidTo - agentToken.IssuedAt);
        Assert.Equal(CustomerIds.Named("c-a"), customerToken.GetClaim("customer_id").Value);
        Assert.Equal("customer", customerToken.GetClaim("role").Value);
        Assert.DoesNotContain(customerToken.Claims, c => c.Type == "project");
        // Only what a service reads: the token travels with every call (no jti, no nbf).
        Assert.Equal(["aud", "exp", "iat", "iss", "project", "project", "role", "sid", "sub"], agentToken.Claims.Select(c => c.Type).Order(StringComparer.Ordinal));
        Assert.Equal(["aud", "customer_id", "exp", "iat", "iss", "role", "sid", "sub"], customerToken.Claims.Select(c => c.Type).Order(StringComparer.Ordinal));
        Assert.True(agent.RefreshTokenExpiresAt.ToDateTime() > DateTime.UtcNow.AddDays(13));
        Assert.NotEqual(agent.RefreshToken, customer.RefreshToken);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_login_are_indistinguishable_and_not_logged()
    {
        var login = fixture.SignedIn[Who.CustomerB].Account.Login;
        var unknown = NewLogin("nobody");

        var wrongPassword = await Assert.ThrowsAsync<RpcException>(() => fixture.Identity.SignInAsync(login, "wrong password 123"));
        var unknownLogin = await Assert.ThrowsAsync<RpcException>(() => fixture.Identity.SignInAsync(unknown));
        var malformedLogin = await Assert.ThrowsAsync<RpcException>(() => fixture.Identity.SignInAsync("not an address"));

        Assert.Equal(StatusCode.Unauthenticated, wrongPassword.StatusCode);
        Assert.Equal(wrongPassword.Status, unknownLogin.Status);
        Assert.Equal(wrongPassword.Status, malformedLogin.Status);
        Assert.Empty(wrongPassword.GetRpcStatus()!.Details);
        Assert.DoesNotContain(login, fixture.Identity.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(unknown, fixture.Identity.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_works_while_the_client_still_sends_an_expired_or_bad_token()
    {
        var signedIn = fixture.SignedIn[Who.CustomerB];

        var again = await Client.SignInAsync(new SignInRequest { Login = signedIn.Account.Login, Password = Password }, Bearer("stale.token.value"));

        Assert.Equal(signedIn.Account.Id, again.Account.Id);
    }

    [Fact]
    public async Task Sign_in_without_login_and_password_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Identity.SignInAsync(" ", string.Empty));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["login", "password"], AccountTests.Violations(error).Select(v => v.Field).Order());
    }

    [Fact]
    public async Task Refresh_rotates_both_tokens_and_stores_the_refresh_token_only_as_a_hash()
    {
        var signedIn = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-r"));

        var refreshed = await Client.RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken });

        Assert.NotEqual(signedIn.RefreshToken, refreshed.RefreshToken);
        Assert.NotEqual(signedIn.AccessToken, refreshed.AccessToken);
        Assert.Equal(signedIn.Account.Id, refreshed.Account.Id);
        var sid = new JsonWebToken(signedIn.AccessToken).GetClaim("sid").Value;
        Assert.Equal(sid, new JsonWebToken(refreshed.AccessToken).GetClaim("sid").Value);
        var store = fixture.Identity.Services.GetRequiredService<ISessionStore>();
        Assert.Null(await store.FindTokenAsync(refreshed.RefreshToken, default));
        var stored = await store.FindTokenAsync(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(refreshed.RefreshToken))), default);
        Assert.Equal(sid, stored?.SessionId);
        Assert.Null(stored?.SpentAt);
        await Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(refreshed.AccessToken));
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_the_whole_session()
    {
        var signedIn = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-r"));
        var refreshed = await Client.RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken });

        var reuse = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, reuse.StatusCode);
        Assert.Contains("used before", reuse.Status.Detail, StringComparison.Ordinal);
        // The thief's or the owner's newer token is dead too, and Identity refuses the session's access token at once.
        var next = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = refreshed.RefreshToken }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, next.StatusCode);
        var whoAmI = await Assert.ThrowsAsync<RpcException>(() => Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(refreshed.AccessToken)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, whoAmI.StatusCode);
        // Other sessions of the account live on.
        await fixture.Identity.SignInAsync(signedIn.Account.Login);
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_end_the_session()
    {
        var signedIn = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-r"));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            try
            {
                return (await Client.RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken })).RefreshToken;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unauthenticated)
            {
                return null;
            }
        }));

        // One spends the token; a second presenting it ends the session. The one that spent it is answered only if it
        // added its new token before that (a refresh adds one only while the session lives), so at most one is.
        Assert.True(attempts.Count(token => token is not null) <= 1, $"{attempts.Count(token => token is not null)} refreshes won");
        foreach (var token in attempts.OfType<string>().Append(signedIn.RefreshToken))
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = token }).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Theory]
    [InlineData("", StatusCode.InvalidArgument)]
    [InlineData("not-a-token-we-issued", StatusCode.Unauthenticated)]
    public async Task A_bad_refresh_token_is_refused(string token, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = token }).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_refresh_at_once_and_identity_refuses_the_access_token_at_once()
    {
        var signedIn = await fixture.Identity.NewSignedInAsync(Role.Agent, null, "HELP");
        await Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken));

        await Client.SignOutAsync(new SignOutRequest { RefreshToken = signedIn.RefreshToken });

        var refresh = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = signedIn.RefreshToken }).ResponseAsync);
        var whoAmI = await Assert.ThrowsAsync<RpcException>(() => Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(signedIn.AccessToken)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refresh.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, whoAmI.StatusCode);
        // Idempotent, and an unknown token reveals nothing.
        await Client.SignOutAsync(new SignOutRequest { RefreshToken = signedIn.RefreshToken });
        await Client.SignOutAsync(new SignOutRequest { RefreshToken = "never-issued" });
        var empty = await Assert.ThrowsAsync<RpcException>(() => Client.SignOutAsync(new SignOutRequest()).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, empty.StatusCode);
    }

    [Fact]
    public async Task Revoking_ones_own_sessions_ends_every_one_of_them()
    {
        var first = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-s"));
        var second = await fixture.Identity.SignInAsync(first.Account.Login);

        var reply = await Client.RevokeSessionsAsync(new RevokeSessionsRequest(), Bearer(second.AccessToken));

        Assert.Equal(2, reply.RevokedSessions);
        foreach (var session in new[] { first, second })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = session.RefreshToken }).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_revokes_another_accounts_sessions_and_an_unknown_account_is_not_found()
    {
        var customer = await fixture.Identity.NewSignedInAsync(Role.Customer, CustomerIds.Named("c-t"));
        var admin = Bearer(fixture.TokenOf(Who.Admin));

        var reply = await Client.RevokeSessionsAsync(new RevokeSessionsRequest { AccountId = customer.Account.Id }, admin);
        var missing = await Assert.ThrowsAsync<RpcException>(() => Client.RevokeSessionsAsync(new RevokeSessionsRequest { AccountId = "no-such-account" }, admin).ResponseAsync);

        Assert.Equal(1, reply.RevokedSessions);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        var refresh = await Assert.ThrowsAsync<RpcException>(() => Client.RefreshAsync(new RefreshRequest { RefreshToken = customer.RefreshToken }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refresh.StatusCode);
    }

    [Fact]
    public async Task A_revoked_admins_token_is_refused_by_every_service_identity_serves_including_event_operations()
    {
        var admin = await fixture.Identity.NewSignedInAsync(Role.Admin);
        var operations = new EventOperations.EventOperationsClient(fixture.Identity.Channel);
        await operations.ListEventBacklogAsync(new ListEventBacklogRequest(), Bearer(admin.AccessToken));

        await Client.RevokeSessionsAsync(new RevokeSessionsRequest(), Bearer(admin.AccessToken));

        Task[] calls =
        [
            operations.ListEventBacklogAsync(new ListEventBacklogRequest(), Bearer(admin.AccessToken)).ResponseAsync,
            operations.RedriveDeadLettersAsync(new RedriveDeadLettersRequest { Family = "customers" }, Bearer(admin.AccessToken)).ResponseAsync,
            Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(admin.AccessToken)).ResponseAsync,
            Client.CreateAccountAsync(new CreateAccountRequest { Login = NewLogin(), Password = Password, Role = Role.Admin }, Bearer(admin.AccessToken)).ResponseAsync,
            Client.RevokeSessionsAsync(new RevokeSessionsRequest(), Bearer(admin.AccessToken)).ResponseAsync,
        ];
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => call);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Contains("session", error.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Who_am_i_describes_the_caller_and_refuses_anonymous_and_forged_tokens()
    {
        var agent = fixture.SignedIn[Who.Agent];

        var reply = await Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(agent.AccessToken));

        Assert.Equal(agent.Account, reply.Account);
        Assert.Equal(new JsonWebToken(agent.AccessToken).GetClaim("sid").Value, reply.SessionId);
        Assert.Equal(agent.AccessTokenExpiresAt, reply.AccessTokenExpiresAt);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => Client.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync);
        var garbage = await Assert.ThrowsAsync<RpcException>(() => Client.WhoAmIAsync(new WhoAmIRequest(), Bearer("garbage")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, garbage.StatusCode);
    }

    [Fact]
    public async Task The_jwks_over_grpc_and_http_publish_the_signing_key_without_private_parts()
    {
        var reply = await Client.GetJwksAsync(new GetJwksRequest());
        var http = await fixture.Identity.Http.GetStringAsync("/.well-known/jwks.json");

        Assert.Equal(reply.JwksJson, http);
        var kid = new JsonWebToken(fixture.TokenOf(Who.Admin)).Kid;
        var key = Assert.Single(reply.Keys, k => k.Kid == kid);
        Assert.Equal(("EC", "ES256", "sig", "P-256"), (key.Kty, key.Alg, key.Use, key.Crv));
        Assert.False(string.IsNullOrEmpty(key.X) || string.IsNullOrEmpty(key.Y));
        using var json = JsonDocument.Parse(http);
        var published = json.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        Assert.Equal(key.X, published.GetProperty("x").GetString());
        Assert.False(published.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task A_service_token_is_issued_only_against_the_services_secret()
    {
        var issued = await Client.IssueServiceTokenAsync(new IssueServiceTokenRequest { ServiceName = "ticketing", Secret = TicketingSecret });

        var token = new JsonWebToken(issued.AccessToken);
        Assert.Equal(("service", "ticketing", "service:ticketing"), (token.GetClaim("role").Value, token.GetClaim("service").Value, token.Subject));
        Assert.Equal(issued.ExpiresAt.ToDateTime(), token.ValidTo);
        var whoAmI = await Client.WhoAmIAsync(new WhoAmIRequest(), Bearer(issued.AccessToken));
        Assert.Equal("ticketing", whoAmI.ServiceName);
        Assert.Null(whoAmI.Account);

        var wrongSecret = await Assert.ThrowsAsync<RpcException>(() => Client.IssueServiceTokenAsync(
            new IssueServiceTokenRequest { ServiceName = "ticketing", Secret = NotificationSecret }).ResponseAsync);
        var unknownService = await Assert.ThrowsAsync<RpcException>(() => Client.IssueServiceTokenAsync(
            new IssueServiceTokenRequest { ServiceName = "gateway", Secret = TicketingSecret }).ResponseAsync);
        var empty = await Assert.ThrowsAsync<RpcException>(() => Client.IssueServiceTokenAsync(new IssueServiceTokenRequest()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrongSecret.StatusCode);
        Assert.Equal(wrongSecret.Status, unknownService.Status);
        Assert.Equal(["secret", "service_name"], AccountTests.Violations(empty).Select(v => v.Field).Order());
        Assert.DoesNotContain(TicketingSecret, fixture.Identity.Logs.All, StringComparison.Ordinal);
    }
}
