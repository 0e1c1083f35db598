using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Hosting.HealthChecks;

internal static class HealthDefaults
{
    /// <summary>How often the gRPC Watch stream re-evaluates; Check always evaluates on the spot.</summary>
    private static readonly TimeSpan WatchPeriod = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The check, and gRPC health service name, a liveness probe asks for: SERVING while the process answers,
    /// whatever its dependencies say, so a Redis outage takes pods out of rotation instead of restarting them.
    /// </summary>
    public const string Liveness = "liveness";

    /// <summary>
    /// The gRPC health service reports the empty service name (every dependency: what Kubernetes readiness
    /// probes ask), <see cref="Liveness"/>, and one entry per dependency check by its own name ("redis", "store", ...).
    /// </summary>
    public static void AddServiceHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck(Liveness, () => HealthCheckResult.Healthy("answering"));
        services.AddGrpcHealthChecks();
        services.AddOptions<GrpcHealthChecksOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>((grpc, checks) =>
            {
                grpc.Services.Map(string.Empty, _ => true);
                foreach (var name in checks.Value.Registrations.Select(r => r.Name))
                {
                    grpc.Services.Map(name, result => result.Name == name);
                }
            });
        services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.Zero;
            options.Period = WatchPeriod;
        });
    }
}
