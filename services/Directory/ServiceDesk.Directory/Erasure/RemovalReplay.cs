using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting.Startup;
using ServiceDesk.Messaging.Erasure;

namespace ServiceDesk.Directory.Erasure;

/// <summary>
/// At start, applies again what the "erasure" stream says Directory did and its store does not hold: the store was
/// restored from a backup taken before those removals and reinstatements, and would otherwise list the removed
/// customers again, hand their keys to the services and let their addresses be taken; and asks again the participants
/// still pending on an open request, whose receipts a restore loses (<see cref="ErasureCoordinator.ReplayAsync"/>,
/// <see cref="ErasureCoordinator.ReinstateAgainAsync"/>). Each request once per run, however often it was commanded.
/// A request that cannot be applied stops the run, which starts again with back-off: until all are applied the
/// "erasure" health entry, and so readiness, is NOT_SERVING, as a restored store must not serve what it removed.
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
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int removals = 0, askedAgain = 0, reinstatements = 0;
        await foreach (var entry in history.ReadAsync(cancellationToken))
        {
            try
            {
                switch (entry.Payload)
                {
                    case CustomerErasureRequested command when seen.Add(command.RequestId):
                        switch (await coordinator.ReplayAsync(command, entry.OccurredAt, cancellationToken))
                        {
                            case ReplayOutcome.Reapplied:
                                removals++;
                                break;
                            case ReplayOutcome.AskedAgain:
                                askedAgain++;
                                break;
                        }

                        break;
                    case ErasedAddressesReinstated reinstated when await coordinator.ReinstateAgainAsync(reinstated.RequestId, entry.OccurredAt, cancellationToken):
                        reinstatements++;
                        break;
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogEntryFailed(entry.RequestId, exception.GetType().Name);
                throw;
            }
        }

        LogReplayed(removals, askedAgain, reinstatements);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removal replay done: {Removals} removals missing from the store applied again, {AskedAgain} open requests sent again to their pending participants, {Reinstatements} reinstatements applied again")]
    private partial void LogReplayed(int removals, int askedAgain, int reinstatements);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying erasure request {RequestId} from the stream failed ({Error}); the replay starts again")]
    private partial void LogEntryFailed(string requestId, string error);
}
