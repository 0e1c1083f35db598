using System.Net;
using System.Text.RegularExpressions;
using ServiceDesk.Contracts.Identity.V1;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>
/// A caller outside a resource's scope (an agent of another project, another customer) gets the answer an unknown one
/// gets, byte for byte but for the trace id and the id the caller sent, and nothing of the other scope in it.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class OutOfScopeAnswerTests(GatewayHosts hosts)
{
    [Fact]
    public async Task Hidden_tickets_projects_and_customers_are_answered_as_unknown_ones_to_an_agent_of_another_project_and_another_customer()
    {
        var hidden = await hosts.NewProjectAsync();
        var mine = await hosts.NewProjectAsync();
        var aliceAddress = GatewayHosts.NewAddress("alice");
        var alice = await hosts.NewCustomerAsync("Alice Hidden", aliceAddress, hidden);
        var bob = await hosts.NewCustomerAsync("Bob Mine", GatewayHosts.NewAddress("bob"), mine);
        var carol = await hosts.NewCustomerAsync("Carol Mine", GatewayHosts.NewAddress("carol"), mine);
        using (var admin = await hosts.AdminClientAsync())
        {
            await admin.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets", new { projectKey = hidden, reporterCustomerId = alice.Id, summary = "Alice's secret" });
            await admin.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/v1/tickets", new { projectKey = mine, reporterCustomerId = carol.Id, summary = "Carol's" });
        }

        using var hiddenAgent = await hosts.SignedInAsync(Role.Agent, null, hidden);
        var aliceScoped = (await hiddenAgent.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api/v1/tickets/{hidden}-1")).GetProperty("reporter").GetProperty("customerId").GetString()!;
        using var agent = await hosts.SignedInAsync(Role.Agent, null, mine);
        using var asBob = await hosts.SignedInAsync(Role.Customer, bob.Id);
        var unknownCustomer = Unknown(alice.Id);
        var unknownScoped = Unknown(aliceScoped);
        const string UnknownProject = "NOSUCHKEY";

        // What differs between each pair is only the id that names the hidden or the unknown resource.
        var pairs = new (HttpMethod Method, string Hidden, string Unknown, object? Body, object? UnknownBody, string HiddenId, string UnknownId)[]
        {
            (HttpMethod.Get, $"/api/v1/tickets/{hidden}-1", $"/api/v1/tickets/{hidden}-99", null, null, $"{hidden}-1", $"{hidden}-99"),
            (HttpMethod.Get, $"/api/v1/tickets/{hidden}-1", $"/api/v1/tickets/{UnknownProject}-1", null, null, $"{hidden}-1", $"{UnknownProject}-1"),
            (HttpMethod.Post, $"/api/v1/tickets/{hidden}-1/comments", $"/api/v1/tickets/{hidden}-99/comments", new { body = "Hello" }, null, $"{hidden}-1", $"{hidden}-99"),
            (HttpMethod.Put, $"/api/v1/tickets/{hidden}-1/status", $"/api/v1/tickets/{hidden}-99/status", new { status = "closed" }, null, $"{hidden}-1", $"{hidden}-99"),
            (HttpMethod.Put, $"/api/v1/tickets/{hidden}-1/participants/{bob.Id}", $"/api/v1/tickets/{hidden}-99/participants/{bob.Id}", null, null, $"{hidden}-1", $"{hidden}-99"),
            (HttpMethod.Delete, $"/api/v1/tickets/{hidden}-1/participants/{alice.Id}", $"/api/v1/tickets/{hidden}-99/participants/{alice.Id}", null, null, $"{hidden}-1", $"{hidden}-99"),
            (HttpMethod.Put, $"/api/v1/tickets/{mine}-1/participants/{alice.Id}", $"/api/v1/tickets/{mine}-1/participants/{unknownCustomer}", null, null, alice.Id, unknownCustomer),
            (HttpMethod.Put, $"/api/v1/tickets/{mine}-1/participants/{aliceScoped}", $"/api/v1/tickets/{mine}-1/participants/{unknownScoped}", null, null, aliceScoped, unknownScoped),
            (HttpMethod.Get, $"/api/v1/projects/{hidden}", $"/api/v1/projects/{UnknownProject}", null, null, hidden, UnknownProject),
            (HttpMethod.Get, $"/api/v1/tickets?projectKey={hidden}", $"/api/v1/tickets?projectKey={UnknownProject}", null, null, hidden, UnknownProject),
            (HttpMethod.Post, "/api/v1/tickets", "/api/v1/tickets", new { projectKey = hidden, summary = "Mine?" }, new { projectKey = UnknownProject, summary = "Mine?" }, hidden, UnknownProject),
            (HttpMethod.Post, "/api/v1/tickets", "/api/v1/tickets", new { projectKey = mine, reporterCustomerId = alice.Id, summary = "For Alice" }, new { projectKey = mine, reporterCustomerId = unknownCustomer, summary = "For Alice" }, alice.Id, unknownCustomer),
            (HttpMethod.Get, $"/api/v1/customers/{alice.Id}", $"/api/v1/customers/{unknownCustomer}", null, null, alice.Id, unknownCustomer),
            (HttpMethod.Get, $"/api/v1/customers/{aliceScoped}", $"/api/v1/customers/{unknownScoped}", null, null, aliceScoped, unknownScoped),
            (HttpMethod.Patch, $"/api/v1/customers/{alice.Id}", $"/api/v1/customers/{unknownCustomer}", new { displayName = "Mallory", expectedVersion = 1 }, null, alice.Id, unknownCustomer),
            (HttpMethod.Put, $"/api/v1/customers/{alice.Id}/projects/{mine}", $"/api/v1/customers/{unknownCustomer}/projects/{mine}", null, null, alice.Id, unknownCustomer),
            (HttpMethod.Get, $"/api/v1/customers?projectKey={hidden}", $"/api/v1/customers?projectKey={UnknownProject}", null, null, hidden, UnknownProject),
            (HttpMethod.Post, "/api/v1/customers/suggestions", "/api/v1/customers/suggestions", new { projectKey = hidden, text = "ali", limit = 5 }, new { projectKey = UnknownProject, text = "ali", limit = 5 }, hidden, UnknownProject),
        };

        // Carol's ticket is the agent's to see, and outside the other customer's scope.
        var customersPairs = pairs.Append((HttpMethod.Get, $"/api/v1/tickets/{mine}-1", $"/api/v1/tickets/{mine}-99", null, null, $"{mine}-1", $"{mine}-99"));
        foreach (var (who, client, outOfScope) in new[] { ("an agent of another project", agent, pairs), ("another customer", asBob, customersPairs.ToArray()) })
        {
            foreach (var (method, hiddenPath, unknownPath, body, unknownBody, hiddenId, unknownId) in outOfScope)
            {
                var (hiddenStatus, hiddenAnswer) = await AnswerAsync(client, method, hiddenPath, body, hiddenId);
                var (unknownStatus, unknownAnswer) = await AnswerAsync(client, method, unknownPath, unknownBody ?? body, unknownId);

                Assert.True(hiddenStatus >= 400, $"{who}, {method} {hiddenPath}: {hiddenStatus} {hiddenAnswer}");
                Assert.True((hiddenStatus, hiddenAnswer) == (unknownStatus, unknownAnswer),
                    $"{who}, {method} {hiddenPath} answered\n  {hiddenStatus} {hiddenAnswer}\nbut {unknownPath}\n  {unknownStatus} {unknownAnswer}");
                foreach (var secret in new[] { "Alice", aliceAddress, "secret", alice.Id, aliceScoped })
                {
                    Assert.DoesNotContain(secret, hiddenAnswer, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
    }

    /// <summary>The status and body, with the trace id and the id the request named replaced by placeholders.</summary>
    private static async Task<(int Status, string Body)> AnswerAsync(ApiClient client, HttpMethod method, string path, object? body, string id)
    {
        using var response = await client.SendAsync(method, path, body);
        var text = TraceId().Replace(await response.Content.ReadAsStringAsync(), "\"traceId\":\"…\"");
        return ((int)response.StatusCode, text.Replace(id, "<id>", StringComparison.Ordinal));
    }

    /// <summary>An id of the same shape as <paramref name="id"/> that names nothing.</summary>
    private static string Unknown(string id) => id[..^6] + "abcdef";

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
