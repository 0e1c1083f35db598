using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using ServiceDesk.Hosting.Clients;
using ServiceDesk.Hosting.Endpoints;
using ServiceDesk.Hosting.Tls;

namespace ServiceDesk.HealthProbe;

/// <summary>
/// Asks the service in the same container for its gRPC health, with the service's own configuration
/// (environment variables): its gRPC port, TLS when it serves TLS, and its client certificate when it
/// requires one. Exit code 0 when it answers SERVING, 1 otherwise, with the reason on stderr.
/// </summary>
public static class GrpcHealthProbe
{
    public static async Task<int> CheckAsync(IConfiguration configuration, TimeSpan deadline, TextWriter error, CancellationToken cancellationToken)
    {
        var endpoints = configuration.GetSection(EndpointOptions.Section).Get<EndpointOptions>() ?? new EndpointOptions();
        var tls = endpoints.Tls.Enabled;
        var address = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{endpoints.GrpcPort}");
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = tls ? TlsHandler(endpoints.Tls, ServiceClientExtensions.TlsOptions(configuration)) : null,
            DisposeHttpClient = true,
        });
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken);
            if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return 0;
            }

            await error.WriteLineAsync($"{address}: {reply.Status}");
            return 1;
        }
        catch (RpcException exception)
        {
            await error.WriteLineAsync($"{address}: {exception.StatusCode} {exception.Status.Detail}");
            return 1;
        }
    }

    private static SocketsHttpHandler TlsHandler(EndpointTlsOptions serving, ServiceTlsOptions calling)
    {
        var handler = new SocketsHttpHandler();
        // The probe talks to its own container over loopback, where the certificate's names never match;
        // it checks that the service answers, not who it is.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (!string.IsNullOrWhiteSpace(serving.ClientCaPath) && !string.IsNullOrWhiteSpace(calling.CertificatePath))
        {
            var certificate = new PemCertificate(calling.CertificatePath, string.IsNullOrWhiteSpace(calling.KeyPath) ? null : calling.KeyPath);
            handler.SslOptions.ClientCertificates = [certificate.Current];
        }

        return handler;
    }
}
