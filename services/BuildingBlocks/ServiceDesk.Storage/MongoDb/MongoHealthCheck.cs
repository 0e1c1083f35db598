using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ServiceDesk.Storage.MongoDb;

internal sealed class MongoHealthCheck(IMongoDatabase database, MongoStartup startup) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (startup.Problem is { } problem)
        {
            return HealthCheckResult.Unhealthy(problem);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: timeout.Token);
            return HealthCheckResult.Healthy("MongoDB answers ping");
        }
        catch (Exception exception) when (exception is MongoException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("MongoDB unreachable", exception);
        }
    }
}
