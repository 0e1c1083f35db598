using Grpc.AspNetCore.HealthChecks;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDesk.Hosting.Validation;

namespace ServiceDesk.Hosting.HealthChecks;

internal static class HealthDefaults
{
    /// <summary>How often every check runs and its report is published (the gRPC Watch stream, <see cref="ServiceHealth"/>'s Check).</summary>
    public static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(2);

    /// <summary>How old a published report Check still answers SERVING from: one period, and a second for the checks themselves.</summary>
    public static readonly TimeSpan FreshReport = WatchPeriod + TimeSpan.FromSeconds(1);

    /// <summary>
    /// The check, and gRPC health service name, a liveness probe asks for: SERVING while the process answers,
    /// whatever its dependencies say, so a Redis outage takes pods out of rotation instead of restarting them.
    /// </summary>
    public const string Liveness = "liveness";

    /// <summary>
    /// The gRPC health service reports the empty service name (every dependency: what Kubernetes readiness
    /// probes ask), <see cref="Liveness"/>, and one entry per dependency check by its own name ("redis", "store", ...).
    /// The empty name is the package's mapping (a degraded check still serves); each check by name is published by
    /// <see cref="LastHealthReport"/>, which answers SERVING for a healthy check only.
    /// </summary>
    public static void AddServiceHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck(Liveness, () => HealthCheckResult.Healthy("answering"));
        services.AddGrpcHealthChecks();
        services.Configure<GrpcHealthChecksOptions>(grpc => grpc.Services.Map(string.Empty, _ => true));
        services.AddSingleton<IRequestValidator<HealthCheckRequest>, HealthCheckRequestValidator>();
        services.AddSingleton<HealthWatchLimit>();
        services.AddSingleton<LastHealthReport>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, LastHealthReport>(provider => provider.GetRequiredService<LastHealthReport>()));
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = WatchPeriod;
        });
    }

    public static void MapServiceHealth(this WebApplication app) => app.MapGrpcService<ServiceHealth>();
}
