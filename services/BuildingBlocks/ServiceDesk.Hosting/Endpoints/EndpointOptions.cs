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

    /// <summary>
    /// The largest request a server accepts: a gRPC message (RESOURCE_EXHAUSTED beyond it) or an HTTP body
    /// (413). gRPC's own default is 4 MiB; no request of ours needs more than a fraction of the 1 MiB default.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>TLS for both endpoints, off while <see cref="EndpointTlsOptions.CertificatePath"/> is empty.</summary>
    public EndpointTlsOptions Tls { get; set; } = new();
}
