using System.Globalization;
using System.Net;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// Usage: dotnet ServiceDesk.Bench.BareGrpc.dll <port>
// Kestrel, cleartext HTTP/2 on 127.0.0.1, no logging, no interceptors, no authentication: the least a gRPC method
// costs on this machine, so the services' hosting pipeline can be measured against it in the same run.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddGrpc();
var app = builder.Build();
app.MapGrpcService<AlwaysServing>();
await app.RunAsync();

internal sealed class AlwaysServing : Health.HealthBase
{
    private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) => Task.FromResult(Serving);
}
