using System.Net;
using System.Text.Json;
using Grpc.Core;
using ServiceDesk.Contracts.Ticketing.V1;
using ServiceDesk.Testing;
using Xunit;

namespace ServiceDesk.Gateway.Tests.Api;

/// <summary>
/// A backend at its concurrency limit (Overload:*) answers RESOURCE_EXHAUSTED with RetryInfo; the gateway passes
/// that on as 429 problem+json with Retry-After. The backend's one call slot is held on a gate, so the refusal is
/// certain. Costs about a second.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BackendOverloadTests(GatewayHosts hosts)
{
    [Fact]
    public async Task A_backend_at_its_limit_makes_the_gateway_answer_429_with_Retry_After_from_its_RetryInfo()
    {
        await using var ticketing = await ServiceHost.StartAsync(GatedProbe.App, new Dictionary<string, string?>
        {
            ["Auth:Authority"] = hosts.Identity.Endpoints.HttpUri.ToString(),
            ["Overload:MaxConcurrentCalls"] = "1",
            ["Overload:QueueLimit"] = "0",
            ["Overload:RetryAfter"] = "00:00:07",
        });
        await using var gateway = await hosts.StartGatewayAsync(("Services:ticketing", ticketing.Endpoints.GrpcUri.ToString()));
        using var admin = new ApiClient(gateway.Endpoints.HttpUri);
        await admin.SignInAsync(IdentityTestHost.AdminLogin);
        var held = new TicketingService.TicketingServiceClient(ticketing.Channel).GetProjectAsync(new GetProjectRequest { Key = "HELP" }, deadline: DateTime.UtcNow.AddMinutes(1));
        await Eventually.WaitForAsync(() => ticketing.Gate().Entered == 1, "the backend's one call slot to be taken");

        using var refused = await admin.SendAsync(HttpMethod.Get, "/api/v1/projects");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("RESOURCE_EXHAUSTED", problem.RootElement.GetProperty("code").GetString());

        ticketing.Gate().Open();
        await held;
        using var served = await admin.SendAsync(HttpMethod.Get, "/api/v1/projects");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
