using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// At start, applies again what the "erasure" stream says Directory did and its store does not hold: the store was
/// restored from a backup taken before those removals and reinstatements, and would otherwise list the removed
/// customers again, hand their keys to the services and let their addresses be taken
/// (<see cref="ErasureCoordinator.ReapplyAsync"/>, <see cref="ErasureCoordinator.ReinstateAgainAsync"/>). Until done,
/// the "erasure" health entry, and so readiness, is NOT_SERVING.
/// </summary>
public sealed partial class RemovalReplay(
    ErasureHistory history,
    ErasureCoordinator coordinator,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<RemovalReplay> logger) : StartupStep(lifetime, time, logger)
{
    public const string HealthCheckName = "erasure";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        int removals = 0, reinstatements = 0;
        await foreach (var entry in history.ReadAsync(cancellationToken))
        {
            switch (entry.Payload)
            {
                case CustomerErasureRequested command when await coordinator.ReapplyAsync(command, entry.OccurredAt, cancellationToken):
                    removals++;
                    break;
                case ErasedAddressesReinstated reinstated when await coordinator.ReinstateAgainAsync(reinstated.RequestId, entry.OccurredAt, cancellationToken):
                    reinstatements++;
                    break;
            }
        }

        LogReplayed(removals, reinstatements);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removal replay done: {Removals} removals and {Reinstatements} reinstatements from the stream were missing from the store and applied again")]
    private partial void LogReplayed(int removals, int reinstatements);
}

/// <summary>NOT_SERVING until the removal replay is done: a restored store must not serve the customers it removed.</summary>
internal sealed class RemovalReplayHealthCheck(RemovalReplay replay) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(replay.Completed.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy("removals in the stream all applied")
            : HealthCheckResult.Unhealthy("applying removals missing from the store again"));
}
