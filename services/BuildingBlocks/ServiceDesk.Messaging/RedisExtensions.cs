using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ServiceDesk.Hosting.Tls;
using StackExchange.Redis;

namespace ServiceDesk.Messaging;

public static class RedisExtensions
{
    public const string HealthCheckName = "redis";

    /// <summary>
    /// Connects to Redis (<c>Redis:Configuration</c>, StackExchange.Redis syntax; <c>Redis:User</c> and
    /// <c>Redis:Password</c> for an ACL user, kept out of the connection string so they can come from a secret;
    /// <c>Redis:CaPath</c>, a PEM bundle of the authorities a TLS Redis's certificate must chain to).
    /// The service starts even while Redis is down: the connection keeps retrying, and the "redis" health check
    /// reports NOT_SERVING meanwhile.
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
        options.User = builder.Configuration["Redis:User"] is { Length: > 0 } user ? user : options.User;
        options.Password = builder.Configuration["Redis:Password"] is { Length: > 0 } password ? password : options.Password;
        if (builder.Configuration["Redis:CaPath"] is { Length: > 0 } caPath)
        {
            // A Redis under TLS (ssl=true) with a private authority's certificate: the bundle, re-read when it changes,
            // replaces the machine's trust store for it. The host name must still match (sslHost= when it differs).
            var authorities = new TrustedAuthorities(caPath);
            options.CertificateValidation += (_, certificate, _, errors) => authorities.ValidateServer(certificate, errors);
        }

        // Connected here, once, rather than lazily inside the first request or health check: a synchronous
        // connect on a thread-pool thread can starve the pool while several hosts start at once.
        // Registered through a factory so the container disposes it with the host.
        var multiplexer = ConnectionMultiplexer.Connect(options);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => multiplexer);
        builder.Services.AddSingleton(new DedicatedRedisConnections(options));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(HealthCheckName, HealthStatus.Unhealthy);
        return builder;
    }
}

/// <summary>
/// Connections of their own for blocking commands (<c>XREADGROUP ... BLOCK</c>), which would stall every other
/// command queued behind them on the shared multiplexer.
/// </summary>
public sealed class DedicatedRedisConnections(ConfigurationOptions options)
{
    /// <summary>A connection whose commands may block up to <paramref name="longestBlock"/> without timing out.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync(string purpose, TimeSpan longestBlock)
    {
        var dedicated = options.Clone();
        dedicated.ClientName = $"{options.ClientName}-{purpose}";
        dedicated.AsyncTimeout = (int)(longestBlock + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        return await ConnectionMultiplexer.ConnectAsync(dedicated);
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
