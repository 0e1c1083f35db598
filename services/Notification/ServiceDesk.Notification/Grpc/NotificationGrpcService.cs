using Grpc.Core;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Notification.Deliveries;

namespace ServiceDesk.Notification.Grpc;

/// <summary>The v1 notification API. Requests are validated before a handler runs (the *Validator classes).</summary>
public sealed class NotificationGrpcService(DeliveryLog log) : NotificationService.NotificationServiceBase
{
    public override Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context) =>
        log.ListAsync(context.GetCallerWithinServicePolicy(), request, context.CancellationToken);
}
