using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Gateway.HealthChecks;

/// <summary>The gateway is only as ready as the services it calls: asks each for its gRPC health.</summary>
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
                : HealthCheckResult.Unhealthy($"{backend} reports {reply.Status}");
        }
        catch (RpcException exception)
        {
            return HealthCheckResult.Unhealthy($"{backend} unreachable: {exception.StatusCode}");
        }
    }
}
