using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ServiceDesk.Hosting.HealthChecks;

/// <summary>
/// The gRPC health service. Check answers SERVING from the health publisher's last report while that report is
/// fresh and says so; anything else (no report yet, a stale one, a failing check) is checked on the spot. Running
/// every dependency check (a Redis PING, a store query) per call was most of the cost of a readiness probe, which
/// asks every few seconds per pod; a dependency that fails is reported within one publishing period, one that
/// recovers at once. Watch streams the published statuses; <see cref="HealthWatchLimit"/> bounds how many are open at once.
/// The service name of both is bounded before they run (<see cref="HealthCheckRequestValidator"/>).
/// </summary>
internal sealed class ServiceHealth(HealthServiceImpl published, LastHealthReport last, HealthCheckService checks, HealthWatchLimit watches) : Health.HealthBase
{
    public override async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var service = request.Service;
        if (service.Length > 0 && !last.IsCheckName(service))
        {
            throw new RpcException(new Status(StatusCode.NotFound, string.Empty));
        }

        if (last.ServingWithin(service, HealthDefaults.FreshReport))
        {
            return new HealthCheckResponse { Status = ServingStatus.Serving };
        }

        var report = await checks.CheckHealthAsync(check => service.Length == 0 || check.Name == service, context.CancellationToken);
        return new HealthCheckResponse { Status = LastHealthReport.StatusOf(service, report.Entries.Values) };
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        using var open = watches.Acquire();
        await published.Watch(request, responseStream, context);
    }
}
