using System.Net;
using System.Text.RegularExpressions;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

[Collection(GatewayCollection.Name)]
public sealed partial class GatewayBehaviourTests(GatewayHosts hosts)
{
    [Fact]
    public async Task An_RPC_a_backend_does_not_serve_is_501_problem_json_not_500()
    {
        // Identity serves neither ErasureService nor NotificationService: what a backend without them answers.
        var identity = hosts.Identity.Endpoints.GrpcUri.ToString();
        await using var gateway = await hosts.StartGatewayAsync(("Services:directory", identity), ("Services:notification", identity));
        using var admin = new ApiClient(gateway.Endpoints.HttpUri);
        await admin.SignInAsync(IdentityTestHost.AdminLogin);

        var erasures = await admin.ProblemAsync(HttpStatusCode.NotImplemented, HttpMethod.Get, "/api/v1/erasures");
        var preview = await admin.ProblemAsync(HttpStatusCode.NotImplemented, HttpMethod.Post, "/api/v1/customers/c1/removal-preview", new { mode = "purge" });
        var deliveries = await admin.ProblemAsync(HttpStatusCode.NotImplemented, HttpMethod.Get, "/api/v1/deliveries?ticketId=HELP-1");

        Assert.All([erasures, preview, deliveries], problem => Assert.Equal("UNIMPLEMENTED", problem.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_grpc_request_just_over_the_maximum_size_is_resource_exhausted_not_500_and_logs_no_error()
    {
        var logged = hosts.Gateway.Logs.Lines.Count;
        var health = new Grpc.Health.V1.Health.HealthClient(hosts.Gateway.Channel);

        // The whole body arrives in one read; the gateway's exception handler answered Kestrel's refusal of it 500.
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = new string('x', 1024 * 1024) }).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, error.StatusCode);
        Assert.DoesNotContain(hosts.Gateway.Logs.Lines.Skip(logged), line => line.Contains("too large", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_backend_that_cannot_be_reached_is_503_problem_json()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Services:ticketing", "http://127.0.0.1:1"));
        using var admin = new ApiClient(gateway.Endpoints.HttpUri);
        await admin.SignInAsync(IdentityTestHost.AdminLogin);

        var problem = await admin.ProblemAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, "/api/v1/projects");

        Assert.Equal("UNAVAILABLE", problem.GetProperty("code").GetString());
        // The client library's message names the backend's address: not the caller's to read.
        Assert.DoesNotContain("127.0.0.1", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_list_entry_or_a_combination_of_enum_names_is_400_naming_the_field()
    {
        using var admin = await hosts.AdminClientAsync();

        var customer = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/customers",
            new { address = "someone@example.com", displayName = "Some One", projectKeys = new string?[] { "HELP", null } });
        var account = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/accounts",
            new { login = "someone", password = "long enough password", role = "agent", projectKeys = new string?[] { null } });
        var role = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/accounts",
            new { login = "someone", password = "long enough password", role = "agent,admin", projectKeys = new[] { "HELP" } });

        Assert.True(customer.GetProperty("errors").TryGetProperty("projectKeys[1]", out _), customer.ToString());
        Assert.True(account.GetProperty("errors").TryGetProperty("projectKeys[0]", out _), account.ToString());
        Assert.True(role.GetProperty("errors").TryGetProperty("role", out _), role.ToString());
    }

    /// <summary>
    /// Enums are their snake_case names, read strictly as the rest of a body is: "CLOSED", "Closed" or "c_losed" were
    /// taken for "closed" (found by a review as an attacker), which a proxy or firewall in front would not.
    /// </summary>
    [Fact]
    public async Task An_enum_name_spelt_otherwise_than_the_API_names_it_is_400_naming_the_field()
    {
        using var admin = await hosts.AdminClientAsync();
        var cases = new (HttpMethod Method, string Path, object? Body, string Field)[]
        {
            (HttpMethod.Put, "/api/v1/tickets/NOPE-1/status", new { status = "CLOSED" }, "status"),
            (HttpMethod.Put, "/api/v1/tickets/NOPE-1/status", new { status = "Closed" }, "status"),
            (HttpMethod.Put, "/api/v1/tickets/NOPE-1/status", new { status = "c_losed" }, "status"),
            (HttpMethod.Put, "/api/v1/tickets/NOPE-1/status", new { status = "InProgress" }, "status"),
            (HttpMethod.Get, "/api/v1/tickets?projectKey=NOPE&status=Open", null, "status"),
            (HttpMethod.Get, "/api/v1/erasures?status=AWAITING_APPROVAL", null, "status"),
            (HttpMethod.Post, "/api/v1/erasures", new { customerId = "c1", mode = "Purge", reason = "customer_request" }, "mode"),
            (HttpMethod.Post, "/api/v1/accounts", new { login = "someone", password = "long enough password", role = "Agent", projectKeys = new[] { "HELP" } }, "role"),
        };

        foreach (var (method, path, body, field) in cases)
        {
            var problem = await admin.ProblemAsync(HttpStatusCode.BadRequest, method, path, body);

            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{method} {path}: {problem}");
        }

        // The names themselves still go through to the service (an unknown ticket: 404).
        await admin.ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Put, "/api/v1/tickets/NOPE-1/status", new { status = "in_progress" });
    }

    [Fact]
    public async Task Input_that_cannot_be_bound_is_problem_json_with_a_code_naming_the_field_and_never_echoing_the_value()
    {
        using var admin = await hosts.AdminClientAsync();
        const string Value = "unbound.value@example.com";
        static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
        var cases = new (HttpMethod Method, string Path, HttpContent? Body, HttpStatusCode Status, string Code, string Field)[]
        {
            (HttpMethod.Post, "/api/v1/customers", Json($"not JSON {Value}"), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "body"),
            (HttpMethod.Post, "/api/v1/customers", Json($$"""{"address": ["{{Value}}"], "displayName": "Jane"}"""), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "address"),
            (HttpMethod.Post, "/api/v1/customers/suggestions", Json("""{"projectKey": "HELP", "text": "ja", "limit": "many"}"""), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "limit"),
            // One reading of a body, as a proxy or firewall in front reads it: no number from a string, no key twice, no other letter case.
            (HttpMethod.Post, "/api/v1/customers/suggestions", Json("""{"projectKey": "HELP", "text": "ja", "limit": "5"}"""), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "limit"),
            (HttpMethod.Post, "/api/v1/customers", Json($$"""{"address": "a@example.com", "address": "{{Value}}", "displayName": "Jane"}"""), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "address"),
            (HttpMethod.Post, "/api/v1/customers", Json($$"""{"Address": "{{Value}}", "displayName": "Jane"}"""), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "address"),
            (HttpMethod.Get, $"/api/v1/customers?pageSize={Value}", null, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "pageSize"),
            (HttpMethod.Post, "/api/v1/customers", null, HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "body"),
            (HttpMethod.Post, "/api/v1/customers", new StringContent($"address={Value}", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "body"),
            (HttpMethod.Post, "/api/v1/erasures", Json("""{"customerId": "c1", "mode": "anonymize", "reason": "because"}"""), HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "reason"),
            (HttpMethod.Post, "/api/v1/customers", Json($$"""{"displayName": "{{new string('x', 1_100_000)}}"}"""), HttpStatusCode.RequestEntityTooLarge, "REQUEST_TOO_LARGE", "body"),
        };

        foreach (var (method, path, body, status, code, field) in cases)
        {
            var problem = await admin.ProblemAsync(status, method, path, body);

            Assert.True(problem.TryGetProperty("code", out var actual) && code == actual.GetString(), $"{method} {path}: {problem}");
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"{method} {path}: {problem}");
            Assert.DoesNotContain(Value, problem.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        var twice = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/v1/customers", Json("""{"address": "a@example.com", "address": "b@example.com"}"""));
        Assert.Equal("is given more than once", twice.GetProperty("errors").GetProperty("address")[0].GetString());

        // A body the route needs, missing (a route whose every field is optional takes none: ErasureApiTests).
        foreach (var path in new[] { "/api/v1/customers", "/api/v1/tickets", "/api/v1/erasures" })
        {
            var missing = await admin.ProblemAsync(HttpStatusCode.BadRequest, HttpMethod.Post, path);
            Assert.Equal("is required: send a JSON object", missing.GetProperty("errors").GetProperty("body")[0].GetString());
        }

        var noSuchEndpoint = await admin.ProblemAsync(HttpStatusCode.NotFound, HttpMethod.Get, "/api/v1/no-such-resource");
        Assert.Equal("NOT_FOUND", noSuchEndpoint.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_415_problem_json_signed_in_or_not_and_logs_no_error()
    {
        using var anonymous = hosts.NewClient();
        using var admin = await hosts.AdminClientAsync();
        static ByteArrayContent Untyped(string json) => new(System.Text.Encoding.UTF8.GetBytes(json));
        var logged = hosts.Gateway.Logs.Lines.Count;

        var problems = new[]
        {
            await anonymous.ProblemAsync(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "/api/v1/tokens", Untyped("""{"login": "a", "password": "b"}""")),
            await anonymous.ProblemAsync(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "/api/v1/session", Untyped("""{"login": "a", "password": "b"}""")),
            await admin.ProblemAsync(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "/api/v1/customers", Untyped("""{"address": "someone@example.com", "displayName": "Some One"}""")),
        };

        Assert.All(problems, problem =>
        {
            Assert.Equal("UNSUPPORTED_MEDIA_TYPE", problem.GetProperty("code").GetString());
            Assert.Equal("must be sent as application/json", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        });
        Assert.DoesNotContain(hosts.Gateway.Logs.Lines.Skip(logged), line => line.Contains("\"level\":\"Error\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_over_its_sign_in_limit_gets_429_with_Retry_After_while_other_API_calls_go_on()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:SignInsPerMinute", "2"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);
        await client.SignInAsync(IdentityTestHost.AdminLogin);
        await client.SignInAsync(IdentityTestHost.AdminLogin);

        using var refused = await client.SendAsync(HttpMethod.Post, "/api/v1/session", new { login = IdentityTestHost.AdminLogin, password = IdentityTestHost.Password });
        using var other = await client.SendAsync(HttpMethod.Get, "/api/v1/me");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_API_limit_gets_429_whatever_X_Forwarded_For_it_claims_and_the_console_still_loads()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:RequestsPerMinute", "3"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);

        var allowed = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(HttpMethod.Get, "/api/v1/me");
            allowed.Add(response.StatusCode);
        }

        using var refused = await client.SendAsync(HttpMethod.Get, "/api/v1/me");
        using var spoofed = await client.SendAsync(HttpMethod.Get, "/api/v1/me", forwardedFor: "203.0.113.7");
        using var console = await client.SendAsync(HttpMethod.Get, "/");

        Assert.All(allowed, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
    }

    /// <summary>
    /// Behind an Ingress every connection comes from the Ingress: with Gateway:TrustedProxyHops 1 the client is the entry
    /// it appended, for the gateway's limits and for Identity's throttling alike, and what a client wrote before it is ignored.
    /// </summary>
    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_has_its_own_limits_and_sign_in_throttling()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:TrustedProxyHops", "1"), ("Gateway:SignInsPerMinute", "6"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);
        var login = await hosts.NewAccountAsync(ServiceDesk.Contracts.Identity.V1.Role.Agent);
        async Task<HttpStatusCode> SignInAsync(string forwardedFor, string password)
        {
            using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/session", new { login, password }, forwardedFor: forwardedFor);
            return response.StatusCode;
        }

        var attacker = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            // The attacker varies what it writes itself; the Ingress's entry, last, stays its address.
            attacker.Add(await SignInAsync($"198.51.100.{i}, 203.0.113.1", "a wrong password"));
        }

        var attackerAgain = await SignInAsync("203.0.113.1", "a wrong password");
        var owner = await SignInAsync("203.0.113.2", ServiceDesk.Testing.IdentityTestHost.Password);
        var ownerClaimingToBeTheAttacker = await SignInAsync("203.0.113.2, 203.0.113.1", ServiceDesk.Testing.IdentityTestHost.Password);

        // Identity's back-off for the login from the attacker's address (5 failures), then the gateway's own limit (6 a minute).
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests], attacker);
        Assert.Equal(HttpStatusCode.TooManyRequests, attackerAgain);
        Assert.Equal(HttpStatusCode.OK, owner);
        Assert.Equal(HttpStatusCode.TooManyRequests, ownerClaimingToBeTheAttacker);
    }

    /// <summary>One subscriber usually holds a whole IPv6 /64: counted per address, each of its requests would get a fresh bucket.</summary>
    [Fact]
    public async Task Behind_a_trusted_proxy_an_IPv6_client_is_limited_per_64_and_an_IPv4_mapped_one_as_its_IPv4_address()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:TrustedProxyHops", "1"), ("Gateway:RequestsPerMinute", "3"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);
        async Task<HttpStatusCode> MeAsync(string forwardedFor)
        {
            using var response = await client.SendAsync(HttpMethod.Get, "/api/v1/me", forwardedFor: forwardedFor);
            return response.StatusCode;
        }

        HttpStatusCode[] sameSubnet = [await MeAsync("2001:db8:1:2::1"), await MeAsync("2001:db8:1:2::2"), await MeAsync("2001:db8:1:2:ffff:ffff:ffff:ffff"), await MeAsync("2001:db8:1:2::4")];
        var otherSubnet = await MeAsync("2001:db8:1:3::1");
        HttpStatusCode[] ipv4 = [await MeAsync("203.0.113.9"), await MeAsync("203.0.113.9"), await MeAsync("203.0.113.9"), await MeAsync("::ffff:203.0.113.9")];

        HttpStatusCode[] limitedOnTheFourth = [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests];
        Assert.Equal(limitedOnTheFourth, sameSubnet);
        Assert.Equal(HttpStatusCode.Unauthorized, otherSubnet);
        Assert.Equal(limitedOnTheFourth, ipv4);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_health_reports_answer_the_cluster_only_and_the_API_goes_on()
    {
        await using var gateway = await hosts.StartGatewayAsync(("Gateway:TrustedProxyHops", "1"));
        using var client = new ApiClient(gateway.Endpoints.HttpUri);

        using var forwardedHealth = await client.SendAsync(HttpMethod.Get, "/healthz", forwardedFor: "203.0.113.5");
        using var forwardedLiveness = await client.SendAsync(HttpMethod.Get, "/livez", forwardedFor: "203.0.113.5");
        using var probe = await client.SendAsync(HttpMethod.Get, "/healthz");
        using var api = await client.SendAsync(HttpMethod.Get, "/api/v1/me", forwardedFor: "203.0.113.5");
        using var console = await client.SendAsync(HttpMethod.Get, "/", forwardedFor: "203.0.113.5");

        Assert.Equal(HttpStatusCode.NotFound, forwardedHealth.StatusCode);
        Assert.DoesNotContain("identity", await forwardedHealth.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, forwardedLiveness.StatusCode);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers_names_no_server_and_the_console_policy_allows_no_inline_script()
    {
        using var client = hosts.NewClient();

        using var page = await client.SendAsync(HttpMethod.Get, "/");
        using var api = await client.SendAsync(HttpMethod.Get, "/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertSecurityHeaders(page);
        AssertSecurityHeaders(api);

        await using var secure = await hosts.StartGatewayAsync(("Gateway:SecureCookies", "true"));
        using var secureClient = new ApiClient(secure.Endpoints.HttpUri);
        using var securePage = await secureClient.SendAsync(HttpMethod.Get, "/");
        Assert.Equal("max-age=31536000", securePage.Headers.GetValues("Strict-Transport-Security").Single());
    }

    /// <summary>The exception handler clears the response, headers included, before it writes these problems.</summary>
    [Fact]
    public async Task Problems_the_exception_handler_writes_carry_the_security_headers_too()
    {
        using var admin = await hosts.AdminClientAsync();

        using var notJson = await admin.SendAsync(HttpMethod.Post, "/api/v1/tickets", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        using var notANumber = await admin.SendAsync(HttpMethod.Get, "/api/v1/customers?pageSize=abc");

        foreach (var response in new[] { notJson, notANumber })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            AssertSecurityHeaders(response);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }

    /// <summary>Notification's letters link to /tickets/&lt;id&gt; under the portal's address; the console routes by fragment.</summary>
    [Fact]
    public async Task A_letter_s_ticket_link_leads_to_the_ticket_in_the_console()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hosts.Gateway.Endpoints.HttpUri };

        using var response = await http.GetAsync("/tickets/HELP-42");
        using var odd = await http.GetAsync("/tickets/%3Cb%3E");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/#/tickets/HELP-42", response.Headers.Location?.OriginalString);
        Assert.Equal("/#/tickets/%3Cb%3E", odd.Headers.Location?.OriginalString);
        AssertSecurityHeaders(response);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
        // The test hosts serve plain HTTP (Gateway:SecureCookies false), where the header means nothing.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_endpoint_and_the_reference_page_loads_its_script_from_the_gateway()
    {
        using var client = hosts.NewClient();

        using var document = await client.SendAsync(HttpMethod.Get, "/openapi/v1.json");
        var openApi = System.Text.Json.JsonDocument.Parse(await document.Content.ReadAsStringAsync()).RootElement;
        using var reference = await client.SendAsync(HttpMethod.Get, "/scalar/");
        var html = await reference.Content.ReadAsStringAsync();
        var scripts = ScriptSources().Matches(html).Select(match => match.Groups[1].Value).ToList();

        var paths = openApi.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToHashSet();
        var missing = Endpoint.SignedIn.Select(endpoint => endpoint.Path.Split('?')[0])
            .Where(path => !paths.Any(documented => Regex.IsMatch(path, "^" + Regex.Replace(documented, "\\{[^}]+\\}", "[^/]+") + "$")))
            .ToList();
        Assert.Empty(missing);
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal), $"script from elsewhere: {script}");
            using var loaded = await client.SendAsync(HttpMethod.Get, new Uri(new Uri(hosts.Gateway.Endpoints.HttpUri, "/scalar/"), script).PathAndQuery);
            Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        }
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSources();
}
