using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Messaging.Resilience;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// At start, re-applies every erasure request the "erasure" stream holds but this service's ledger does not hold
/// completed, and every
/// reinstatement of a request's addresses: the store was restored from a backup taken before them, and the consumer
/// group acknowledged them long ago (<see cref="ErasureHistory"/>). Until done, the "erasure" health entry, and so
/// readiness, is NOT_SERVING. A request whose erasure fails here (its failure receipt is sent) fails the step, which runs
/// again with back-off while the service stays unready: the coordinator holds such a request completed (this service's
/// receipt came before the restore) and retries only open ones, so nothing else would erase it, and the restored copy
/// would be served meanwhile. A run cut short between
/// erasing and its checkpoint left nothing readable either: a LiteDB file is checkpointed when it is opened
/// (<c>LiteDbFiles.Open</c>), before this runs.
/// </summary>
public sealed partial class ErasureReplay(
    ErasureHistory history,
    IErasureLedger ledger,
    IServiceScopeFactory scopes,
    TombstonePepper pepper,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ErasureReplay> logger) : StartupStep(lifetime, time, logger)
{
    public const string HealthCheckName = "erasure";

    /// <summary>Reads the pepper now, so a missing one stops the start naming the setting.</summary>
    protected override void Validate() => _ = pepper.Key.Length;

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        int replayed = 0, reinstatements = 0;
        await foreach (var entry in history.ReadAsync(cancellationToken))
        {
            switch (entry.Payload)
            {
                // One the ledger holds only started was cut short (killed between its record and its erasure, or the
                // backup taken meanwhile): its stream entry was acknowledged, so nothing else would finish it.
                case CustomerErasureRequested command when await ledger.FindAsync(command.RequestId, cancellationToken) is not { State: ErasureState.Completed }:
                    await ReplayAsync(command, cancellationToken);
                    replayed++;
                    break;
                case ErasedAddressesReinstated reinstated:
                    // Idempotent, and kept apart from the request's record: recorded again whatever the ledger holds.
                    await using (var scope = scopes.CreateAsyncScope())
                    {
                        await scope.ServiceProvider.GetRequiredService<AddressReinstatementHandler>().HandleAsync(reinstated, cancellationToken);
                    }

                    reinstatements++;
                    break;
            }
        }

        LogReplayed(replayed, reinstatements);
    }

    private async Task ReplayAsync(CustomerErasureRequested command, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<CustomerErasureHandler>().HandleAsync(command, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && !TransientFailure.Is(exception))
        {
            LogReplayFailed(command.RequestId, exception.GetType().Name);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure replay done: {Replayed} requests from the stream were missing from the ledger and re-applied; {Reinstatements} reinstatements recorded")]
    private partial void LogReplayed(int replayed, int reinstatements);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-applying erasure request {RequestId} failed ({Error}); its failure receipt was sent, and the replay runs again while the service stays unready")]
    private partial void LogReplayFailed(string requestId, string error);
}
