using Microsoft.Extensions.Logging;
using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Hosting;
using ServiceDesk.Messaging.Consuming;
using ServiceDesk.Messaging.Operations;

namespace ServiceDesk.Messaging.Erasure;

/// <summary>
/// An admin reinstated a removal's addresses in Directory: this service stops refusing and suppressing them too (the
/// ledger keeps the request, so the customer id stays erased). Only Directory, the coordinator, may reinstate.
/// </summary>
public sealed partial class AddressReinstatementHandler(
    IErasureLedger ledger, MessagingMetrics metrics, TimeProvider time, ILogger<AddressReinstatementHandler> logger)
    : IIntegrationEventHandler<ErasedAddressesReinstated>
{
    public async Task HandleAsync(ErasedAddressesReinstated message, EventContext context, CancellationToken cancellationToken)
    {
        if (context.Source != ServiceNames.Directory)
        {
            metrics.Unauthenticated(context.Family);
            LogForeignReinstatement(context.EventId, context.Source);
            return;
        }

        await HandleAsync(message, cancellationToken);
    }

    /// <summary>A reinstatement replayed from the stream at start.</summary>
    public async Task HandleAsync(ErasedAddressesReinstated message, CancellationToken cancellationToken)
    {
        await ledger.RecordReinstatedAsync(message.RequestId, time.GetUtcNow(), cancellationToken);
        LogReinstated(message.RequestId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reinstatement {EventId} was published by {Source}, not by directory: refused")]
    private partial void LogForeignReinstatement(string eventId, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "The addresses of erasure request {RequestId} were reinstated: no longer refused here")]
    private partial void LogReinstated(string requestId);
}
