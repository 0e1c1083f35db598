using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;

namespace ServiceDesk.Robustness.Tests.BadInput;

/// <summary>
/// Every gateway endpoint (read from the gateway's own endpoint data source) receives generated malformed requests
/// (<see cref="MalformedHttpRequests"/>) from a signed-in admin and customer, and its plain request with forged,
/// tampered and oversized tokens: no answer may be a 5xx, every answer comes within its deadline, and the
/// gateway and the services behind it are healthy afterwards.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class GatewayBadInputTests(SystemHosts hosts, ITestOutputHelper output)
{
    private const int NoAnswer = 0;
    private const int ConnectionClosed = -1;

    // Endpoints:MaxRequestBytes: beyond it Kestrel may answer 413 and close the connection before the upload ends.
    private const int MaxRequestBytes = 1024 * 1024;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_endpoint_answers_malformed_requests_without_a_server_error_and_the_gateway_stays_healthy()
    {
        var admin = (await hosts.Identity.NewSignedInAsync(Role.Admin)).AccessToken;
        var customer = (await hosts.Identity.NewSignedInAsync(Role.Customer, Guid.NewGuid().ToString("N"))).AccessToken;
        var signedIn = new (string Name, string? Token)[] { ("admin", admin), ("customer", customer) };
        var tokens = new (string Name, string? Token)[]
        {
            ("anonymous", null),
            ("unsigned token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9."),
            ("tampered signature", admin[..^4] + (admin[^4..] == "AAAA" ? "BBBB" : "AAAA")),
            ("not a token", """{"$gt": ""}"""),
            ("oversized token", new string('a', 16 * 1024)),
        };
        var endpoints = hosts.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();
        Assert.NotEmpty(endpoints);

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        foreach (var endpoint in endpoints)
        {
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                foreach (var request in MalformedHttpRequests.For(endpoint))
                {
                    var callers = request.Description == "plain" ? [.. tokens, .. signedIn] : signedIn;
                    foreach (var (caller, token) in callers)
                    {
                        var (status, elapsed) = await SendAsync(new HttpMethod(method), request, token);
                        slowest = elapsed > slowest ? elapsed : slowest;
                        statuses[status] = statuses.GetValueOrDefault(status) + 1;
                        if (status >= 500 || status == NoAnswer || (status == ConnectionClosed && request.Body?.Length <= MaxRequestBytes))
                        {
                            failures.Add($"{method} {endpoint.RoutePattern.RawText} as {caller}, {request.Description}: {Describe(status)}");
                        }
                    }
                }
            }
        }

        output.WriteLine($"{endpoints.Count} endpoints, {statuses.Values.Sum()} requests in {clock.Elapsed.TotalSeconds:F0} s, slowest answer {slowest.TotalMilliseconds:F0} ms; " +
            string.Join(", ", statuses.OrderByDescending(s => s.Value).Select(s => $"{Describe(s.Key)}: {s.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} unacceptable answers:\n{string.Join('\n', failures.Take(40))}");

        using var health = await hosts.GatewayApi.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var projects = new HttpRequestMessage(HttpMethod.Get, "/api/v1/projects/") { Headers = { Authorization = new("Bearer", admin) } };
        using var answer = await hosts.GatewayApi.SendAsync(projects);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    private static string Describe(int status) => status switch
    {
        NoAnswer => "no answer within the deadline",
        ConnectionClosed => "connection closed during the upload",
        _ => $"HTTP {status}",
    };

    /// <summary>The status (<see cref="NoAnswer"/>, <see cref="ConnectionClosed"/>) and how long it took.</summary>
    private async Task<(int Status, TimeSpan Elapsed)> SendAsync(HttpMethod method, MalformedHttpRequest request, string? token)
    {
        using var message = new HttpRequestMessage(method, request.PathAndQuery);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        if (token is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            using var response = await hosts.GatewayApi.SendAsync(message, deadline.Token);
            await response.Content.ReadAsByteArrayAsync(deadline.Token);
            return ((int)response.StatusCode, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            return (NoAnswer, clock.Elapsed);
        }
        catch (HttpRequestException)
        {
            return (ConnectionClosed, clock.Elapsed);
        }
    }
}
