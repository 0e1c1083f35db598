using System.ComponentModel.DataAnnotations;

namespace ServiceDesk.Hosting.Endpoints;

/// <summary>Where a service listens: HTTP/2 for gRPC, HTTP/1.1 for REST, health and metrics; cleartext unless <see cref="Tls"/> names a certificate.</summary>
public sealed class EndpointOptions
{
    public const string Section = "Endpoints";

    /// <summary>The address both endpoints bind to; 0.0.0.0 in containers, 127.0.0.1 for local runs.</summary>
    [Required]
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5000;

    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>TLS for both endpoints, off while <see cref="EndpointTlsOptions.CertificatePath"/> is empty.</summary>
    public EndpointTlsOptions Tls { get; set; } = new();
}
