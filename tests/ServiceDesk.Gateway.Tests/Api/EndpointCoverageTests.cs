using System.Net;
using System.Text.Json;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>
/// The endpoints the scenario tests do not walk through: each one's success for a caller allowed to use it,
/// its refusal of malformed input (400 problem+json naming the field), and its refusal of a customer where only
/// staff may act (the services decide; the gateway passes their answer on).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class EndpointCoverageTests(GatewayHosts hosts)
{
    [Fact]
    public async Task Every_remaining_endpoint_serves_an_allowed_caller()
    {
        var project = await hosts.NewProjectAsync();
        using var admin = await hosts.AdminClientAsync();
        using var agent = await hosts.SignedInAsync(Role.Agent, null, project);
        var other = await hosts.NewProjectAsync();

        var projects = await agent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/v1/projects");
        var oneProject = await agent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/projects/{project}");
        var organization = await admin.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/organizations", new { name = $"Acme {Guid.NewGuid():N}" });
        var organizationId = organization.GetProperty("id").GetString()!;
        var renamed = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/api/v1/organizations/{organizationId}", new { name = $"Acme Ltd {Guid.NewGuid():N}" });
        var jane = await admin.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/customers",
            new { address = GatewayHosts.NewAddress("jane"), displayName = "Jane", projectKeys = new[] { project }, organizationId });
        var janeId = jane.GetProperty("id").GetString()!;
        var members = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/organizations/{organizationId}/members");
        var customers = await agent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/customers?projectKey={project}");
        var agentsJaneId = Items(customers).Single().GetProperty("id").GetString()!;
        var patched = await agent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"/api/v1/customers/{agentsJaneId}", new { displayName = "Jane Doe" });
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"/api/v1/customers/{janeId}/projects/{other}");
        await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Delete, $"/api/v1/customers/{janeId}/projects/{other}");
        var fetched = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/customers/{janeId}");
        var ticket = await agent.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets", new { projectKey = project, reporterCustomerId = agentsJaneId, summary = "Printer" });
        var ticketId = ticket.GetProperty("id").GetString()!;
        Assert.False(ticket.GetProperty("reporter").GetProperty("leftProject").GetBoolean());
        await agent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"/api/v1/tickets/{ticketId}/participants/{agentsJaneId}");
        await agent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Delete, $"/api/v1/tickets/{ticketId}/participants/{agentsJaneId}");
        var deliveries = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/deliveries?ticketId={ticketId}");
        var suppressed = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/v1/suppressions/check", new { address = GatewayHosts.NewAddress("nobody") });
        var accountLogin = IdentityTestHost.NewLogin("agent");
        var account = await admin.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/accounts",
            new { login = accountLogin, password = IdentityTestHost.Password, role = "agent", projectKeys = new[] { project } });
        var accountPath = $"/api/v1/accounts/{account.GetProperty("id").GetString()}";
        var disabled = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{accountPath}/disable");
        var enabled = await admin.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{accountPath}/enable");
        using var newAgent = hosts.NewClient();
        await newAgent.SignInAsync(accountLogin);
        await newAgent.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "/api/v1/me/password", new { currentPassword = IdentityTestHost.Password, newPassword = "a different long password" });
        await admin.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, accountPath);

        Assert.Contains(Items(projects), item => item.GetProperty("key").GetString() == project);
        Assert.Equal(project, oneProject.GetProperty("key").GetString());
        Assert.StartsWith("Acme Ltd", renamed.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Single(Items(members));
        Assert.Equal("Jane Doe", patched.GetProperty("displayName").GetString());
        Assert.Equal([project], fetched.GetProperty("projectKeys").EnumerateArray().Select(key => key.GetString()));
        Assert.Equal(JsonValueKind.Array, deliveries.GetProperty("items").ValueKind);
        Assert.False(suppressed.GetProperty("suppressed").GetBoolean());
        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        Assert.False(enabled.GetProperty("disabled").GetBoolean());
        await newAgent.ProblemAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/api/v1/me");
    }

    [Fact]
    public async Task Every_endpoint_taking_input_refuses_malformed_input_with_400_naming_the_field()
    {
        using var admin = await hosts.AdminClientAsync();
        var tooLong = new string('x', 300);
        var cases = new (string Method, string Path, object? Body, string Field)[]
        {
            ("POST", "/api/v1/tokens", new { password = "whatever it is" }, "login"),
            ("POST", "/api/v1/tokens/refresh", new { refreshToken = "" }, "refreshToken"),
            ("POST", "/api/v1/me/password", new { currentPassword = IdentityTestHost.Password, newPassword = "" }, "newPassword"),
            ("POST", "/api/v1/accounts", new { login = "", password = IdentityTestHost.Password, role = "agent" }, "login"),
            ("POST", $"/api/v1/accounts/{tooLong}/disable", null, "accountId"),
            ("GET", "/api/v1/customers?projectKey=not%20a%20key", null, "projectKey"),
            ("POST", "/api/v1/customers", new { address = "not an address", displayName = "Jane", projectKeys = new[] { "HELP" } }, "address"),
            ("POST", "/api/v1/customers/suggestions", new { projectKey = "HELP", text = "", limit = 5 }, "text"),
            ("GET", $"/api/v1/customers/{tooLong}", null, "customerId"),
            ("PATCH", "/api/v1/customers/c1", new { displayName = tooLong }, "displayName"),
            ("PUT", "/api/v1/customers/c1/projects/not%20a%20key", null, "projectKey"),
            ("POST", "/api/v1/organizations", new { name = "" }, "name"),
            ("POST", "/api/v1/projects", new { key = "not a key", name = "Help" }, "key"),
            ("GET", "/api/v1/tickets?projectKey=HELP&status=on_fire", null, "status"),
            ("POST", "/api/v1/tickets", new { projectKey = "HELP", reporterCustomerId = "c1", summary = "" }, "summary"),
            ("POST", "/api/v1/tickets/HELP-1/comments", new { body = "" }, "body"),
            ("PUT", "/api/v1/tickets/HELP-1/status", new { status = "on_fire" }, "status"),
            ("POST", "/api/v1/erasures", new { customerId = "c1", mode = "shred", reason = "customer_request" }, "mode"),
            ("GET", "/api/v1/erasures?status=lost", null, "status"),
            ("POST", "/api/v1/erasures/e1/rejection", new { reason = "because" }, "reason"),
            ("POST", "/api/v1/erasures/e1/reinstatement", new { reason = "because" }, "reason"),
            ("POST", "/api/v1/customers/c1/removal-preview", new { mode = "shred" }, "mode"),
            ("POST", "/api/v1/me/removal-request", new { mode = "shred" }, "mode"),
            ("POST", "/api/v1/suppressions/check", new { address = "not an address" }, "address"),
        };

        var wrong = new List<string>();
        foreach (var (method, path, body, field) in cases)
        {
            using var response = await admin.SendAsync(new HttpMethod(method), path, body);
            var text = await response.Content.ReadAsStringAsync();
            var named = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && JsonDocument.Parse(text).RootElement.TryGetProperty("errors", out var errors)
                && errors.TryGetProperty(field, out _);
            if (response.StatusCode != HttpStatusCode.BadRequest || !named)
            {
                wrong.Add($"{method} {path}: {(int)response.StatusCode} {text}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task A_customer_is_refused_every_staff_endpoint_by_the_services()
    {
        var project = await hosts.NewProjectAsync();
        var jane = await hosts.NewCustomerAsync("Jane", GatewayHosts.NewAddress("jane"), project);
        using var customer = await hosts.SignedInAsync(Role.Customer, jane.Id);
        // Customers use their own session, account and removal request, see projects and their own tickets and
        // the deliveries sent to them, and follow their own removal request.
        var staffOnly = Endpoint.SignedIn.Where(endpoint =>
            endpoint.Path is not ("/api/v1/session" or "/api/v1/me" or "/api/v1/me/password" or "/api/v1/me/removal-request" or "/api/v1/projects")
            && !endpoint.Path.StartsWith("/api/v1/tickets", StringComparison.Ordinal)
            && !endpoint.Path.StartsWith("/api/v1/deliveries", StringComparison.Ordinal)
            && !(endpoint.Method == "GET" && endpoint.Path.StartsWith("/api/v1/erasures", StringComparison.Ordinal)));

        var wrong = new List<string>();
        foreach (var endpoint in staffOnly)
        {
            using var response = await customer.SendAsync(new HttpMethod(endpoint.Method), endpoint.Path, endpoint.Body);
            if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.Empty(wrong);
    }

    private static IEnumerable<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray();
}
