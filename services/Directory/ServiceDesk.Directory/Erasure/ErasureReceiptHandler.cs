using ServiceDesk.Contracts.Events.V1;
using ServiceDesk.Messaging.Consuming;

namespace ServiceDesk.Directory.Erasure;

/// <summary>Receipts from the participating services, folded into their requests.</summary>
public sealed class ErasureReceiptHandler(ErasureCoordinator coordinator) : IIntegrationEventHandler<ErasureReceipt>
{
    public Task HandleAsync(ErasureReceipt message, EventContext context, CancellationToken cancellationToken) =>
        coordinator.ApplyReceiptAsync(message, context, cancellationToken);
}
