using ServiceDesk.Contracts.Identity.V1;

namespace ServiceDesk.Identity.Grpc;

/// <summary>The v1 identity API; RPCs not yet built answer UNIMPLEMENTED.</summary>
public sealed class IdentityGrpcService : IdentityService.IdentityServiceBase
{
}
