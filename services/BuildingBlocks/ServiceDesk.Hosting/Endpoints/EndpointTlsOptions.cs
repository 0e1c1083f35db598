namespace ServiceDesk.Hosting.Endpoints;

/// <summary>Section <c>Endpoints:Tls</c>: the certificate both endpoints serve, and whom the gRPC endpoint accepts.</summary>
public sealed class EndpointTlsOptions
{
    /// <summary>PEM certificate (with its chain); both endpoints serve TLS when set. Re-read when the file changes.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of the certificate; empty when the certificate file holds the key too.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// PEM bundle of the authorities that issue the services' client certificates. When set, the gRPC endpoint
    /// requires a client certificate that chains to one of them (mutual TLS). The HTTP endpoint never asks
    /// for one: browsers, probes and the key set (JWKS) readers have none.
    /// </summary>
    public string? ClientCaPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
