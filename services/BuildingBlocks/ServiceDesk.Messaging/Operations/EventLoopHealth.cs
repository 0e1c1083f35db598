using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServiceDesk.Messaging.Operations;

/// <summary>
/// The "events" health check: Degraded while the outbox relay or a consumer keeps failing its rounds (it
/// retries forever, so the host stays up and the check is what tells an operator). Degraded, not Unhealthy:
/// restarting the replica does not cure an outage of Redis or the store.
/// </summary>
public sealed class EventLoopHealth(MessagingMetrics metrics) : IHealthCheck
{
    public const string HealthCheckName = "events";

    /// <summary>Consecutive failed rounds from which a loop counts as failing rather than unlucky.</summary>
    public const int FailuresBeforeDegraded = 3;

    private readonly ConcurrentDictionary<string, (int Failures, string Error)> _loops = new();

    public void RoundSucceeded(string loop) => _loops.TryRemove(loop, out _);

    public void RoundFailed(string loop, Exception exception)
    {
        metrics.LoopFailed(loop);
        _loops.AddOrUpdate(loop, _ => (1, exception.GetType().Name), (_, state) => (state.Failures + 1, exception.GetType().Name));
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _loops.Where(l => l.Value.Failures >= FailuresBeforeDegraded)
            .Select(l => $"{l.Key} failed {l.Value.Failures} rounds in a row ({l.Value.Error})").ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy("Event loops running")
            : HealthCheckResult.Degraded(string.Join("; ", failing)));
    }
}
