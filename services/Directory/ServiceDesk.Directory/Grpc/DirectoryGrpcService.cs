using ServiceDesk.Contracts.Directory.V1;

namespace ServiceDesk.Directory.Grpc;

/// <summary>The v1 directory API; RPCs not yet built answer UNIMPLEMENTED.</summary>
public sealed class DirectoryGrpcService : DirectoryService.DirectoryServiceBase
{
}
