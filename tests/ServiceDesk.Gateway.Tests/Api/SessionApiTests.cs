using System.Net;
using System.Net.Http.Json;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

[Collection(GatewayCollection.Name)]
public sealed class SessionApiTests(GatewayHosts hosts)
{
    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_session_cookie_and_a_script_readable_CSRF_cookie()
    {
        var login = await hosts.NewAccountAsync(Role.Agent);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = hosts.Gateway.Endpoints.HttpUri };

        using var response = await http.PostAsJsonAsync("/api/v1/session", new { login, password = IdentityTestHost.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        var session = Assert.Single(cookies, cookie => cookie.StartsWith("sd_session=", StringComparison.Ordinal));
        var csrf = Assert.Single(cookies, cookie => cookie.StartsWith("sd_csrf=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("httponly", csrf, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", csrf, StringComparison.OrdinalIgnoreCase);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(login, body.GetProperty("account").GetProperty("login").GetString());
        Assert.Equal("agent", body.GetProperty("account").GetProperty("role").GetString());
        Assert.Equal(csrf.Split(';')[0]["sd_csrf=".Length..], body.GetProperty("csrfToken").GetString());
    }

    [Fact]
    public async Task Outside_local_runs_the_cookies_are_Secure_and_host_only()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:SecureCookies", "true"));
        var login = await hosts.NewAccountAsync(Role.Agent);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = gateway.Endpoints.HttpUri };

        using var response = await http.PostAsJsonAsync("/api/v1/session", new { login, password = IdentityTestHost.Password });

        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Equal(2, cookies.Count);
        Assert.All(cookies, cookie => Assert.StartsWith("__Host-sd_", cookie, StringComparison.Ordinal));
        Assert.All(cookies, cookie => Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_wrong_password_is_401_and_a_missing_login_is_400_with_the_field_named()
    {
        var login = await hosts.NewAccountAsync(Role.Agent);
        using var client = hosts.NewClient();

        var wrong = await client.ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/v1/session", new { login, password = "not the password at all" });
        var missing = await client.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/session", new { password = "whatever it is" });

        Assert.Equal("UNAUTHENTICATED", wrong.GetProperty("code").GetString());
        Assert.True(missing.GetProperty("errors").TryGetProperty("login", out _), missing.ToString());
    }

    [Fact]
    public async Task A_cookie_session_reads_who_is_signed_in_and_ends_at_sign_out()
    {
        using var client = await hosts.SignedInAsync(Role.Agent);

        var me = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me");
        var session = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/session");
        await client.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, "/api/v1/session");

        Assert.Equal("agent", me.GetProperty("role").GetString());
        Assert.Equal(client.CsrfToken, session.GetProperty("csrfToken").GetString());
        Assert.Empty(client.Cookies.GetCookies(hosts.Gateway.Endpoints.HttpUri));
        await client.ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/api/v1/me");
    }

    [Fact]
    public async Task A_non_browser_client_gets_tokens_uses_them_as_bearer_refreshes_and_revokes_them_without_any_CSRF_token()
    {
        var login = await hosts.NewAccountAsync(Role.Agent);
        using var client = hosts.NewClient();

        var tokens = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/tokens", new { login, password = IdentityTestHost.Password });
        client.BearerToken = tokens.GetProperty("accessToken").GetString();
        var me = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me");
        var refreshed = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/tokens/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        await client.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "/api/v1/tokens/revoke", new { refreshToken = refreshed.GetProperty("refreshToken").GetString() });

        Assert.Equal(login, me.GetProperty("login").GetString());
        Assert.Empty(client.Cookies.GetCookies(hosts.Gateway.Endpoints.HttpUri));
        await client.ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/v1/tokens/refresh", new { refreshToken = refreshed.GetProperty("refreshToken").GetString() });
    }

    [Fact(Skip = "Known bug, issue 12: about one run in two the request after a concurrent refresh finds its session ended; under investigation")]
    public async Task A_cookie_session_refreshes_its_token_once_for_concurrent_requests_and_goes_on_working()
    {
        // A margin longer than the tokens live: every request of the session finds its token due for refresh.
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:RefreshMargin", "03:00:00"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);
        await client.SignInAsync(await hosts.NewAccountAsync(Role.Agent));
        var before = client.Cookies.GetCookies(gateway.Endpoints.HttpUri)["sd_session"]!.Value;

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.SendAsync(HttpMethod.Get, "/api/v1/me")));
        var after = client.Cookies.GetCookies(gateway.Endpoints.HttpUri)["sd_session"]!.Value;
        var later = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me");

        Assert.All(concurrent, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.NotEqual(before, after);
        Assert.Equal("agent", later.GetProperty("role").GetString());
    }
}
