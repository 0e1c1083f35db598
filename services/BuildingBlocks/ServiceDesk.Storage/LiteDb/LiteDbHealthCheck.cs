using LiteDB;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Storage.LiteDb;

internal sealed class LiteDbHealthCheck(LiteDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = database.GetCollectionNames().Count();
            return Task.FromResult(HealthCheckResult.Healthy("LiteDB file readable"));
        }
        catch (Exception exception) when (exception is LiteException or IOException or ObjectDisposedException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("LiteDB file unreadable", exception));
        }
    }
}
