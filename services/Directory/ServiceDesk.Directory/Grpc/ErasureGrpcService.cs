using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Grpc;

/// <summary>The v1 erasure API; RPCs not yet built answer UNIMPLEMENTED.</summary>
public sealed class ErasureGrpcService : ErasureService.ErasureServiceBase
{
}
