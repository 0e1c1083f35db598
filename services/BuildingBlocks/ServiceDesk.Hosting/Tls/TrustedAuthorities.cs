using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ServiceDesk.Hosting.Tls;

/// <summary>
/// The certificate authorities (a PEM bundle) a peer's certificate must chain to, instead of the machine's
/// store: the services' CA is private. The bundle is read again when the file changes.
/// </summary>
public sealed class TrustedAuthorities(string bundlePath)
{
    private readonly Lock _reading = new();
    private (DateTime Written, X509Certificate2Collection Authorities)? _loaded;

    /// <summary>Whether <paramref name="certificate"/> chains to one of the authorities (name checks are the caller's).</summary>
    public bool Trusts(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>A server certificate check for a client: the chain to these authorities and the host name.</summary>
    public bool ValidateServer(X509Certificate? certificate, SslPolicyErrors errors) =>
        certificate is not null
        && (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
        && Trusts(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));

    private X509Certificate2Collection Authorities
    {
        get
        {
            var written = FileStamp.Of(bundlePath);
            lock (_reading)
            {
                if (_loaded is not { } loaded || loaded.Written != written)
                {
                    var authorities = new X509Certificate2Collection();
                    authorities.ImportFromPemFile(bundlePath);
                    _loaded = (written, authorities);
                }

                return _loaded.Value.Authorities;
            }
        }
    }
}
