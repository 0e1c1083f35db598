using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Gateway.Sessions;
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

    /// <summary>
    /// Signing in over a cookie session ends that session: the browser drops its cookie, and a copy of it must not go on
    /// working for the refresh token's lifetime (found by a black-box review: it did).
    /// </summary>
    [Fact]
    public async Task Signing_in_again_in_a_browser_ends_the_session_it_had()
    {
        using var client = await hosts.SignedInAsync(Role.Agent);
        var uri = hosts.Gateway.Endpoints.HttpUri;
        var earlier = client.Cookies.GetCookies(uri)["sd_session"]!.Value;

        await client.SignInAsync(await hosts.NewAccountAsync(Role.Agent));

        await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me");
        using var copy = hosts.NewClient();
        copy.Cookies.Add(uri, new System.Net.Cookie("sd_session", earlier, "/"));
        await copy.ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/api/v1/me");
    }

    /// <summary>
    /// Identity refuses an ended session's access token, but Directory, Ticketing and Notification accept it until it
    /// expires: a copy of a signed-out cookie went on reading tickets and customers, and writing (a customer's own removal
    /// request included), for the rest of the access token's lifetime (found by a review as an attacker). /me alone,
    /// which asks Identity, did not show it.
    /// </summary>
    [Fact]
    public async Task A_copy_of_a_cookie_signed_out_or_replaced_by_a_sign_in_is_refused_by_every_service()
    {
        var uri = hosts.Gateway.Endpoints.HttpUri;
        using var signedOut = await hosts.SignedInAsync(Role.Agent);
        using var replaced = await hosts.SignedInAsync(Role.Agent);
        var copies = new[] { Copy(signedOut), Copy(replaced) };
        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, "/api/v1/projects", null),
            (HttpMethod.Get, $"/api/v1/customers/{Guid.NewGuid():N}", null),
            (HttpMethod.Get, "/api/v1/deliveries", null),
            (HttpMethod.Post, "/api/v1/organizations", new { name = $"Org {Guid.NewGuid():N}" }),
        };
        foreach (var copy in copies)
        {
            using var client = copy();
            await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/projects");
        }

        await signedOut.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, "/api/v1/session");
        await replaced.SignInAsync(await hosts.NewAccountAsync(Role.Agent));

        foreach (var copy in copies)
        {
            foreach (var (method, path, body) in requests)
            {
                // A fresh copy each time: the first refusal clears the cookies of the client that sent it.
                using var client = copy();
                await client.ProblemAsync(HttpStatusCode.Unauthorized, method, path, body);
            }
        }

        await replaced.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/projects");

        // The expiry remembered is the cookie's, which its client writes: one of the year 9999 is no error.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = uri };
        var forged = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new SessionState("forged", DateTimeOffset.MaxValue, Guid.NewGuid().ToString("N"), "forged-csrf")));
        using var forgedSignOut = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/session");
        forgedSignOut.Headers.Add("Cookie", $"sd_session={forged}");
        forgedSignOut.Headers.Add("X-CSRF-Token", "forged-csrf");
        using var forgedSignedOut = await http.SendAsync(forgedSignOut);
        Assert.True(forgedSignedOut.StatusCode == HttpStatusCode.NoContent, $"{forgedSignedOut.StatusCode}: {hosts.Gateway.Logs.All}");

        Func<ApiClient> Copy(ApiClient original)
        {
            var cookies = original.Cookies.GetCookies(uri).Select(cookie => (cookie.Name, cookie.Value)).ToList();
            var csrf = original.CsrfToken;
            return () =>
            {
                var copy = hosts.NewClient();
                foreach (var (name, value) in cookies)
                {
                    copy.Cookies.Add(uri, new System.Net.Cookie(name, value, "/"));
                }

                copy.CsrfToken = csrf;
                return copy;
            };
        }
    }

    /// <summary>
    /// A password change, a disabled account and a revoked refresh token end sessions at Identity, which the other
    /// services learn only when the access token expires: a copied cookie or token went on reading tickets and
    /// customers and writing through the gateway for the rest of its lifetime (found by a review as an attacker). The
    /// gateway asks Identity first, so every route refuses it at once.
    /// </summary>
    [Fact]
    public async Task A_cookie_or_token_whose_session_ended_at_Identity_is_refused_by_every_route_at_once()
    {
        var uri = hosts.Gateway.Endpoints.HttpUri;
        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, "/api/v1/projects", null),
            (HttpMethod.Get, $"/api/v1/customers/{Guid.NewGuid():N}", null),
            (HttpMethod.Get, "/api/v1/deliveries", null),
            (HttpMethod.Post, "/api/v1/organizations", new { name = $"Org {Guid.NewGuid():N}" }),
            // Where a removed customer may still read their removal, only a customer's ended session is passed on.
            (HttpMethod.Get, "/api/v1/erasures", null),
        };
        using var admin = await hosts.AdminClientAsync();

        // A cookie copied before its owner changed the password.
        using var owner = await hosts.SignedInAsync(Role.Agent);
        var cookies = owner.Cookies.GetCookies(uri).Select(cookie => (cookie.Name, cookie.Value)).ToList();
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "/api/v1/me/password", new { currentPassword = IdentityTestHost.Password, newPassword = "another correct horse" });

        // Bearer tokens of a session revoked with its refresh token, and of an account an admin disabled.
        var revokedSignIn = await TokenClientAsync();
        using var revoked = revokedSignIn.Client;
        await revoked.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "/api/v1/tokens/revoke", new { refreshToken = revokedSignIn.RefreshToken });
        using var disabled = (await TokenClientAsync()).Client;
        var account = await disabled.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me");
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/v1/accounts/{account.GetProperty("id").GetString()}/disable");

        foreach (var (method, path, body) in requests)
        {
            // A fresh copy each time: a refusal clears the cookies of the client that sent it.
            using var copy = hosts.NewClient();
            foreach (var (name, value) in cookies)
            {
                copy.Cookies.Add(uri, new System.Net.Cookie(name, value, "/"));
            }

            copy.CsrfToken = owner.CsrfToken;
            await copy.ProblemAsync(HttpStatusCode.Unauthorized, method, path, body);
            await revoked.ProblemAsync(HttpStatusCode.Unauthorized, method, path, body);
            await disabled.ProblemAsync(HttpStatusCode.Unauthorized, method, path, body);
        }

        // A live session of each kind is served as before.
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/projects");
        using var live = (await TokenClientAsync()).Client;
        await live.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/projects");

        async Task<(ApiClient Client, string? RefreshToken)> TokenClientAsync()
        {
            var client = hosts.NewClient();
            var tokens = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/tokens", new { login = await hosts.NewAccountAsync(Role.Agent), password = IdentityTestHost.Password });
            client.BearerToken = tokens.GetProperty("accessToken").GetString();
            return (client, tokens.GetProperty("refreshToken").GetString());
        }
    }

    [Fact]
    public async Task A_non_browser_client_gets_tokens_uses_them_as_bearer_refreshes_and_revokes_them_without_any_CSRF_token()
    {
        var login = await hosts.NewAccountAsync(Role.Agent);
        using var client = hosts.NewClient();

        var tokens = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/tokens", new { login, password = IdentityTestHost.Password });
        client.BearerToken = tokens.GetProperty("accessToken").GetString();
        var me = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/me");
        // The cookie session's sign-out would end nothing of theirs: told so, not answered 204.
        var signOut = await client.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Delete, "/api/v1/session");
        var refreshed = await client.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/tokens/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() });
        await client.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "/api/v1/tokens/revoke", new { refreshToken = refreshed.GetProperty("refreshToken").GetString() });

        Assert.Equal(login, me.GetProperty("login").GetString());
        Assert.Contains("/api/v1/tokens/revoke", signOut.GetProperty("errors").GetProperty("authorization")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(client.Cookies.GetCookies(hosts.Gateway.Endpoints.HttpUri));
        await client.ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/v1/tokens/refresh", new { refreshToken = refreshed.GetProperty("refreshToken").GetString() });
    }

    [Fact]
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

    [Fact]
    public async Task Concurrent_requests_presenting_one_due_session_cookie_share_a_single_refresh()
    {
        // A gateway of its own, whose first refresh runs cold (not yet compiled code widens any race).
        await using var gateway = await hosts.StartGatewayAsync();
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = gateway.Endpoints.HttpUri };
        var signedIn = DueNow(await SessionCookieAsync(http, await hosts.NewAccountAsync(Role.Agent)));

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetMeAsync(http, signedIn)));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        var refreshed = Assert.Single(answers.Select(answer => answer.SessionCookie).Distinct());
        Assert.NotEqual(signedIn, refreshed);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(http, refreshed!)).Status);
    }

    [Fact]
    public async Task A_session_cookie_put_back_with_a_spent_refresh_token_gets_the_newest_refresh_and_the_session_goes_on()
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = hosts.Gateway.Endpoints.HttpUri };
        var signedIn = await SessionCookieAsync(http, await hosts.NewAccountAsync(Role.Agent));

        // Two refreshes in a row, as the browser's requests near each access token's expiry make them.
        var first = (await GetMeAsync(http, DueNow(signedIn))).SessionCookie!;
        var second = (await GetMeAsync(http, DueNow(first))).SessionCookie!;
        // An answer of before the first refresh reaches the browser last: the jar holds the spent token again,
        // with an access token still valid for a long while.
        var stale = await GetMeAsync(http, signedIn);
        var staleAndDue = await GetMeAsync(http, DueNow(signedIn));

        Assert.Equal(HttpStatusCode.OK, stale.Status);
        Assert.NotNull(stale.SessionCookie);
        Assert.Equal(Decode(second).RefreshToken, Decode(stale.SessionCookie!).RefreshToken);
        Assert.Equal(HttpStatusCode.OK, staleAndDue.Status);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(http, staleAndDue.SessionCookie!)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(http, DueNow(staleAndDue.SessionCookie!))).Status);
    }

    [Fact]
    public async Task A_spent_cookie_presented_within_the_grace_after_its_session_was_signed_out_is_refused_and_cleared()
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = hosts.Gateway.Endpoints.HttpUri };
        var stale = await SessionCookieAsync(http, await hosts.NewAccountAsync(Role.Agent));
        var current = (await GetMeAsync(http, DueNow(stale))).SessionCookie!;
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/api/v1/projects", stale)).StatusCode);

        using (var signOut = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/session"))
        {
            signOut.Headers.Add("Cookie", $"sd_session={current}; sd_csrf={Decode(current).CsrfToken}");
            signOut.Headers.Add("X-CSRF-Token", Decode(current).CsrfToken);
            Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(signOut)).StatusCode);
        }

        // Ticketing checks no session: the gateway handed the spent cookie the session's newest tokens (and a new cookie)
        // for the rest of the grace, sign-out or not.
        using var afterSignOut = await GetAsync(http, "/api/v1/projects", stale);
        using var dueAfterSignOut = await GetAsync(http, "/api/v1/projects", DueNow(stale));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (afterSignOut.StatusCode, dueAfterSignOut.StatusCode));
        Assert.All([afterSignOut, dueAfterSignOut], response => Assert.Equal(string.Empty, SessionCookieOf(response)));
    }

    [Fact]
    public async Task A_spent_refresh_token_gets_the_sessions_tokens_only_within_the_grace_and_presented_after_it_ends_the_session()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:SpentRefreshGrace", "00:00:01"));
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = gateway.Endpoints.HttpUri };
        var stolen = await SessionCookieAsync(http, await hosts.NewAccountAsync(Role.Agent));
        var current = (await GetMeAsync(http, DueNow(stolen))).SessionCookie!;

        // Past the grace the spent cookie acts only with its own access token: the session's newer tokens stay with its owner.
        var pastGrace = await Eventually.WaitForAsync(() => GetMeAsync(http, stolen), answer => answer.SessionCookie is null, "the spent token's grace to end");
        var spentAgain = await GetMeAsync(http, DueNow(stolen));

        Assert.Equal(HttpStatusCode.OK, pastGrace.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, spentAgain.Status);
        // Cleared: the session is over.
        Assert.Equal(string.Empty, spentAgain.SessionCookie);
        // Identity took the second spend for a theft and ended the session, for its owner too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetMeAsync(http, current)).Status);
    }

    /// <summary>
    /// The session cookie is the client's to write: each forged one with an expired access token and a new refresh token
    /// would cost an Identity refresh and a remembered outcome, at the rate of all API requests.
    /// </summary>
    [Fact]
    public async Task Refreshes_of_forged_session_cookies_count_against_the_clients_sign_in_limit_and_a_real_session_still_refreshes()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:TrustedProxyHops", "1"), ("Gateway:SignInsPerMinute", "4"));
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = gateway.Endpoints.HttpUri };
        const string Attacker = "203.0.113.60";
        const string Owner = "203.0.113.61";

        var forged = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            forged.Add((await GetMeAsync(http, Forged(), Attacker)).Status);
        }

        using var limited = await SendWithSessionAsync(http, Forged(), Attacker);
        using var refreshRoute = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens/refresh")
        {
            Content = JsonContent.Create(new { refreshToken = "anything" }),
            Headers = { { "X-Forwarded-For", Attacker } },
        });
        var signedIn = await SessionCookieAsync(http, await hosts.NewAccountAsync(Role.Agent), Owner);
        // A browser's concurrent requests share one refresh, and so one permit.
        var owner = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => GetMeAsync(http, DueNow(signedIn), Owner)));
        var ownerLater = await GetMeAsync(http, DueNow(owner[0].SessionCookie!), Owner);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests], forged);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("RATE_LIMITED", JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, refreshRoute.StatusCode);
        Assert.All(owner, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.NotEqual(signedIn, Assert.Single(owner.Select(answer => answer.SessionCookie).Distinct()));
        Assert.Equal(HttpStatusCode.OK, ownerLater.Status);
    }

    /// <summary>
    /// A replica remembers at most Gateway:MaxRememberedRefreshes refreshes. Refusals make room; refreshes spent within the
    /// grace never do (forgotten, a late request would spend their token again and end the session), so with no room
    /// left a refresh waits, its token unspent, until their grace ends.
    /// </summary>
    [Fact]
    public async Task A_full_memory_of_refreshes_drops_refusals_first_and_starts_no_refresh_it_could_not_remember()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:MaxRememberedRefreshes", "2"), ("Gateway:SpentRefreshGrace", "00:00:05"));
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = gateway.Endpoints.HttpUri };
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(DueNow(await SessionCookieAsync(http, await hosts.NewAccountAsync(Role.Agent))));
        }

        var forged = new[] { (await GetMeAsync(http, Forged())).Status, (await GetMeAsync(http, Forged())).Status };
        var first = await GetMeAsync(http, sessions[0]);
        var second = await GetMeAsync(http, sessions[1]);
        using var third = await SendWithSessionAsync(http, sessions[2]);
        var thirdLater = await Eventually.WaitForAsync(
            () => GetMeAsync(http, sessions[2]), answer => answer.Status != HttpStatusCode.ServiceUnavailable, "the first two refreshes' grace to end", TimeSpan.FromSeconds(30));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], forged);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, thirdLater.Status);
        Assert.NotNull(thirdLater.SessionCookie);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(http, thirdLater.SessionCookie!)).Status);
    }

    private static async Task<string> SessionCookieAsync(HttpClient http, string login, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/session") { Content = JsonContent.Create(new { login, password = IdentityTestHost.Password }) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return SessionCookieOf(response)!;
    }

    private static async Task<(HttpStatusCode Status, string? SessionCookie)> GetMeAsync(HttpClient http, string sessionCookie, string? forwardedFor = null)
    {
        using var response = await SendWithSessionAsync(http, sessionCookie, forwardedFor);
        return (response.StatusCode, SessionCookieOf(response));
    }

    private static Task<HttpResponseMessage> SendWithSessionAsync(HttpClient http, string sessionCookie, string? forwardedFor = null) =>
        GetAsync(http, "/api/v1/me", sessionCookie, forwardedFor);

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string sessionCookie, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"sd_session={sessionCookie}");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await http.SendAsync(request);
    }

    /// <summary>A session cookie as a client can write one: an expired access token and a refresh token Identity never issued.</summary>
    private static string Forged() =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new SessionState("forged", DateTimeOffset.UtcNow.AddMinutes(-1), Guid.NewGuid().ToString("N"), "forged-csrf")));

    private static string? SessionCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Where(cookie => cookie.StartsWith("sd_session=", StringComparison.Ordinal)).Select(cookie => cookie.Split(';')[0]["sd_session=".Length..]).LastOrDefault()
            : null;

    private static SessionState Decode(string sessionCookie) => JsonSerializer.Deserialize<SessionState>(Base64Url.DecodeFromChars(sessionCookie))!;

    /// <summary>The same session cookie with its access token due for refresh (the gateway reads the expiry from it).</summary>
    private static string DueNow(string sessionCookie) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(Decode(sessionCookie) with { AccessTokenExpiresAt = DateTimeOffset.UtcNow }));
}
