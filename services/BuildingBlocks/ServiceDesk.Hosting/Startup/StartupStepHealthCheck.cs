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

public static class StartupStepHealthCheckExtensions
{
    /// <summary>A health entry <paramref name="name"/> that is unhealthy, saying <paramref name="pending"/>, until the step <typeparamref name="TStep"/> is done.</summary>
    public static IHealthChecksBuilder AddStartupStepCheck<TStep>(this IHealthChecksBuilder health, string name, string pending)
        where TStep : StartupStep =>
        health.Add(new HealthCheckRegistration(name, services => new StartupStepHealthCheck(services.GetRequiredService<TStep>(), pending), failureStatus: null, tags: null));
}
