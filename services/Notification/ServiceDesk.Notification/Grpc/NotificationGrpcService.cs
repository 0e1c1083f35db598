using ServiceDesk.Contracts.Notification.V1;

namespace ServiceDesk.Notification.Grpc;

/// <summary>The v1 notification API; RPCs not yet built answer UNIMPLEMENTED.</summary>
public sealed class NotificationGrpcService : NotificationService.NotificationServiceBase
{
}
