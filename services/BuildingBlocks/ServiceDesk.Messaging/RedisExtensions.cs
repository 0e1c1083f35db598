using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace ServiceDesk.Messaging;

public static class RedisExtensions
{
    public const string HealthCheckName = "redis";

    /// <summary>
    /// Connects to Redis (<c>Redis:Configuration</c>, StackExchange.Redis syntax). The service starts even while
    /// Redis is down: the connection keeps retrying, and the "redis" health check reports NOT_SERVING meanwhile.
    /// </summary>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder, string serviceName)
    {
        var configuration = builder.Configuration["Redis:Configuration"];
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new InvalidOperationException("Redis:Configuration must name the Redis server, e.g. 127.0.0.1:6379.");
        }

        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ClientName ??= serviceName;
        // Connected here, once, rather than lazily inside the first request or health check: a synchronous
        // connect on a thread-pool thread can starve the pool while several hosts start at once.
        // Registered through a factory so the container disposes it with the host.
        var multiplexer = ConnectionMultiplexer.Connect(options);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => multiplexer);
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(HealthCheckName, HealthStatus.Unhealthy);
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Redis not connected");
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy($"Redis answers ping in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer", exception);
        }
    }
}
