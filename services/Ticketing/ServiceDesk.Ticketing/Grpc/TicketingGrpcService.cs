using ServiceDesk.Contracts.Ticketing.V1;

namespace ServiceDesk.Ticketing.Grpc;

/// <summary>The v1 ticketing API; RPCs not yet built answer UNIMPLEMENTED.</summary>
public sealed class TicketingGrpcService : TicketingService.TicketingServiceBase
{
}
