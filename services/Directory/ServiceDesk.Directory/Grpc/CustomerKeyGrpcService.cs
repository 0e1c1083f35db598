using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Grpc;

/// <summary>Per-customer keys for sealed event data; not yet built, so UNIMPLEMENTED.</summary>
public sealed class CustomerKeyGrpcService : CustomerKeyService.CustomerKeyServiceBase
{
}
