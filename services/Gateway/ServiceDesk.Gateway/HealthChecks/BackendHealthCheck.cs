using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Gateway.HealthChecks;

/// <summary>
/// Asks a backend for its gRPC health, for the gateway's health report. A backend that is down degrades the gateway
/// and does not take it out of readiness: every replica asks the same backends, so all of them would leave at once and
/// take the console, sign-in and the routes of every other backend with them, where each call to that backend alone
/// answers 503 on its own.
/// </summary>
internal sealed class BackendHealthCheck(GrpcClientFactory clients, string backend) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static string ClientName(string backend) => $"{backend}-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var client = clients.CreateClient<Health.HealthClient>(ClientName(backend));
        try
        {
            var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Timeout, cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy($"{backend} is serving")
                : HealthCheckResult.Degraded($"{backend} reports {reply.Status}");
        }
        catch (RpcException exception)
        {
            return HealthCheckResult.Degraded($"{backend} unreachable: {exception.StatusCode}");
        }
    }
}
