using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ServiceDesk.Hosting.Endpoints;

internal static class KestrelEndpoints
{
    public static EndpointOptions AddServiceEndpoints(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EndpointOptions.Section).Get<EndpointOptions>() ?? new EndpointOptions();
        if (!IPAddress.TryParse(options.BindAddress, out var address))
        {
            throw new InvalidOperationException($"{EndpointOptions.Section}:BindAddress '{options.BindAddress}' is not an IP address.");
        }

        var grpcEndpoint = new IPEndPoint(address, options.GrpcPort);
        var httpEndpoint = new IPEndPoint(address, options.HttpPort);
        var bound = new BoundEndpoints(grpcEndpoint, httpEndpoint);
        builder.Services.AddSingleton(bound);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            ListenOptions? grpc = null, http = null;
            // Cleartext gRPC needs an HTTP/2-only endpoint: without TLS there is no protocol negotiation.
            kestrel.Listen(grpcEndpoint, listen => (grpc = listen).Protocols = HttpProtocols.Http2);
            kestrel.Listen(httpEndpoint, listen => (http = listen).Protocols = HttpProtocols.Http1);
            bound.Record(grpc!, http!);
        });
        return options;
    }
}
