using Grpc.Core;
using ServiceDesk.Contracts.Notification.V1;
using ServiceDesk.Hosting.Auth;
using ServiceDesk.Notification.Deliveries;
using ServiceDesk.Notification.Erasure;

namespace ServiceDesk.Notification.Grpc;

/// <summary>The v1 notification API. Requests are validated before a handler runs (the *Validator classes).</summary>
public sealed class NotificationGrpcService(DeliveryLog log, Suppression suppression) : NotificationService.NotificationServiceBase
{
    public override Task<ListDeliveriesResponse> ListDeliveries(ListDeliveriesRequest request, ServerCallContext context) =>
        log.ListAsync(context.GetCallerWithinServicePolicy(), request, context.CancellationToken);

    /// <summary>
    /// Admins only (and services the service-access table grants it; none today): answering for any address, it
    /// would tell an agent which addresses were erased anywhere.
    /// </summary>
    public override async Task<IsSuppressedResponse> IsSuppressed(IsSuppressedRequest request, ServerCallContext context)
    {
        var caller = context.GetCallerWithinServicePolicy();
        if (caller.Role != CallerRole.Service)
        {
            caller.RequireAdmin();
        }

        return await suppression.IsAddressSuppressedAsync(request.Address, context.CancellationToken)
            ? new IsSuppressedResponse { Suppressed = true, Reason = IsSuppressedResponse.Types.Reason.Erased }
            : new IsSuppressedResponse();
    }
}
