using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Contracts.Identity.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Robustness.Tests.BadInput;
using ServiceDesk.Testing;
using Xunit;
using Xunit.Abstractions;
using static ServiceDesk.Testing.IdentityTestHost;

namespace ServiceDesk.Robustness.Tests.ExpiredTokens;

/// <summary>
/// Real access tokens (admin, agent, customer, a service identity) that every service and the gateway accepted, and
/// so remember as valid (<c>ValidatedTokenCache</c>), then let expire: every RPC of every service and every gateway
/// endpoint refuses them with UNAUTHENTICATED / 401, or, where no token is needed, answers as it answers anonymous
/// callers; never INTERNAL or a 5xx, always within the deadline; the session's refreshed token is accepted again.
/// The body is the plain one (no fields, or {}): the token is checked before the body. Costs a system start (~5 s)
/// and a wait of the token lifetime (long enough for the sign-ins on a busy machine), then each RPC and endpoint
/// called by anonymous and the four tokens.
/// </summary>
public sealed class ExpiredTokenTests(ExpiringTokenHosts hosts, ITestOutputHelper output) : IClassFixture<ExpiringTokenHosts>
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    // JWT times are whole seconds: a token may expire up to a second after its lifetime from now.
    private static readonly TimeSpan WholeSecond = TimeSpan.FromSeconds(1.1);

    [Fact]
    public async Task Tokens_accepted_before_they_expired_are_refused_by_every_rpc_and_every_endpoint_afterwards()
    {
        var admin = await hosts.Identity.SignInAsync(AdminLogin);
        var tokens = await SignedInAsync(admin.AccessToken);
        var expired = DateTime.UtcNow + ExpiringTokenHosts.Lifetime + WholeSecond;
        await AcceptedEverywhereAsync(tokens);
        await Eventually.WaitForAsync(() => DateTime.UtcNow > expired, "the tokens to expire");

        var failures = new List<string>();
        var calls = 0;
        var clock = Stopwatch.StartNew();
        foreach (var service in ServiceNames.Backends)
        {
            var invoker = hosts[service].Channel.CreateCallInvoker();
            foreach (var rpc in RpcSurface.ServedBy(service))
            {
                var method = new Method<byte[], byte[]>(MethodType.Unary, rpc.Service.FullName, rpc.Name, Raw, Raw);
                var anonymous = await StatusOfAsync(invoker, method, []);
                foreach (var (caller, token) in tokens)
                {
                    var status = await StatusOfAsync(invoker, method, Bearer(token));
                    calls++;
                    if (status != StatusCode.Unauthenticated && status != anonymous)
                    {
                        failures.Add($"{service} {rpc.FullName} with the expired token of {caller}: {status} (anonymous: {anonymous})");
                    }
                }
            }
        }

        var endpoints = hosts.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();
        foreach (var endpoint in endpoints)
        {
            var plain = MalformedHttpRequests.For(endpoint).First(request => request.Description == "plain");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                var anonymous = await StatusOfAsync(new HttpMethod(method), plain, null);
                foreach (var (caller, token) in tokens)
                {
                    var status = await StatusOfAsync(new HttpMethod(method), plain, token);
                    calls++;
                    if (status != HttpStatusCode.Unauthorized && status != anonymous)
                    {
                        failures.Add($"{method} {endpoint.RoutePattern.RawText} with the expired token of {caller}: {(int)status} (anonymous: {(int)anonymous})");
                    }
                }
            }
        }

        output.WriteLine($"{calls} calls with {tokens.Count} expired tokens in {clock.Elapsed.TotalSeconds:F1} s, {endpoints.Count} gateway endpoints; {failures.Count} not refused");
        Assert.True(failures.Count == 0, $"{failures.Count} answers to expired tokens:\n{string.Join('\n', failures.Take(40))}");
        foreach (var host in hosts.All)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await host.HealthAsync());
        }

        // Refused for being expired, not for who sent them: the session's next token is accepted everywhere again.
        var refreshed = await hosts.Identity.Client().RefreshAsync(new RefreshRequest { RefreshToken = admin.RefreshToken });
        await AcceptedEverywhereAsync([("admin, refreshed", refreshed.AccessToken)]);
    }

    private async Task<IReadOnlyList<(string Caller, string Token)>> SignedInAsync(string admin)
    {
        var agent = await hosts.Identity.NewSignedInAsync(Role.Agent, null, "HELP");
        var customer = await hosts.Identity.NewSignedInAsync(Role.Customer, Guid.NewGuid().ToString("N"));
        return
        [
            ("admin", admin),
            ("agent", agent.AccessToken),
            ("customer", customer.AccessToken),
            ("ticketing service", await hosts.Identity.ServiceTokenAsync(ServiceNames.Ticketing)),
        ];
    }

    /// <summary>Each token is accepted (remembered) by every service before it expires: any answer but UNAUTHENTICATED to an empty call.</summary>
    private async Task AcceptedEverywhereAsync(IReadOnlyList<(string Caller, string Token)> tokens)
    {
        foreach (var host in hosts.All)
        {
            var invoker = host.Channel.CreateCallInvoker();
            var rpc = RpcSurface.ServedBy(host.Service.Name).First(method => method.Service.File.Package == "servicedesk.events.v1");
            var method = new Method<byte[], byte[]>(MethodType.Unary, rpc.Service.FullName, rpc.Name, Raw, Raw);
            foreach (var (caller, token) in tokens)
            {
                var status = await StatusOfAsync(invoker, method, Bearer(token));
                Assert.True(status != StatusCode.Unauthenticated, $"{host.Service.Name} refused the fresh token of {caller}");
            }
        }
    }

    private static Task<StatusCode> StatusOfAsync(CallInvoker invoker, Method<byte[], byte[]> method, Metadata headers) =>
        RpcAssert.StatusOfAsync(() => invoker.AsyncUnaryCall(method, null, new CallOptions(headers, DateTime.UtcNow + Deadline), []).ResponseAsync);

    private async Task<HttpStatusCode> StatusOfAsync(HttpMethod method, MalformedHttpRequest request, string? token)
    {
        using var message = new HttpRequestMessage(method, request.PathAndQuery);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body) { Headers = { ContentType = new("application/json") } };
        }

        if (token is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        using var deadline = new CancellationTokenSource(Deadline);
        using var response = await hosts.GatewayApi.SendAsync(message, deadline.Token);
        return response.StatusCode;
    }
}
