using System.Net.Security;
using ServiceDesk.Hosting.Tls;

namespace ServiceDesk.Hosting.Clients;

/// <summary>
/// Section <c>Services:Tls</c>: how this service calls others over TLS. An <c>https://</c> address always
/// uses TLS; a <c>dns:///</c> address does when <see cref="Enabled"/> is set.
/// </summary>
public sealed class ServiceTlsOptions
{
    public const string Section = "Services:Tls";

    /// <summary>Calls to <c>dns:///host:port</c> addresses use TLS.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM bundle of the authorities a server's certificate must chain to; empty: the machine's trust store.</summary>
    public string? CaPath { get; set; }

    /// <summary>PEM client certificate this service presents (mutual TLS); re-read when the file changes.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of the client certificate; empty when the certificate file holds the key too.</summary>
    public string? KeyPath { get; set; }

    internal bool UsesTls(Uri address) => address.Scheme == Uri.UriSchemeHttps || (Enabled && address.Scheme == "dns");

    /// <summary>Whether calls need a handler of their own: a private authority or a client certificate.</summary>
    public bool NeedsHandler => !string.IsNullOrWhiteSpace(CaPath) || !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>The HTTP/2 transport for TLS calls with this section's authorities and client certificate.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var ssl = new SslClientAuthenticationOptions();
        if (!string.IsNullOrWhiteSpace(CaPath))
        {
            var authorities = new TrustedAuthorities(CaPath);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) => authorities.ValidateServer(certificate, errors);
        }

        if (!string.IsNullOrWhiteSpace(CertificatePath))
        {
            var certificate = new PemCertificate(CertificatePath, string.IsNullOrWhiteSpace(KeyPath) ? null : KeyPath);
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate.Current;
        }

        // Several connections per server: one HTTP/2 connection caps concurrent calls at its stream limit.
        return new SocketsHttpHandler { EnableMultipleHttp2Connections = true, SslOptions = ssl };
    }
}
