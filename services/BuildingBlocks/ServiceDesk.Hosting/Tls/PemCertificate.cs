using System.Security.Cryptography.X509Certificates;

namespace ServiceDesk.Hosting.Tls;

/// <summary>
/// A certificate and its private key from PEM files, read again when either file changes: cert-manager
/// renews certificates in the mounted Secret, and new connections pick the new one up without a restart.
/// </summary>
public sealed class PemCertificate(string certificatePath, string? keyPath)
{
    private readonly Lock _reading = new();
    private (DateTime CertificateWritten, DateTime KeyWritten, X509Certificate2 Certificate)? _loaded;

    public X509Certificate2 Current
    {
        get
        {
            var stamps = (FileStamp.Of(certificatePath), keyPath is null ? default : FileStamp.Of(keyPath));
            lock (_reading)
            {
                if (_loaded is not { } loaded || (loaded.CertificateWritten, loaded.KeyWritten) != stamps)
                {
                    _loaded = (stamps.Item1, stamps.Item2, X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
                }

                return _loaded.Value.Certificate;
            }
        }
    }
}
