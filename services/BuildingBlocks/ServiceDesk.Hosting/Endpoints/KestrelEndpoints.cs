using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServiceDesk.Hosting.Tls;

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

        var tls = options.Tls;
        if (!tls.Enabled && !string.IsNullOrWhiteSpace(tls.ClientCaPath))
        {
            throw new InvalidOperationException($"{EndpointOptions.Section}:Tls:ClientCaPath needs {EndpointOptions.Section}:Tls:CertificatePath: mutual TLS is TLS first.");
        }

        var grpcEndpoint = new IPEndPoint(address, options.GrpcPort);
        var httpEndpoint = new IPEndPoint(address, options.HttpPort);
        var bound = new BoundEndpoints(grpcEndpoint, httpEndpoint, tls.Enabled);
        builder.Services.AddSingleton(bound);
        var certificate = tls.Enabled ? new PemCertificate(tls.CertificatePath!, NullIfEmpty(tls.KeyPath)) : null;
        var clientAuthorities = NullIfEmpty(tls.ClientCaPath) is { } bundle ? new TrustedAuthorities(bundle) : null;
        // Read once now, so a wrong path or a key that does not match stops the start instead of the first handshake.
        _ = certificate?.Current;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            // "Server: Kestrel" would tell a scanner which server's weaknesses to try; no client needs it.
            kestrel.AddServerHeader = false;
            ListenOptions? grpc = null, http = null;
            // Cleartext gRPC needs an HTTP/2-only endpoint: without TLS there is no protocol negotiation.
            kestrel.Listen(grpcEndpoint, listen =>
            {
                (grpc = listen).Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(Https(certificate, clientAuthorities));
                }
            });
            kestrel.Listen(httpEndpoint, listen =>
            {
                (http = listen).Protocols = HttpProtocols.Http1;
                if (certificate is not null)
                {
                    listen.UseHttps(Https(certificate, clientAuthorities: null));
                }
            });
            bound.Record(grpc!, http!);
        });
        return options;
    }

    private static HttpsConnectionAdapterOptions Https(PemCertificate certificate, TrustedAuthorities? clientAuthorities)
    {
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => certificate.Current,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        if (clientAuthorities is not null)
        {
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (client, _, _) => clientAuthorities.Trusts(client);
        }

        return https;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
