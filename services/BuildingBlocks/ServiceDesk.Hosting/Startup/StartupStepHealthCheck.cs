using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Hosting.Startup;

/// <summary>
/// Unhealthy, so readiness NOT_SERVING, until a start-up step is done. The host starts the health publisher before the
/// steps, so the check gives the step a moment (<see cref="Grace"/>): the first report, taken as the service starts,
/// would otherwise find a step of milliseconds not begun yet and say so for a whole publishing period.
/// </summary>
public sealed class StartupStepHealthCheck(StartupStep step, string pending) : IHealthCheck
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await Task.WhenAny(step.Completed, Task.Delay(Grace, cancellationToken));
        return step.Completed.IsCompletedSuccessfully ? HealthCheckResult.Healthy("done") : HealthCheckResult.Unhealthy(pending);
    }
}

public static class StartupStepGateExtensions
{
    /// <summary>
    /// Holds the service until the step <typeparamref name="TStep"/> is done: a health entry <paramref name="name"/>,
    /// unhealthy and saying <paramref name="pending"/> (so readiness is NOT_SERVING), and every call but health refused
    /// with UNAVAILABLE (<see cref="StartupGateInterceptor"/>).
    /// </summary>
    public static IServiceCollection AddStartupGate<TStep>(this IServiceCollection services, string name, string pending)
        where TStep : StartupStep
    {
        services.AddSingleton(provider => new GatingStep(provider.GetRequiredService<TStep>(), pending));
        services.AddHealthChecks().Add(new HealthCheckRegistration(name, provider => new StartupStepHealthCheck(provider.GetRequiredService<TStep>(), pending), failureStatus: null, tags: null));
        return services;
    }
}
